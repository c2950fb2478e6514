/// Python's `str.format` for `{}`, `{0}`, `{name}` and `{{ }}`; format specs other than empty are refused.
enum BraceFormat {
    static func format(_ template: String, _ arguments: Arguments) throws -> String {
        var out = ""
        var scalars = Array(template.unicodeScalars)[...]
        var automatic = 0
        while let c = scalars.first {
            scalars = scalars.dropFirst()
            if c == "}" {
                guard scalars.first == "}" else { throw RuntimeFailure("single '}' encountered in format string") }
                scalars = scalars.dropFirst()
                out += "}"
                continue
            }
            guard c == "{" else { out.unicodeScalars.append(c); continue }
            if scalars.first == "{" { scalars = scalars.dropFirst(); out += "{"; continue }
            guard let close = scalars.firstIndex(of: "}") else { throw RuntimeFailure("single '{' encountered in format string") }
            let field = PyString.string(scalars[scalars.startIndex..<close])
            scalars = scalars[scalars.index(after: close)...]
            let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts.first.map(String.init) ?? ""
            if parts.count > 1 && !parts[1].isEmpty { throw RuntimeFailure("format spec '\(parts[1])' is not supported") }
            let value: Value?
            if key.isEmpty {
                value = automatic < arguments.positional.count ? arguments.positional[automatic] : nil
                automatic += 1
            } else if let index = Int(key) {
                value = index < arguments.positional.count ? arguments.positional[index] : nil
            } else {
                value = arguments.keyword(key)
            }
            guard let value else { throw RuntimeFailure("format field '{\(field)}' has no matching argument") }
            out += try PythonFormatting.str(value)
        }
        return out
    }
}
