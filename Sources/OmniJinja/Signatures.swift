/// The Python parameter lists of filters, tests and methods, so that calls with unknown
/// keywords, too many arguments or missing required ones fail as they do in jinja2.
struct Signature {
    /// Parameter names after the value the filter or method applies to.
    let parameters: [String]
    /// How many leading parameters must be given.
    let required: Int
    /// Takes `*args` / `**kwargs`; such calls are not checked.
    let variadic: Bool

    init(_ parameters: [String] = [], required: Int = 0, variadic: Bool = false) {
        self.parameters = parameters
        self.required = required
        self.variadic = variadic
    }

    func validate(_ arguments: Arguments, _ name: String) throws {
        if variadic { return }
        if arguments.positional.count > parameters.count {
            throw RuntimeFailure("\(name)() takes \(parameters.count) argument(s) but \(arguments.positional.count) were given")
        }
        var given = Set(parameters.prefix(arguments.positional.count))
        for (keyword, _) in arguments.keywords {
            guard parameters.contains(keyword) else {
                throw RuntimeFailure("\(name)() got an unexpected keyword argument '\(keyword)'")
            }
            if !given.insert(keyword).inserted {
                throw RuntimeFailure("\(name)() got multiple values for argument '\(keyword)'")
            }
        }
        for parameter in parameters.prefix(required) where !given.contains(parameter) {
            throw RuntimeFailure("\(name)() missing required argument: '\(parameter)'")
        }
    }

    static let filters: [String: Signature] = [
        "abs": Signature(), "attr": Signature(["name"], required: 1),
        "batch": Signature(["linecount", "fill_with"], required: 1), "capitalize": Signature(),
        "center": Signature(["width"]), "count": Signature(), "length": Signature(),
        "d": Signature(["default_value", "boolean"]), "default": Signature(["default_value", "boolean"]),
        "dictsort": Signature(["case_sensitive", "by", "reverse"]), "e": Signature(), "escape": Signature(),
        "forceescape": Signature(), "first": Signature(), "last": Signature(), "float": Signature(["default"]),
        "format": Signature(variadic: true), "indent": Signature(["width", "first", "blank"]),
        "int": Signature(["default", "base"]), "items": Signature(), "join": Signature(["d", "attribute"]),
        "list": Signature(), "lower": Signature(), "upper": Signature(), "map": Signature(variadic: true),
        "max": Signature(["case_sensitive", "attribute"]), "min": Signature(["case_sensitive", "attribute"]),
        "pprint": Signature(), "reject": Signature(variadic: true), "rejectattr": Signature(variadic: true),
        "select": Signature(variadic: true), "selectattr": Signature(variadic: true),
        "replace": Signature(["old", "new", "count"], required: 2), "reverse": Signature(),
        "round": Signature(["precision", "method"]), "safe": Signature(), "string": Signature(),
        "sort": Signature(["reverse", "case_sensitive", "attribute"]), "sum": Signature(["attribute", "start"]),
        "title": Signature(), "tojson": Signature(["ensure_ascii", "indent", "separators", "sort_keys"]),
        "trim": Signature(["chars"]), "truncate": Signature(["length", "killwords", "end", "leeway"]),
        "unique": Signature(["case_sensitive", "attribute"]), "wordcount": Signature(),
    ]

    static func test(_ name: String) -> Signature {
        switch name {
        case "divisibleby": return Signature(["num"], required: 1)
        case "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "gt", "greaterthan", ">", "le", "<=", "ge", ">=":
            return Signature(["other"], required: 1)
        case "in": return Signature(["seq"], required: 1)
        case "sameas": return Signature(["other"], required: 1)
        default: return Signature()
        }
    }

    static let stringMethods: [String: Signature] = [
        "strip": Signature(["chars"]), "lstrip": Signature(["chars"]), "rstrip": Signature(["chars"]),
        "split": Signature(["sep", "maxsplit"]), "rsplit": Signature(["sep", "maxsplit"]),
        "splitlines": Signature(["keepends"]), "startswith": Signature(["prefix", "start", "end"], required: 1),
        "endswith": Signature(["suffix", "start", "end"], required: 1), "replace": Signature(["old", "new", "count"], required: 2),
        "upper": Signature(), "lower": Signature(), "casefold": Signature(), "title": Signature(), "capitalize": Signature(),
        "swapcase": Signature(), "find": Signature(["sub", "start", "end"], required: 1),
        "rfind": Signature(["sub", "start", "end"], required: 1), "index": Signature(["sub", "start", "end"], required: 1),
        "rindex": Signature(["sub", "start", "end"], required: 1), "count": Signature(["sub", "start", "end"], required: 1),
        "join": Signature(["iterable"], required: 1), "center": Signature(["width", "fillchar"], required: 1),
        "ljust": Signature(["width", "fillchar"], required: 1), "rjust": Signature(["width", "fillchar"], required: 1),
        "zfill": Signature(["width"], required: 1), "removeprefix": Signature(["prefix"], required: 1),
        "removesuffix": Signature(["suffix"], required: 1), "partition": Signature(["sep"], required: 1),
        "rpartition": Signature(["sep"], required: 1), "isdigit": Signature(), "isnumeric": Signature(),
        "isdecimal": Signature(), "isalpha": Signature(), "isalnum": Signature(), "isspace": Signature(),
        "isupper": Signature(), "islower": Signature(), "format": Signature(variadic: true),
    ]

    static let dictMethods: [String: Signature] = [
        "items": Signature(), "keys": Signature(), "values": Signature(), "get": Signature(["key", "default"], required: 1),
        "copy": Signature(),
    ]

    static let listMethods: [String: Signature] = [
        "count": Signature(["value"], required: 1), "index": Signature(["value", "start", "stop"], required: 1),
        "copy": Signature(),
    ]
}
