/// Variables visible at one point of a render; lookups walk out through enclosing scopes.
/// For-loop iterations, macro calls and `with` blocks open a new scope; `if` does not.
final class Scope {
    var variables: [String: Value] = [:]
    let parent: Scope?
    /// Names this frame assigns later without reading them itself: until assigned they are
    /// undefined here and in nested frames, whatever outer scopes hold (see `Block`).
    let shadowed: Set<String>

    /// Names the frame of this scope uses itself; nested frames see these, not the context.
    let frameReferences: Set<String>

    init(parent: Scope?, variables: [String: Value] = [:]) {
        self.parent = parent
        self.variables = variables
        self.shadowed = []
        self.frameReferences = []
    }

    /// A scope for running `block` as a jinja2 frame inside `parent`.
    init(parent: Scope, frame block: Block) {
        self.parent = parent
        self.frameReferences = block.frameReferences
        var shadowed = Set<String>()
        for name in block.undefinedOnEntry where !parent.frameChainReferences(name) { shadowed.insert(name) }
        self.shadowed = shadowed
    }

    func frameChainReferences(_ name: String) -> Bool {
        var scope: Scope? = self
        while let s = scope {
            if s.frameReferences.contains(name) { return true }
            scope = s.parent
        }
        return false
    }

    /// Why variables bound to undefined values are undefined (jinja2 keeps the original message).
    var undefinedHints: [String: String] = [:]

    /// The message of the undefined value bound to `name`, if one was recorded.
    func undefinedHint(for name: String) -> String? {
        var scope: Scope? = self
        while let s = scope {
            if s.variables[name] != nil { return s.undefinedHints[name] }
            scope = s.parent
        }
        return nil
    }

    /// The value of `name`; nil when no scope has it (the caller then tries the globals).
    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let s = scope {
            if let value = s.variables[name] { return value }
            if s.shadowed.contains(name) { return .undefined }
            scope = s.parent
        }
        return nil
    }
}
