/// Character classes with Python's meaning, used by the lexer and by string methods.
enum PythonCharacters {
    /// Python's `str.isspace` (what `\s` and `strip()` match).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (scalar.value < 128 ? (scalar.properties.isAlphabetic) : scalar.properties.isXIDStart)
    }

    static func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || isDigit(scalar) || (scalar.value >= 128 && scalar.properties.isXIDContinue)
    }
}
