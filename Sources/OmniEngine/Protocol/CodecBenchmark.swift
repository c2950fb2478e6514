import Foundation

/// Throughput of the frame codec, for `omni-bench` (tests never assert on speed).
public enum CodecBenchmark {
    /// Encodes and decodes one forward frame of `tokens` × `hiddenSize` hidden states in
    /// `dtype` (tagged and checked with HMAC-SHA256 when `authenticated`) repeatedly for about a
    /// quarter of a second and returns the hidden-state gigabytes (as f32, 10^9 bytes) carried
    /// through encode + decode per second.
    public static func roundTripGBs(hiddenSize: Int, tokens: Int, dtype: WireDType = .f32, authenticated: Bool = false) -> Double {
        precondition(hiddenSize > 0 && tokens > 0, "roundTripGBs needs a positive shape")
        let count = hiddenSize * tokens
        let values = (0..<count).map { Float(($0 % 251) - 125) * 0.01 }
        let placement = Placement(epoch: 1, modelName: "bench", numLayers: 2,
                                  shards: [ShardAssignment(node: "a", start: 0, end: 1), ShardAssignment(node: "b", start: 1, end: 2)])
        let message = PeerMessage.forward(ForwardMessage(
            request: RequestID(origin: "a", sequence: 1), placement: placement, position: 0,
            activation: .hidden(HiddenStates(tokens: tokens, width: hiddenSize, values: values)),
            settings: RequestSettings(sampling: .greedy, maxTokens: 16, promptLength: tokens, stopTokenIds: [2], ignoreEOS: false)))
        let authenticator = authenticated ? FrameAuthenticator(passphrase: "benchmark key") : nil
        let clock = ContinuousClock()
        var rounds = 0
        var decodedValues = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            let frame = FrameCodec.encode(message, hiddenDType: dtype, authenticator: authenticator)
            if case .forward(let f)? = try? FrameCodec.decode(frame: frame, authenticator: authenticator), case .hidden(let h) = f.activation {
                decodedValues += h.values.count
            }
            rounds += 1
            elapsed = clock.now - start
        } while elapsed < .milliseconds(250) || rounds < 3
        precondition(decodedValues == rounds * count, "benchmark frame failed to round-trip")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(rounds * count * 4) / seconds / 1e9
    }
}
