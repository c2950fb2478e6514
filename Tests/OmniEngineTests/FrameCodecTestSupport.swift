import Foundation
@testable import OmniEngine

/// SplitMix64: a small seeded generator so every FrameCodec* test sees the same inputs.
struct FrameCodecRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but valid messages of every kind, for round trips and as fuzz seeds.
enum FrameCodecSamples {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_.:/ éü漢🙂")

    static func string(_ g: inout FrameCodecRNG, maxLength: Int = 12) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
    }

    static func nodeID(_ g: inout FrameCodecRNG) -> NodeID { NodeID("node-" + string(&g, maxLength: 8)) }

    static func request(_ g: inout FrameCodecRNG) -> RequestID {
        RequestID(origin: nodeID(&g), sequence: g.next())
    }

    static func profile(_ g: inout FrameCodecRNG) -> DeviceProfile {
        let total = Int.random(in: 0...(1 << 50), using: &g)
        return DeviceProfile(id: string(&g), name: string(&g, maxLength: 30), totalMemoryBytes: total,
                             availableMemoryBytes: Int.random(in: 0...total, using: &g), processor: string(&g, maxLength: 40),
                             cores: Int.random(in: 1...256, using: &g),
                             peakFlops: .init(f32: .random(in: 1e9...1e15, using: &g), f16: .random(in: 1e9...1e15, using: &g),
                                              bf16: .random(in: 1e9...1e15, using: &g)),
                             memoryBandwidthBytesPerSecond: .random(in: 1e9...1e13, using: &g),
                             computeEfficiency: .random(in: 0.01...1, using: &g), bandwidthEfficiency: .random(in: 0.01...1, using: &g),
                             stepOverheadSeconds: .random(in: 0...0.01, using: &g))
    }

    static func placement(_ g: inout FrameCodecRNG) -> Placement {
        let shardCount = Int.random(in: 1...5, using: &g)
        var shards: [ShardAssignment] = []
        var start = 0
        for i in 0..<shardCount {
            let layers = Int.random(in: 1...20, using: &g)
            shards.append(ShardAssignment(node: NodeID("n\(i)-" + string(&g, maxLength: 4)), start: start, end: start + layers))
            start += layers
        }
        return Placement(epoch: g.next(), modelName: string(&g, maxLength: 20), numLayers: start, shards: shards)
    }

    static func sampling(_ g: inout FrameCodecRNG) -> SamplingParameters {
        var p = SamplingParameters(temperature: .random(in: 0...2, using: &g), topK: Int.random(in: 0...100, using: &g),
                                   topP: .random(in: 0.01...1, using: &g), minP: .random(in: 0...1, using: &g),
                                   repetitionPenalty: .random(in: 0.5...2, using: &g), presencePenalty: .random(in: -2...2, using: &g),
                                   frequencyPenalty: .random(in: -2...2, using: &g), seed: g.next())
        p.topLogprobs = Bool.random(using: &g) ? Int.random(in: 0...20, using: &g) : nil
        return p
    }

    static func ints(_ g: inout FrameCodecRNG, max: Int) -> [Int] {
        (0..<Int.random(in: 0...max, using: &g)).map { _ in Int.random(in: 0...200_000, using: &g) }
    }

    static func hidden(_ g: inout FrameCodecRNG, placeholder: Bool) -> HiddenStates {
        let tokens = Int.random(in: 1...4, using: &g), width = Int.random(in: 1...16, using: &g)
        let values = placeholder ? [] : (0..<(tokens * width)).map { _ in Float.random(in: -8...8, using: &g) }
        return HiddenStates(tokens: tokens, width: width, values: values)
    }

    static func forward(_ g: inout FrameCodecRNG, activation: Activation? = nil) -> ForwardMessage {
        let act = activation ?? (Bool.random(using: &g) ? .tokens(ints(&g, max: 20)) : .hidden(hidden(&g, placeholder: Bool.random(using: &g))))
        let settings = RequestSettings(sampling: sampling(&g), maxTokens: Int.random(in: 0...4096, using: &g),
                                       promptLength: Int.random(in: 0...4096, using: &g), stopTokenIds: ints(&g, max: 4),
                                       ignoreEOS: Bool.random(using: &g), promptTokens: ints(&g, max: 20))
        return ForwardMessage(request: request(&g), placement: placement(&g), position: Int.random(in: 0...100_000, using: &g),
                              activation: act, settings: settings)
    }

    /// One random message of the given kind (0 hello … 5 failed).
    static func message(kind: Int, _ g: inout FrameCodecRNG) -> PeerMessage {
        switch kind {
        case 0:
            let links = (0..<Int.random(in: 0...4, using: &g)).map { _ in
                LinkReport(peer: nodeID(&g), latencySeconds: .random(in: 0...1, using: &g), bandwidthBytesPerSecond: .random(in: 1...1e10, using: &g))
            }
            return .hello(NodeAnnouncement(node: nodeID(&g), profile: profile(&g), model: string(&g, maxLength: 30), links: links))
        case 1: return .heartbeat
        case 2: return .forward(forward(&g))
        case 3:
            let finish: FinishReason? = [nil, .stop, .length].randomElement(using: &g)!
            let logprobs: TokenLogprobs? = Bool.random(using: &g) ? nil : TokenLogprobs(
                logprob: -.random(in: 0...30, using: &g),
                top: (0..<Int.random(in: 0...20, using: &g)).map { _ in .init(id: Int.random(in: 0...200_000, using: &g), logprob: -.random(in: 0...30, using: &g)) })
            return .token(TokenMessage(request: request(&g), index: Int.random(in: 0...100_000, using: &g),
                                       token: Int.random(in: 0...200_000, using: &g), finish: finish, logprobs: logprobs))
        case 4: return .release(request(&g))
        default: return .failed(request(&g), string(&g, maxLength: 60))
        }
    }

    static let kindCount = 6

    /// Decodes every frame in `bytes`, fed in one piece.
    static func decodeAll(_ bytes: [UInt8], authenticator: FrameAuthenticator? = nil) throws -> [PeerMessage] {
        var decoder = FrameDecoder(authenticator: authenticator)
        decoder.append(bytes)
        var out: [PeerMessage] = []
        while let m = try decoder.next() { out.append(m) }
        return out
    }

    /// The error `body` throws, if it is a FrameError.
    static func frameError(_ body: () throws -> Void) -> FrameError? {
        do {
            try body()
            return nil
        } catch let error as FrameError {
            return error
        } catch {
            return nil
        }
    }
}
