/// Variables visible at one point of a render; lookups walk out through enclosing scopes.
/// For-loop iterations, macro calls and `with` blocks open a new scope; `if` does not.
final class Scope {
    var variables: [String: Value] = [:]
    let parent: Scope?

    init(parent: Scope?, variables: [String: Value] = [:]) {
        self.parent = parent
        self.variables = variables
    }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let s = scope {
            if let value = s.variables[name] { return value }
            scope = s.parent
        }
        return nil
    }
}
