/// One lexical token of a template, with where it starts.
struct Token: Equatable {
    enum Kind: Equatable {
        case data
        case variableBegin, variableEnd
        case blockBegin, blockEnd
        case name, string, integer, float, `operator`
        case end
        /// Text the lexer could not read; the parser reports it when it gets there, as jinja2 does.
        case error
    }

    let kind: Kind
    /// The token's text; for strings the decoded value, for data the text after whitespace control.
    let text: String
    let line: Int
    let column: Int
}
