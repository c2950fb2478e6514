import Foundation
import Testing
@testable import OmniHDF5

@Suite struct FileAndDatasetTests {
    @Test func numericDatasetsRoundTripInEveryTypeAndRank() throws {
        let dir = try TempDir()
        let path = dir.path("numeric.h5")
        do {
            let file = try File.create(path)
            try file.createDataset("f32", values: [Float(1.5), -2, 3.25, 4, 5, 6], shape: [2, 3])
            try file.createDataset("f64", values: [Double.pi, -1e300])
            try file.createDataset("i32", values: [Int32.min, 0, Int32.max])
            try file.createDataset("deep/nested/i64", values: [Int64.min, 42, Int64.max], shape: [3, 1, 1])
            try file.createDataset("u8", values: [UInt8(0), 7, 255, 128], shape: [2, 2])
            file.close()
            file.close() // idempotent
        }
        let file = try File.open(path)
        #expect(try file.dataset("f32").read(Float.self) == [1.5, -2, 3.25, 4, 5, 6])
        #expect(try file.dataset("f32").shape() == [2, 3])
        #expect(try file.dataset("f64").read(Double.self) == [Double.pi, -1e300])
        #expect(try file.dataset("i32").read(Int32.self) == [Int32.min, 0, Int32.max])
        #expect(try file.dataset("deep/nested/i64").read(Int64.self) == [Int64.min, 42, Int64.max])
        #expect(try file.dataset("/deep/nested/i64").shape() == [3, 1, 1])
        #expect(try file.dataset("u8").read(UInt8.self) == [0, 7, 255, 128])
        #expect(try file.childNames() == ["deep", "f32", "f64", "i32", "u8"])
        #expect(try file.group("deep").childNames() == ["nested"])
    }

    @Test func extendableCompressedDatasetAppendsRows() throws {
        let dir = try TempDir()
        let path = dir.path("append.h5")
        let file = try File.create(path)
        let data = try file.createDataset("x", type: .float32, shape: [0, 4],
                                          storage: .extendable(chunk: [16, 4], deflateLevel: 6))
        var expected: [Float] = []
        for batch in 0..<10 {
            let rows = (0..<(batch * 4)).map { Float($0 + batch * 1000) }
            try data.append(rows)
            expected += rows
        }
        #expect(try data.shape() == [expected.count / 4, 4])
        #expect(try data.read(Float.self) == expected)
        #expect(try data.readRows(2..<5, as: Float.self) == Array(expected[8..<20]))
        #expect(throws: HDF5Error.self) { try data.append([Float(1), 2, 3]) }
        #expect(throws: HDF5Error.self) { try data.append([Int32(1), 2, 3, 4]) }
        file.close()
        #expect(try File.open(path).dataset("x").read(Float.self) == expected)
    }

    @Test func attributesRoundTripOnFileGroupAndDataset() throws {
        let dir = try TempDir()
        let path = dir.path("attrs.h5")
        let values: [String: AttributeValue] = [
            "s": .string("héllo ✓"), "empty": .string(""), "i": .int64(-7), "u": .uint64(UInt64.max),
            "d": .double(0.1), "ss": .strings(["a", "", "ünï"]), "ii": .int64s([1, -2, 3]),
            "dd": .doubles([1.5, -0.25]),
        ]
        do {
            let file = try File.create(path)
            let group = try file.createGroup("g")
            let data = try group.createDataset("d", values: [Int32(1)])
            for holder in [file, group, data] as [HDF5Object] {
                for (key, value) in values { try holder.setAttribute(key, value) }
            }
            try file.setAttribute("i", .int64(8)) // replaces
        }
        let file = try File.open(path)
        for holder in [file, try file.group("g"), try file.dataset("g/d")] as [HDF5Object] {
            #expect(try holder.attributeNames() == values.keys.sorted())
            for (key, value) in values where !(holder === file && key == "i") {
                #expect(try holder.attribute(key) == value, "\(holder.name)@\(key)")
            }
        }
        #expect(try file.attribute("i") == .int64(8))
        #expect(throws: HDF5Error.objectNotFound(path: path, object: "/@nope")) { try file.attribute("nope") }
    }

    @Test func compoundTableAppendsBatchesAndReadsBack() throws {
        let dir = try TempDir()
        let path = dir.path("table.h5")
        let schema = try CompoundSchema([
            Column("a", .int64), Column("b", .uint64), Column("c", .int32), Column("d", .float64),
            Column("e", .float32), Column("tag", .fixedString(6)), Column("note", .string),
        ])
        var expected: [[CompoundValue]] = []
        do {
            let file = try File.create(path)
            let table = try file.createTable("t", schema: schema,
                                             options: TableOptions(chunkRows: 7, deflateLevel: 5, bufferRows: 10))
            for i in 0..<53 {
                let row: [CompoundValue] = [
                    .int64(Int64(i) - 20), .uint64(UInt64.max - UInt64(i)), .int32(Int32(i * 3)),
                    .float64(Double(i) / 7), .float32(Float(i) * 0.5), .string(i % 2 == 0 ? "even" : "odd✓"),
                    .string(String(repeating: "x", count: i)),
                ]
                try table.append(row)
                expected.append(row)
            }
            #expect(table.writtenRowCount == 50)
            #expect(table.bufferedRowCount == 3)
            #expect(throws: HDF5Error.self) { try table.append([.int64(1)]) }
            #expect(throws: HDF5Error.self) {
                try table.append([.string("x"), .uint64(0), .int32(0), .float64(0), .float32(0), .string(""), .string("")])
            }
            #expect(throws: HDF5Error.self) {
                try table.append([.int64(0), .uint64(0), .int32(0), .float64(0), .float32(0), .string("toolong"), .string("")])
            }
            // close() writes the 3 buffered rows.
        }
        let table = try File.open(path).table("t")
        #expect(table.schema == schema)
        #expect(try table.readRows() == expected)
        #expect(try table.readRows(10..<12) == Array(expected[10..<12]))
    }
}

@Suite struct EmptyValueTests {
    @Test func emptyArraysStringsAndDatasetsRoundTrip() throws {
        let dir = try TempDir()
        let path = dir.path("empty.h5")
        let file = try File.create(path)
        try file.setAttribute("none", .int64s([]))
        try file.setAttribute("nothing", .strings([]))
        try file.setAttribute("zero", .doubles([]))
        let grow = try file.createDataset("grow", type: .float64, shape: [0], storage: .extendable(chunk: [8]))
        #expect(try grow.read(Double.self) == [])
        #expect(try grow.readRows(0..<0, as: Double.self) == [])
        let table = try file.createTable("t", schema: try CompoundSchema([Column("fixed", .fixedString(2)),
                                                                         Column("vl", .string)]))
        try table.append([.string(""), .string("")])
        try table.appendRow { row in row.setString(0, "ééé") } // cut at a character boundary: "é"
        struct Stop: Error {}
        #expect(throws: Stop.self) { try table.appendRow { row in row.setString(1, "dropped"); throw Stop() } }
        try table.flush()
        #expect(try table.readRows() == [[.string(""), .string("")], [.string("é"), .string("")]])
        #expect(try table.readRows(2..<2) == [])
        #expect(try file.attribute("none") == .int64s([]))
        #expect(try file.attribute("nothing") == .strings([]))
        #expect(try file.attribute("zero") == .doubles([]))
    }
}
