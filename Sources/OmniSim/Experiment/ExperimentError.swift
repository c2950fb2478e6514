import Foundation
import OmniEngine

/// A problem in an experiment file, located by its JSON path (e.g. `devices[2].memory`).
public enum ExperimentError: LocalizedError, Equatable {
    case invalid(path: String, message: String)
    case unreadable(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalid(let path, let message): return "\(path.isEmpty ? "(top level)" : path): \(message)"
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        }
    }
}

/// Typed reading of a JSON value at a path, rejecting unknown keys.
struct JSONNode {
    let value: JSONValue
    let path: String

    func fail(_ message: String) -> ExperimentError { .invalid(path: path, message: message) }

    func child(_ key: String) -> JSONNode? {
        guard let v = value.objectValue?[key], v != .null else { return nil }
        return JSONNode(value: v, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func required(_ key: String) throws -> JSONNode {
        guard value.objectValue != nil else { throw fail("expected an object") }
        guard let c = child(key) else { throw ExperimentError.invalid(path: path.isEmpty ? key : "\(path).\(key)", message: "is required") }
        return c
    }

    func object(allowed: [String]) throws -> [String: JSONValue] {
        guard let o = value.objectValue else { throw fail("expected an object, got \(value.brief)") }
        for key in o.keys.sorted() where !allowed.contains(key) {
            throw ExperimentError.invalid(path: path.isEmpty ? key : "\(path).\(key)",
                                          message: "unknown key; expected one of: \(allowed.joined(separator: ", "))")
        }
        return o
    }

    func array() throws -> [JSONNode] {
        guard let a = value.arrayValue else { throw fail("expected a list, got \(value.brief)") }
        return a.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]") }
    }

    func string() throws -> String {
        guard let s = value.stringValue else { throw fail("expected a string, got \(value.brief)") }
        return s
    }

    func int(_ range: ClosedRange<Int>? = nil) throws -> Int {
        var parsed = value.intValue
        if parsed == nil, let d = value.numberValue, d.rounded() == d, abs(d) < 1e15 { parsed = Int(d) }
        guard let i = parsed else { throw fail("expected an integer, got \(value.brief)") }
        if let range, !range.contains(i) { throw fail("expected an integer in \(range.lowerBound)...\(range.upperBound), got \(i)") }
        return i
    }

    func double(_ range: ClosedRange<Double>? = nil) throws -> Double {
        guard let d = value.numberValue, d.isFinite else { throw fail("expected a number, got \(value.brief)") }
        if let range, !range.contains(d) { throw fail("expected a number in \(range.lowerBound)...\(range.upperBound), got \(d)") }
        return d
    }

    func bool() throws -> Bool {
        guard let b = value.boolValue else { throw fail("expected true or false, got \(value.brief)") }
        return b
    }

    /// A size: a number of bytes or a string like "16GB", "512MiB".
    func bytes() throws -> Int {
        if let i = value.intValue, i >= 0 { return i }
        if let s = value.stringValue, let v = Units.parse(s, units: Units.bytes) { return Int(v) }
        throw fail("expected a size like \"16GB\", got \(value.brief)")
    }

    /// A rate: a number or a string like "10TFLOPS", "100GB/s", "1Gbit/s".
    func rate(_ units: [String: Double], example: String) throws -> Double {
        if let d = value.numberValue, d > 0 { return d }
        if let s = value.stringValue, let v = Units.parse(s, units: units), v > 0 { return v }
        throw fail("expected a positive number or a string like \"\(example)\", got \(value.brief)")
    }

    /// A duration in seconds: a number or a string like "2ms", "1.5s", "50us".
    func seconds() throws -> Double {
        if let d = value.numberValue, d >= 0 { return d }
        if let s = value.stringValue, let v = Units.parse(s, units: Units.time), v >= 0 { return v }
        throw fail("expected seconds or a string like \"2ms\", got \(value.brief)")
    }
}

/// Number-with-unit parsing for experiment files.
enum Units {
    static let bytes: [String: Double] = ["": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
                                          "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776]
    static let bandwidth: [String: Double] = ["": 1, "b/s": 1, "kb/s": 1e3, "mb/s": 1e6, "gb/s": 1e9, "tb/s": 1e12,
                                              "kbit/s": 125, "mbit/s": 125e3, "gbit/s": 125e6, "kbps": 125, "mbps": 125e3, "gbps": 125e6]
    static let flops: [String: Double] = ["": 1, "flops": 1, "gflops": 1e9, "tflops": 1e12, "pflops": 1e15, "g": 1e9, "t": 1e12]
    static let time: [String: Double] = ["": 1, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "min": 60]

    static func parse(_ text: String, units: [String: Double]) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let number = s.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "-" || $0 == "+" }
        guard let value = Double(number), value.isFinite else { return nil }
        let unit = s.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let m = units[unit] else { return nil }
        return value * m
    }
}
