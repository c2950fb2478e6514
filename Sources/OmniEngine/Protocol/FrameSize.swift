extension FrameCodec {
    /// The exact length of `encode(message, hiddenDType:authenticator:)` computed without
    /// encoding, for traces and the simulator's links. With `placeholdersAsValues`, placeholder
    /// hidden states count as if they carried their tokens × width values (what a real executor
    /// would send), so modeled and real runs charge the same bytes.
    public static func frameByteCount(_ message: PeerMessage, hiddenDType: WireDType = .f32, authenticated: Bool = false,
                                      placeholdersAsValues: Bool = false) -> Int {
        func string(_ s: String) -> Int { 2 + s.utf8.count }
        func text(_ s: String, _ max: Int) -> Int { 2 + (s.utf8.count <= max ? s.utf8.count : truncatedUTF8(s, max: max).utf8.count) }
        func request(_ r: RequestID) -> Int { string(r.origin.rawValue) + 8 }
        let payload: Int
        switch message {
        case .hello(let a):
            let p = a.profile
            payload = string(a.node.rawValue) + string(a.model) + string(p.id) + text(p.name, maxIdentifierBytes)
                + 16 + text(p.processor, maxIdentifierBytes) + 8 + 7 * 8
                + 4 + a.links.reduce(0) { $0 + string($1.peer.rawValue) + 16 }
        case .heartbeat:
            payload = 0
        case .forward(let f):
            let placement = 8 + string(f.placement.modelName) + 8 + 4 + f.placement.shards.reduce(0) { $0 + string($1.node.rawValue) + 16 }
            let activation: Int
            switch f.activation {
            case .tokens(let t):
                activation = 1 + 4 + 8 * t.count
            case .hidden(let h):
                let carriesValues = !h.isPlaceholder || placeholdersAsValues
                activation = 1 + 4 + 4 + 1 + (carriesValues ? h.tokens * h.width * hiddenDType.byteSize : 0)
            }
            let settings = 9 * 8 + 8 + 8 + 4 + 8 * f.settings.stopTokenIds.count + 1 + 4 + 8 * f.settings.promptTokens.count
            payload = request(f.request) + placement + 8 + activation + settings
        case .token(let t):
            payload = request(t.request) + 8 + 8 + 1 + 1 + (t.logprobs.map { 8 + 4 + 16 * $0.top.count } ?? 0)
        case .release(let r):
            payload = request(r)
        case .failed(let r, let reason):
            payload = request(r) + text(reason, maxTextBytes)
        }
        return FrameHeader.byteCount + payload + (authenticated ? HMACSHA256.tagByteCount : 0)
    }
}
