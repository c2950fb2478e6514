/// RFC 4180 CSV text: fields are quoted when they contain a comma, a double quote, CR or LF
/// (inner quotes doubled), and every record, the last included, ends with CRLF.
public enum CSV {
    /// One field, quoted when needed.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// One record: fields quoted as needed, joined by commas, ended by CRLF.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
