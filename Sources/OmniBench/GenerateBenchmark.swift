import Foundation
import OmniEngine
import OmniKernels

/// Prompt-processing and decode speed of one model on this machine, with decode expressed as a
/// fraction of the memory-bandwidth limit (weight bytes streamed per token / measured bandwidth)
/// and prefill as GFLOP/s.
public struct GenerateBenchmarkResult: Sendable, Codable {
    public var model: String
    public var weightBytesPerToken: Int
    public var memoryBandwidthBytesPerSecond: Double
    public var promptTokens: Int
    public var decodeTokens: Int
    public var prefillTokensPerSecond: [Double]
    public var decodeTokensPerSecond: [Double]
    /// FLOPs of one prefill of `promptTokens` tokens: every layer's matrices for every token,
    /// attention over the causal triangle, and the LM head for the last token only (as run).
    public var prefillFlops: Double

    public var medianPrefill: Double { median(prefillTokensPerSecond) }
    public var medianDecode: Double { median(decodeTokensPerSecond) }
    /// Decode tokens/s divided by the bandwidth limit (bandwidth / bytes per token).
    public var decodeFractionOfBandwidthLimit: Double {
        medianDecode * Double(weightBytesPerToken) / memoryBandwidthBytesPerSecond
    }
    public var prefillGFLOPS: Double { medianPrefill / Double(max(1, promptTokens)) * prefillFlops / 1e9 }
}

public enum GenerateBenchmark {
    public static func run(modelDirectory: URL, promptTokens: Int, decodeTokens: Int, repeats: Int,
                           bandwidth: Double, log: (String) -> Void) throws -> GenerateBenchmarkResult {
        let checkpoint = try Checkpoint(directory: modelDirectory)
        let generator = try Generator(checkpoint: checkpoint)
        let c = checkpoint.config
        let shard = generator.shards[0]
        // Bytes streamed per decoded token: every layer matrix plus the LM head (the embedding
        // table is only gathered from, one row per token).
        var bytes = shard.weights.layers.reduce(0) { $0 + $1.matrixBytes }
        if let head = shard.weights.lmHead { bytes += head.rows * head.cols * head.dtype.byteSize }
        let layerParams = Double(c.parameterCount(layers: 0..<c.numLayers, embeddings: false, head: false))
        let n = Double(promptTokens)
        let attention = 2.0 * 2.0 * Double(c.numLayers * c.numHeads * c.headDim) * n * (n + 1) / 2
        let prefillFlops = 2 * layerParams * n + attention + 2 * Double(c.vocabSize * c.hiddenSize)
        var random = RandomStream(seed: 7)
        let prompt = (0..<promptTokens).map { _ in Int(random.next() % UInt64(c.vocabSize)) }
        var prefill: [Double] = [], decode: [Double] = []
        for r in 0..<repeats {
            let request = GenerationRequest(promptTokens: prompt, maxTokens: decodeTokens + 1, ignoreEOS: true)
            let result = try generator.generate(request)
            prefill.append(result.timings.prefillTokensPerSecond)
            decode.append(result.timings.decodeTokensPerSecond)
            log(String(format: "  run %d/%d: prefill %.1f tok/s, decode %.2f tok/s", r + 1, repeats,
                       result.timings.prefillTokensPerSecond, result.timings.decodeTokensPerSecond))
        }
        return GenerateBenchmarkResult(model: modelDirectory.lastPathComponent, weightBytesPerToken: bytes,
                                       memoryBandwidthBytesPerSecond: bandwidth, promptTokens: promptTokens,
                                       decodeTokens: decodeTokens, prefillTokensPerSecond: prefill,
                                       decodeTokensPerSecond: decode, prefillFlops: prefillFlops)
    }
}

/// The median of a list (0 when empty).
public func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
