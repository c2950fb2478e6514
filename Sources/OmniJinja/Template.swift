import Foundation

/// A parsed Jinja template, rendered the way transformers renders chat templates
/// (jinja2 `ImmutableSandboxedEnvironment`, `trim_blocks`, `lstrip_blocks`, loop controls,
/// `raise_exception`, `strftime_now`, and a `tojson` that keeps non-ASCII text).
public struct Template: Sendable {
    /// The name used in error messages.
    public let name: String
    let body: [Statement]

    /// Parses `source`; syntax errors carry the line and column.
    public init(_ source: String, name: String = "template") throws {
        self.name = name
        var lexer = Lexer(source, name: name)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, name: name)
        body = try parser.parseTemplate()
    }

    /// Renders with `context` as the template's variables. `strftime_now` formats `now`
    /// (the current time if nil) in the local time zone, like Python's `datetime.now()`.
    public func render(_ context: [String: Value], now: Date? = nil) throws -> String {
        try render(context, now: now, timeZone: .current)
    }

    /// Renders like `render(_:now:)`, formatting dates in `timeZone`.
    public func render(_ context: [String: Value], now: Date?, timeZone: TimeZone) throws -> String {
        let renderer = Renderer(templateName: name, now: now ?? Date(), timeZone: timeZone)
        let root = Scope(parent: nil, variables: context)
        let scope = Scope(parent: root)
        var output = ""
        _ = try renderer.execute(body, in: scope, into: &output)
        return output
    }
}
