import Foundation

/// Bounds that stop a runaway template with an error instead of hanging or exhausting memory.
public struct RenderLimits: Sendable {
    /// Statements and expressions evaluated in one render.
    public var maximumSteps: Int
    /// Size of the rendered text in UTF-8 bytes.
    public var maximumOutputBytes: Int
    /// Nesting of macro calls.
    public var maximumCallDepth: Int

    /// The defaults are far above what chat templates need (a few thousand steps per message).
    public init(maximumSteps: Int = 2_000_000, maximumOutputBytes: Int = 64 << 20, maximumCallDepth: Int = 50) {
        self.maximumSteps = maximumSteps
        self.maximumOutputBytes = maximumOutputBytes
        self.maximumCallDepth = maximumCallDepth
    }
}

/// A parsed Jinja template, rendered the way transformers renders chat templates
/// (jinja2 `ImmutableSandboxedEnvironment`, `trim_blocks`, `lstrip_blocks`, loop controls,
/// `raise_exception`, `strftime_now`, and a `tojson` that keeps non-ASCII text).
public struct Template: Sendable {
    /// The name used in error messages.
    public let name: String
    let body: Block

    /// Parses `source`; syntax errors carry the line and column.
    public init(_ source: String, name: String = "template") throws {
        self.name = name
        var lexer = Lexer(source, name: name)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens, name: name)
        body = try parser.parseTemplate()
    }

    /// Renders with `context` as the template's variables. `strftime_now` formats `now`
    /// (the current time if nil) in the local time zone, like Python's `datetime.now()`.
    public func render(_ context: [String: Value], now: Date? = nil) throws -> String {
        try render(context, now: now, timeZone: .current)
    }

    /// Renders like `render(_:now:)`, formatting dates in `timeZone` and stopping at `limits`.
    public func render(_ context: [String: Value], now: Date?, timeZone: TimeZone, limits: RenderLimits = RenderLimits()) throws -> String {
        let renderer = Renderer(templateName: name, now: now ?? Date(), timeZone: timeZone, limits: limits)
        let root = Scope(parent: nil, variables: context)
        let scope = Scope(parent: root, frame: body)
        var output = ""
        _ = try renderer.execute(body.statements, in: scope, into: &output)
        return output
    }
}
