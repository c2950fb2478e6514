/// A JSON value together with the file name and path it came from, so that every
/// accessor can throw a `TokenizerError` naming exactly what is wrong and where.
struct JSONCursor {
    let value: JSONValue
    let file: String
    let path: String

    /// Parses `bytes` as the document of `file`.
    static func parse(_ bytes: [UInt8], file: String) throws(TokenizerError) -> JSONCursor {
        do {
            return JSONCursor(value: try JSONParser.parse(bytes), file: file, path: "")
        } catch {
            throw .invalidJSON(file: file, offset: error.offset, reason: error.reason)
        }
    }

    private func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The member `key`, or nil when absent or JSON null.
    func optional(_ key: String) throws(TokenizerError) -> JSONCursor? {
        guard case .object = value else {
            throw .wrongType(file: file, path: path.isEmpty ? "(root)" : path, expected: "an object", found: value.typeName)
        }
        guard let child = value.member(key) else { return nil }
        if case .null = child { return nil }
        return JSONCursor(value: child, file: file, path: childPath(key))
    }

    /// The member `key`; throws when absent or null.
    func required(_ key: String) throws(TokenizerError) -> JSONCursor {
        guard let child = try optional(key) else { throw .missingField(file: file, path: childPath(key)) }
        return child
    }

    func wrongType(_ expected: String) -> TokenizerError {
        .wrongType(file: file, path: path.isEmpty ? "(root)" : path, expected: expected, found: value.typeName)
    }

    func invalid(_ reason: String) -> TokenizerError {
        .invalidValue(file: file, path: path.isEmpty ? "(root)" : path, reason: reason)
    }

    func unsupported(_ what: String) -> TokenizerError {
        .unsupported(file: file, path: path.isEmpty ? "(root)" : path, what: what)
    }

    func string() throws(TokenizerError) -> String {
        guard case let .string(text) = value else { throw wrongType("a string") }
        return text
    }

    func bool() throws(TokenizerError) -> Bool {
        guard case let .bool(flag) = value else { throw wrongType("a boolean") }
        return flag
    }

    /// A non-negative integer that fits comfortably in an Int32 token id space.
    func int() throws(TokenizerError) -> Int {
        guard case let .number(number) = value else { throw wrongType("an integer") }
        guard number.rounded() == number, number >= -2_147_483_648, number <= 2_147_483_647 else {
            throw invalid("\(number) is not a 32-bit integer")
        }
        return Int(number)
    }

    func array() throws(TokenizerError) -> [JSONCursor] {
        guard case let .array(elements) = value else { throw wrongType("an array") }
        return elements.enumerated().map { JSONCursor(value: $1, file: file, path: "\(path)[\($0)]") }
    }

    func members() throws(TokenizerError) -> [(key: String, value: JSONCursor)] {
        guard case let .object(members) = value else { throw wrongType("an object") }
        return members.map { ($0.key, JSONCursor(value: $0.value, file: file, path: childPath($0.key))) }
    }

    func optionalString(_ key: String) throws(TokenizerError) -> String? {
        try optional(key)?.string()
    }

    func optionalBool(_ key: String) throws(TokenizerError) -> Bool? {
        try optional(key)?.bool()
    }

    func optionalInt(_ key: String) throws(TokenizerError) -> Int? {
        try optional(key)?.int()
    }

    /// The component's `type` string.
    func typeName() throws(TokenizerError) -> String {
        try required("type").string()
    }
}
