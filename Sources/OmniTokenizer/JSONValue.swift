/// A parsed JSON document. Objects keep their members in file order and compare keys by
/// UTF-8 bytes, so canonically equivalent but different keys (a vocabulary may hold both
/// "Å" spellings) stay distinct.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The JSON type name used in error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The member named `key` of an object (exact UTF-8 comparison), or nil.
    func member(_ key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        for member in members where member.key.utf8.elementsEqual(key.utf8) {
            return member.value
        }
        return nil
    }
}
