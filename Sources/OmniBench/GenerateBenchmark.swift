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
    /// Read bandwidth measured right before each run (the machine is shared: other tenants'
    /// load moves it), and each run's decode fraction of its own limit.
    public var bandwidthPerRun: [Double]
    public var decodeFractionPerRun: [Double]
    /// FLOPs of one prefill of `promptTokens` tokens: every layer's matrices for every token,
    /// attention over the causal triangle, and the LM head for the last token only (as run).
    public var prefillFlops: Double

    public var medianPrefill: Double { median(prefillTokensPerSecond) }
    public var medianDecode: Double { median(decodeTokensPerSecond) }
    /// Median over runs of decode tokens/s divided by that run's bandwidth limit
    /// (bandwidth measured just before it / bytes per token).
    public var decodeFractionOfBandwidthLimit: Double { median(decodeFractionPerRun) }
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
        var prefill: [Double] = [], decode: [Double] = [], bandwidths: [Double] = [], fractions: [Double] = []
        // Warm-up: bring the weights into the page cache so the first run does not time the disk.
        _ = try generator.generate(GenerationRequest(promptTokens: Array(prompt.prefix(4)), maxTokens: 2, ignoreEOS: true))
        for r in 0..<repeats {
            let runBandwidth = MemoryBandwidth.measureReadBandwidth(bytes: 512 << 20, repeats: 3)
            bandwidths.append(runBandwidth)
            let request = GenerationRequest(promptTokens: prompt, maxTokens: decodeTokens + 1, ignoreEOS: true)
            let result = try generator.generate(request)
            prefill.append(result.timings.prefillTokensPerSecond)
            decode.append(result.timings.decodeTokensPerSecond)
            fractions.append(result.timings.decodeTokensPerSecond * Double(bytes) / runBandwidth)
            log(String(format: "  run %d/%d: bandwidth %.1f GB/s, prefill %.1f tok/s, decode %.2f tok/s (%.0f%% of this run's limit)", r + 1, repeats,
                       runBandwidth / 1e9, result.timings.prefillTokensPerSecond, result.timings.decodeTokensPerSecond, fractions.last! * 100))
        }
        return GenerateBenchmarkResult(model: modelDirectory.lastPathComponent, weightBytesPerToken: bytes,
                                       memoryBandwidthBytesPerSecond: bandwidth, promptTokens: promptTokens,
                                       decodeTokens: decodeTokens, prefillTokensPerSecond: prefill,
                                       decodeTokensPerSecond: decode, bandwidthPerRun: bandwidths, decodeFractionPerRun: fractions,
                                       prefillFlops: prefillFlops)
    }
}

/// The median of a list (0 when empty).
public func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
