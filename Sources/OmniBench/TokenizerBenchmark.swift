import Foundation
import OmniTokenizer

/// Measures tokenizer encode throughput on one text (single-threaded), for comparison with
/// the Python `tokenizers` library (Scripts/tokenizer/bench_reference.py times the same text).
public enum TokenizerBenchmark {
    /// Encodes `text` `repeats` times (at least once) without special tokens and returns the
    /// median throughput in UTF-8 bytes per second and the token count of one encode.
    public static func encodeThroughput(tokenizer: Tokenizer, text: String, repeats: Int) -> (bytesPerSecond: Double, tokens: Int) {
        let byteCount = Double(text.utf8.count)
        var seconds: [Double] = []
        var tokens = 0
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            tokens = tokenizer.encode(text, addSpecialTokens: false).count
            let end = DispatchTime.now().uptimeNanoseconds
            seconds.append(Double(end - start) / 1e9)
        }
        seconds.sort()
        let median = seconds[seconds.count / 2]
        return (median > 0 ? byteCount / median : .infinity, tokens)
    }
}
