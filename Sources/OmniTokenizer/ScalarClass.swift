/// Character classes used by the pre-tokenizer patterns: `\p{L}`, `\p{N}` and `\s`
/// (Unicode White_Space), as bit flags looked up from a table for the Basic Multilingual Plane.
enum ScalarClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4

    /// Flags for every BMP scalar, computed once.
    private static let bmpTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for value in 0..<0x10000 {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            table[value] = computeFlags(scalar)
        }
        return table
    }()

    private static func computeFlags(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        var flags: UInt8 = 0
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            flags |= number
        default:
            break
        }
        if properties.isWhitespace { flags |= whitespace }
        return flags
    }

    /// The class flags of the scalar with value `value` (any value; invalid ones have none).
    @inline(__always)
    static func flags(_ value: UInt32) -> UInt8 {
        if value < 0x10000 {
            return bmpTable.withUnsafeBufferPointer { $0[Int(value)] }
        }
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        return computeFlags(scalar)
    }
}

/// Decodes the scalar starting at byte `index` of valid UTF-8 and returns it with its length.
@inline(__always)
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
    let lead = bytes[index]
    if lead < 0x80 { return (UInt32(lead), 1) }
    if lead < 0xE0 {
        return (UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
    }
    if lead < 0xF0 {
        return (UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F), 3)
    }
    return (UInt32(lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
            | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
}

/// The byte length of the UTF-8 sequence whose lead byte is `lead` (valid UTF-8 assumed).
@inline(__always)
func utf8SequenceLength(_ lead: UInt8) -> Int {
    if lead < 0x80 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
}
