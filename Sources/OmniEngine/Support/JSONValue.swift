import Foundation

/// A parsed JSON document that keeps booleans, integers and floats apart (Foundation's
/// `JSONSerialization` blurs them into `NSNumber`), for checkpoint and config files.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    /// Parses JSON bytes; the error names `file` and what is wrong.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw CheckpointError.invalidJSON(file: file, reason: detail ?? context.debugDescription)
        } catch {
            throw CheckpointError.invalidJSON(file: file, reason: "\(error)")
        }
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    /// Integer or float as Double.
    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// A short rendering for error messages.
    public var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .string(let s): return "\"\(s.prefix(40))\""
        case .array(let a): return "a list of \(a.count)"
        case .object: return "an object"
        }
    }
}

/// Typed access to fields of a JSON object with errors that name the file and key.
struct JSONFieldReader {
    let dict: [String: JSONValue]
    let file: String
    var prefix: String = ""

    private func fail(_ key: String, _ reason: String) -> CheckpointError {
        .invalidConfig(file: file, key: prefix + key, reason: reason)
    }
    private func present(_ key: String) -> JSONValue? {
        guard let v = dict[key], v != .null else { return nil }
        return v
    }
    func optionalInt(_ key: String) throws -> Int? {
        guard let v = present(key) else { return nil }
        if let i = v.intValue { return i }
        if case .double(let d) = v, d.rounded() == d, abs(d) < 1e15 { return Int(d) }
        throw fail(key, "expected an integer, got \(v.brief)")
    }
    func optionalPositiveInt(_ key: String) throws -> Int? {
        guard let v = try optionalInt(key) else { return nil }
        guard v > 0 else { throw fail(key, "must be positive, got \(v)") }
        return v
    }
    func positiveInt(_ key: String) throws -> Int {
        guard let v = try optionalPositiveInt(key) else { throw fail(key, "is missing") }
        return v
    }
    func optionalDouble(_ key: String) throws -> Double? {
        guard let v = present(key) else { return nil }
        guard let d = v.numberValue, d.isFinite else { throw fail(key, "expected a number, got \(v.brief)") }
        return d
    }
    func optionalBool(_ key: String) throws -> Bool? {
        guard let v = present(key) else { return nil }
        guard let b = v.boolValue else { throw fail(key, "expected true or false, got \(v.brief)") }
        return b
    }
    func optionalString(_ key: String) throws -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v.stringValue else { throw fail(key, "expected a string, got \(v.brief)") }
        return s
    }
    func optionalStringArray(_ key: String) throws -> [String]? {
        guard let v = present(key) else { return nil }
        guard let a = v.arrayValue else { throw fail(key, "expected a list of strings, got \(v.brief)") }
        return try a.map {
            guard let s = $0.stringValue else { throw fail(key, "expected a list of strings, found \($0.brief)") }
            return s
        }
    }
    /// An integer or a list of integers (e.g. `eos_token_id`).
    func optionalIntList(_ key: String) throws -> [Int]? {
        guard let v = present(key) else { return nil }
        if let i = v.intValue { return [i] }
        guard let a = v.arrayValue else { throw fail(key, "expected an integer or a list of integers, got \(v.brief)") }
        return try a.map {
            guard let i = $0.intValue else { throw fail(key, "expected integers, found \($0.brief)") }
            return i
        }
    }
}
