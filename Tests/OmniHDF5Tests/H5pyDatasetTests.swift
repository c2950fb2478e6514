import Foundation
import Testing
@testable import OmniHDF5

/// h5py must see the dtypes, shapes, storage options and values the generic API wrote.
@Suite struct H5pyDatasetTests {
    @Test func h5pySeesNumericDatasetsTablesAndStorageOptions() throws {
        let dir = try TempDir()
        let path = dir.path("generic.h5")
        let file = try File.create(path)
        try file.createDataset("f64", values: [1.0, -0.5, Double.leastNonzeroMagnitude, 3], shape: [2, 2])
        try file.createDataset("i32", values: [Int32.min, -1, 0, Int32.max])
        try file.createDataset("u8", values: [UInt8](0...11), shape: [2, 3, 2])
        let grown = try file.createDataset("grp/grown", type: .int64, shape: [0, 3],
                                           storage: .extendable(chunk: [4, 3], deflateLevel: 7))
        try grown.append([Int64](0..<9))
        try grown.append([Int64](100..<106))
        let schema = try CompoundSchema([Column("u", .uint64), Column("f", .float32), Column("tag", .fixedString(3)),
                                         Column("s", .string)])
        let table = try file.createTable("tbl", schema: schema,
                                         options: TableOptions(chunkRows: 5, deflateLevel: nil, shuffle: false))
        try table.append([.uint64(UInt64.max), .float32(0.1), .string("abc"), .string("ü")])
        try table.append([.uint64(0), .float32(-2), .string("é"), .string("")])
        try file.setAttribute("note", .doubles([0.1, 2]))
        file.close()
        table.close()
        grown.close()

        var e = H5Expectation()
        e.array("/f64", dtype: "<f8", shape: [2, 2], values: [1.0, -0.5, Double.leastNonzeroMagnitude, 3])
        e.datasets["/f64"]?["storage"] = ["chunks": NSNull(), "compression": NSNull()]
        e.array("/i32", dtype: "<i4", shape: [4], values: [Int32.min, -1, 0, Int32.max])
        e.array("/u8", dtype: "|u1", shape: [2, 3, 2], values: Array(0...11))
        e.array("/grp/grown", dtype: "<i8", shape: [5, 3], values: Array(0..<9) + Array(100..<106))
        e.datasets["/grp/grown"]?["storage"] = ["chunks": [4, 3], "maxshape": [NSNull(), 3], "compression": "gzip",
                                                "compression_opts": 7, "shuffle": true]
        e.table("/tbl", [("u", "<u8"), ("f", "<f4"), ("tag", "|S3"), ("s", "str")],
                rows: [[UInt64.max, Double(Float(0.1)), "abc", "ü"], [0, -2.0, "é", ""]])
        e.datasets["/tbl"]?["storage"] = ["chunks": [5], "maxshape": [NSNull()], "compression": NSNull(), "shuffle": false]
        e.attribute("/", "note", dtype: "<f8", [0.1, 2.0])
        let result = try H5pyCheck.run(file: path, expectation: e, in: dir)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func h5pyCheckReportsWrongStorage() throws {
        let dir = try TempDir()
        let path = dir.path("storage.h5")
        try File.create(path).createDataset("x", values: [Float(1)])
        var e = H5Expectation()
        e.array("/x", dtype: "<f4", shape: [1], values: [1.0])
        e.datasets["/x"]?["storage"] = ["compression": "gzip"]
        let result = try H5pyCheck.run(file: path, expectation: e, in: dir)
        #expect(result.status == 1)
        #expect(result.output.contains("/x: compression None != 'gzip'"), "\(result.output)")
    }

    @Test func readOnlyFilesRefuseWrites() throws {
        let dir = try TempDir()
        let path = dir.path("ro.h5")
        try File.create(path).createDataset("x", values: [Int32(1), 2])
        let file = try File.open(path)
        #expect(throws: HDF5Error.self) { try file.dataset("x").write([Int32(3), 4]) }
        #expect(throws: HDF5Error.self) { try file.setAttribute("a", .int64(1)) }
        #expect(try file.dataset("x").read(Int32.self) == [1, 2])
        file.close() // HDF5 will not open one file read-only and read-write at once
        let writable = try File.open(path, mode: .readWrite)
        try writable.dataset("x").write([Int32(3), 4])
        writable.close()
        #expect(try File.open(path).dataset("x").read(Int32.self) == [3, 4])
    }
}
