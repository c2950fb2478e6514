/// GPT-2's reversible mapping between bytes and printable characters: bytes that are
/// printable Latin-1 map to themselves, the other 68 map to U+0100 onwards in byte order.
enum ByteLevelAlphabet {
    /// The character standing for each byte.
    static let scalarForByte: [Unicode.Scalar] = {
        var result = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                result[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                result[byte] = Unicode.Scalar(next) ?? "\0"
                next += 1
            }
        }
        return result
    }()

    /// The byte each alphabet character stands for (keyed by scalar value).
    static let byteForScalar: [UInt32: UInt8] = {
        var result: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { result[scalar.value] = UInt8(byte) }
        return result
    }()

    /// The raw bytes a byte-level token stands for, or nil when it has a character outside
    /// the alphabet (such tokens, e.g. some added tokens, decode as their own UTF-8).
    static func bytes(ofToken token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            guard let byte = byteForScalar[scalar.value] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// The byte-level token spelling of raw `bytes`.
    static func token(forBytes bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(scalarForByte[Int(byte)]) }
        return String(scalars)
    }
}
