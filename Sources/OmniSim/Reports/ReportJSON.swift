import OmniEngine
/// A JSON document with ordered object keys and fixed-precision numbers, rendered
/// byte-for-byte the same on every run (Foundation's JSONSerialization does not promise
/// key order or float text).
public indirect enum ReportJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// A float written with `digits` decimals; non-finite values are written as `null`.
    case number(Double, digits: Int)
    case string(String)
    case array([ReportJSON])
    /// Keys are written in the given order.
    case object([(String, ReportJSON)])

    public static func == (a: ReportJSON, b: ReportJSON) -> Bool {
        a.rendered(indent: nil) == b.rendered(indent: nil)
    }

    /// `value` as a number with `digits` decimals, or null.
    public static func number(_ value: Double?, digits: Int = 6) -> ReportJSON {
        guard let value else { return .null }
        return .number(value, digits: digits)
    }

    /// `value` as a string, or null.
    public static func string(_ value: String?) -> ReportJSON {
        guard let value else { return .null }
        return .string(value)
    }

    /// The JSON text. With `indent` (spaces per level), objects and arrays of containers span
    /// lines; arrays of scalars stay on one line. Without it, the text has no whitespace.
    public func rendered(indent: Int? = 2) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private var isContainer: Bool {
        switch self {
        case .array(let items): return !items.isEmpty
        case .object(let members): return !members.isEmpty
        default: return false
        }
    }

    private func write(into out: inout String, indent: Int?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .number(let v, let digits):
            out += v.isFinite ? NumberFormat.fixed(v, digits: digits) : "null"
        case .string(let s): ReportJSON.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let multiline = indent != nil && items.contains { $0.isContainer }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += multiline ? "," : (indent == nil ? "," : ", ") }
                if multiline, let indent { ReportJSON.newline(&out, indent * (level + 1)) }
                item.write(into: &out, indent: indent, level: level + 1)
            }
            if multiline, let indent { ReportJSON.newline(&out, indent * level) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                if let indent { ReportJSON.newline(&out, indent * (level + 1)) }
                ReportJSON.writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent, level: level + 1)
            }
            if let indent { ReportJSON.newline(&out, indent * level) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ spaces: Int) {
        out += "\n"
        out += String(repeating: " ", count: spaces)
    }

    /// Writes `s` as a JSON string literal (RFC 8259 escapes; other characters as UTF-8).
    static func writeString(_ s: String, into out: inout String) {
        JSONText.appendQuoted(s, to: &out)
    }
}
