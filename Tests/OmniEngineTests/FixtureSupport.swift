import Foundation
@testable import OmniEngine

/// Locates the generated model fixtures (Tests/OmniEngineTests/Fixtures/models) and their
/// transformers reference outputs.
enum Fixtures {
    static var models: URL {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            return url.appendingPathComponent("models")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/models")
    }

    static func model(_ name: String) -> URL { models.appendingPathComponent(name) }

    static func reference(_ name: String, file: String = "reference.json") throws -> [String: Any] {
        let data = try Data(contentsOf: model(name).appendingPathComponent(file))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// A scratch directory removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("omni-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Array where Element == Any {
    var ints: [Int] { compactMap { ($0 as? NSNumber)?.intValue } }
    var floatRows: [[Float]] { compactMap { ($0 as? [Any])?.compactMap { ($0 as? NSNumber)?.floatValue } } }
}

/// Largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length mismatch \(a.count) vs \(b.count)")
    var m: Float = 0
    for i in a.indices { m = Swift.max(m, abs(a[i] - b[i])) }
    return m
}
