/// A tokenizer.json `post_processor`, reduced to what it does to the ids of a single
/// sequence when special tokens are requested (offsets and type ids are not modelled).
indirect enum PostProcessor: Sendable {
    /// TemplateProcessing's `single` template: ids before and after the sequence.
    case template(prefix: [Int], suffix: [Int])
    /// ByteLevel only adjusts offsets: ids pass through.
    case passThrough
    case sequence([PostProcessor])

    init(json: JSONCursor) throws(TokenizerError) {
        let type = try json.typeName()
        switch type {
        case "TemplateProcessing":
            self = try Self.template(json)
        case "ByteLevel":
            self = .passThrough
        case "RobertaProcessing", "BertProcessing":
            let cls = try json.required("cls").array()
            let sep = try json.required("sep").array()
            guard cls.count == 2, sep.count == 2 else {
                throw json.invalid("'cls' and 'sep' must be [token, id] pairs")
            }
            self = .template(prefix: [try cls[1].int()], suffix: [try sep[1].int()])
        case "Sequence":
            self = .sequence(try json.required("processors").array().map { (item) throws(TokenizerError) in
                try PostProcessor(json: item)
            })
        default:
            throw try json.required("type").unsupported("'\(type)'")
        }
    }

    private static func template(_ json: JSONCursor) throws(TokenizerError) -> PostProcessor {
        var specialIds: [(name: String, ids: [Int])] = []
        if let specials = try json.optional("special_tokens") {
            for (name, entry) in try specials.members() {
                let ids = try entry.required("ids").array().map { (id) throws(TokenizerError) in try id.int() }
                specialIds.append((name, ids))
            }
        }
        var prefix: [Int] = []
        var suffix: [Int] = []
        var seenSequence = false
        for item in try json.required("single").array() {
            if let special = try item.optional("SpecialToken") {
                let name = try special.required("id").string()
                guard let ids = specialIds.first(where: { $0.name.utf8.elementsEqual(name.utf8) })?.ids else {
                    throw special.invalid("special token '\(name)' is not listed in special_tokens")
                }
                if seenSequence { suffix += ids } else { prefix += ids }
            } else if let sequence = try item.optional("Sequence") {
                let name = try sequence.required("id").string()
                guard name == "A", !seenSequence else {
                    throw sequence.invalid("a single-sequence template must use sequence 'A' exactly once")
                }
                seenSequence = true
            } else {
                throw item.invalid("template items must be 'SpecialToken' or 'Sequence'")
            }
        }
        guard seenSequence else { throw try json.required("single").invalid("template has no sequence 'A'") }
        return .template(prefix: prefix, suffix: suffix)
    }

    /// `ids` with this processor's special tokens added.
    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case let .template(prefix, suffix):
            return prefix + ids + suffix
        case .passThrough:
            return ids
        case let .sequence(items):
            return items.reduce(ids) { $1.apply($0) }
        }
    }
}
