import Foundation
import OmniHDF5

/// What `Scripts/hdf5/check_trace.py` should find in a file: dtypes, shapes, values and attributes.
struct H5Expectation {
    var swmr = false
    var exact = true
    var datasets: [String: [String: Any]] = [:]
    var attributes: [String: [String: [String: Any]]] = [:]

    mutating func table(_ name: String, _ schema: [(String, String)], rows: [[Any]]) {
        datasets[name] = ["dtype": schema.map { [$0.0, $0.1] }, "shape": [rows.count], "values": rows]
    }

    mutating func array(_ name: String, dtype: String, shape: [Int], values: [Any]) {
        datasets[name] = ["dtype": dtype, "shape": shape, "values": values]
    }

    mutating func attribute(_ object: String, _ key: String, dtype: String, _ value: Any) {
        attributes[object, default: [:]][key] = ["dtype": dtype, "value": value]
    }

    func write(to path: String) throws {
        let object: [String: Any] = ["swmr": swmr, "exact": exact, "datasets": datasets, "attributes": attributes]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// Result of running the h5py checker.
struct H5pyResult {
    var status: Int32
    var output: String
}

enum H5pyCheck {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/hdf5")
    static let script = scripts.appendingPathComponent("check_trace.py").path

    /// Runs the checker; a missing python3 or h5py is reported as a failure message naming
    /// `pip install h5py`, never skipped.
    static func run(file: String, expectation: H5Expectation, in dir: TempDir) throws -> H5pyResult {
        let expected = dir.path("expected-\(UUID().uuidString).json")
        try expectation.write(to: expected)
        return try python([script, file, expected])
    }

    /// Runs `python3 arguments...`, folding a missing interpreter or h5py into the message.
    static func python(_ arguments: [String]) throws -> H5pyResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 {
            output = "python3 not found: install Python 3, then `pip install h5py` (CI installs it). " + output
        } else if process.terminationStatus == 2 {
            output = "h5py check could not run: \(output) — `pip install h5py` (CI installs it)"
        }
        return H5pyResult(status: process.terminationStatus, output: output)
    }
}
