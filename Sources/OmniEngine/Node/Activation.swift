/// Hidden states crossing a shard boundary: `tokens` rows of `width` f32 values. The modeled
/// executor sends placeholders (`values` empty) with the same shape, so transfer sizes and costs
/// are the same as with real math.
public struct HiddenStates: Sendable, Equatable {
    public var tokens: Int
    public var width: Int
    /// Row-major values, or empty for a placeholder.
    public var values: [Float]

    public init(tokens: Int, width: Int, values: [Float]) {
        self.tokens = tokens
        self.width = width
        self.values = values
    }

    public var isPlaceholder: Bool { values.isEmpty }
}

/// What enters a shard: token ids (the first shard) or hidden states (the others).
public enum Activation: Sendable, Equatable {
    case tokens([Int])
    case hidden(HiddenStates)

    /// Number of positions this activation covers.
    public var positions: Int {
        switch self {
        case .tokens(let t): return t.count
        case .hidden(let h): return h.tokens
        }
    }
}
