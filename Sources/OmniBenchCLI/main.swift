import Foundation
import OmniBench
import OmniCommandLine
import OmniEngine
import OmniKernels
import OmniTokenizer

/// `omni-bench`: measurements of this machine and of OMNI on it (release builds).
let commands: [(String, String)] = [
    ("synth", "Write a random-weight checkpoint in a preset's shape."),
    ("generate", "Prefill and decode speed of a model, against this machine's memory bandwidth."),
    ("kernels", "Memory bandwidth, matvec/matmul throughput per dtype, dispatch overhead."),
    ("tokenizer", "Encode throughput of a tokenizer.json on a text file (MB/s, single thread)."),
    ("load", "Streaming clients against an API server: time to first token p50/p99, aggregate tokens/s."),
]

func topLevelHelp() -> String {
    var lines = ["omni-bench — measure OMNI on this machine (use a release build: swift build -c release).", "",
                 "USAGE: omni-bench <command> [options]", "", "COMMANDS:"]
    for (name, summary) in commands { lines.append("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0))\(summary)") }
    return lines.joined(separator: "\n")
}

func log(_ s: String) { printError(s) }

let synthSpec = CommandSpec(name: "omni-bench synth", summary: "Write a random-weight Hugging Face checkpoint in a preset's shape.", options: [
    OptionSpec("preset", value: "NAME", help: "Model shape: \(ModelPresets.names.joined(separator: ", ")).", default: "llama-3.2-1b"),
    OptionSpec("dtype", value: "DTYPE", help: "f32, f16 or bf16.", default: "bf16"),
    OptionSpec("out", value: "DIR", help: "Output directory."),
    OptionSpec("seed", value: "S", help: "Random seed.", default: "1"),
])

let generateSpec = CommandSpec(name: "omni-bench generate", summary: "Prefill and decode tokens/s of a checkpoint; decode as a fraction of the memory-bandwidth limit.", options: [
    OptionSpec("model", value: "DIR", help: "Checkpoint directory (e.g. from omni-bench synth)."),
    OptionSpec("prompt-tokens", value: "N", help: "Prompt length.", default: "128"),
    OptionSpec("decode-tokens", value: "N", help: "Tokens to decode per run.", default: "32"),
    OptionSpec("repeats", value: "N", help: "Runs; medians are reported.", default: "3"),
    OptionSpec("json", help: "Also print the result as JSON."),
])

let kernelsSpec = CommandSpec(name: "omni-bench kernels", summary: "Kernel throughput against this machine's limits.", options: [
    OptionSpec("no-decode", help: "Skip the decode-step estimate."),
])

let tokenizerSpec = CommandSpec(name: "omni-bench tokenizer", summary: "Single-threaded encode throughput of a tokenizer.", options: [
    OptionSpec("tokenizer", value: "DIR", help: "Folder with tokenizer.json."),
    OptionSpec("text", value: "FILE", help: "UTF-8 text to encode (e.g. 1 MB of English)."),
    OptionSpec("repeats", value: "N", help: "Runs; the median is reported.", default: "7"),
])

let loadSpec = CommandSpec(name: "omni-bench load", summary: "Concurrent streaming chat clients against an OpenAI-compatible server (omni api / omni serve).", options: [
    OptionSpec("url", value: "URL", help: "Server address, e.g. http://127.0.0.1:52415."),
    OptionSpec("concurrency", value: "N", help: "Clients streaming at the same time.", default: "4"),
    OptionSpec("requests", value: "M", help: "Requests in all.", default: "16"),
    OptionSpec("max-tokens", value: "N", help: "Tokens per reply (EOS ignored).", default: "64"),
    OptionSpec("model", value: "NAME", help: "Model id.", default: "the first of GET /v1/models"),
    OptionSpec("api-key", value: "KEY", help: "Bearer key, if the server needs one."),
    OptionSpec("json", help: "Also print the report as JSON."),
])

func dtype(_ name: String) throws -> DType {
    switch name.lowercased() {
    case "f32", "float32": return .f32
    case "f16", "float16": return .f16
    case "bf16", "bfloat16": return .bf16
    default: throw CommandLineError.invalidValue(command: synthSpec.name, option: "dtype", value: name, expected: "f32, f16 or bf16")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, !["--help", "-h", "help"].contains(command) else {
    print(topLevelHelp())
    exit(arguments.isEmpty ? 64 : 0)
}
do {
    let rest = Array(arguments.dropFirst())
    switch command {
    case "synth":
        let args = try synthSpec.parse(rest)
        if args.flag("help") { print(synthSpec.help); exit(0) }
        guard let out = args.string("out") else { throw CommandLineError.missingOption(command: synthSpec.name, option: "out") }
        let preset = args.string("preset") ?? "llama-3.2-1b"
        let start = ContinuousClock.now
        try SyntheticCheckpoint.write(preset: preset, dtype: try dtype(args.string("dtype") ?? "bf16"),
                                      to: URL(fileURLWithPath: out), seed: try args.uint64("seed") ?? 1, progress: log)
        log(String(format: "wrote %@ in %.1f s", out, (ContinuousClock.now - start).seconds))
    case "generate":
        let args = try generateSpec.parse(rest)
        if args.flag("help") { print(generateSpec.help); exit(0) }
        guard let model = args.string("model") else { throw CommandLineError.missingOption(command: generateSpec.name, option: "model") }
        log("measuring memory read bandwidth...")
        let bandwidth = MemoryBandwidth.measureReadBandwidth()
        log(String(format: "memory read bandwidth: %.2f GB/s", bandwidth / 1e9))
        let result = try GenerateBenchmark.run(modelDirectory: URL(fileURLWithPath: model),
                                               promptTokens: try args.int("prompt-tokens", range: 1...100_000) ?? 128,
                                               decodeTokens: try args.int("decode-tokens", range: 1...100_000) ?? 32,
                                               repeats: try args.int("repeats", range: 1...1000) ?? 3,
                                               bandwidth: bandwidth, log: log)
        print(String(format: "model %@: %.1f MB of weights streamed per token", result.model, Double(result.weightBytesPerToken) / 1e6))
        print(String(format: "memory read bandwidth      %8.2f GB/s", bandwidth / 1e9))
        print(String(format: "prefill (%d tokens)        %8.1f tok/s  = %.1f GFLOP/s (%.0f%% of llama.cpp's ~230 GFLOP/s here)",
                     result.promptTokens, result.medianPrefill, result.prefillGFLOPS, result.prefillGFLOPS / 230 * 100))
        print(String(format: "decode                     %8.2f tok/s  = %.1f%% of the bandwidth limit (%.2f tok/s)",
                     result.medianDecode, result.decodeFractionOfBandwidthLimit * 100,
                     bandwidth / Double(result.weightBytesPerToken)))
        if args.flag("json") {
            let data = try JSONEncoder().encode(result)
            print(String(decoding: data, as: UTF8.self))
        }
    case "kernels":
        let args = try kernelsSpec.parse(rest)
        if args.flag("help") { print(kernelsSpec.help); exit(0) }
        _ = KernelBenchmarks.runAll(includeDecodeStep: !args.flag("no-decode"))
    case "tokenizer":
        let args = try tokenizerSpec.parse(rest)
        if args.flag("help") { print(tokenizerSpec.help); exit(0) }
        guard let dir = args.string("tokenizer") else { throw CommandLineError.missingOption(command: tokenizerSpec.name, option: "tokenizer") }
        guard let textPath = args.string("text") else { throw CommandLineError.missingOption(command: tokenizerSpec.name, option: "text") }
        let tokenizer = try Tokenizer(directory: URL(fileURLWithPath: dir))
        guard let text = try? String(contentsOf: URL(fileURLWithPath: textPath), encoding: .utf8) else {
            throw CommandLineError.invalidValue(command: tokenizerSpec.name, option: "text", value: textPath, expected: "a readable UTF-8 text file")
        }
        let repeats = try args.int("repeats", range: 1...1000) ?? 7
        let r = TokenizerBenchmark.encodeThroughput(tokenizer: tokenizer, text: text, repeats: repeats)
        print(String(format: "encode: %.2f MB/s (%d bytes -> %d tokens, median of %d, single thread)", r.bytesPerSecond / 1e6, text.utf8.count, r.tokens, repeats))
    case "load":
        let args = try loadSpec.parse(rest)
        if args.flag("help") { print(loadSpec.help); exit(0) }
        guard let url = args.string("url") else { throw CommandLineError.missingOption(command: loadSpec.name, option: "url") }
        let settings = LoadBenchmark.Settings(url: url, concurrency: try args.int("concurrency", range: 1...10_000) ?? 4,
                                              requests: try args.int("requests", range: 1...1_000_000) ?? 16,
                                              maxTokens: try args.int("max-tokens", range: 1...100_000) ?? 64,
                                              model: args.string("model"), apiKey: args.string("api-key"))
        let r = try LoadBenchmark.run(settings)
        print("model \(r.model): \(r.requests) requests, \(r.concurrency) concurrent, \(r.failed) failed")
        print(String(format: "time to first token   p50 %8.1f ms   p99 %8.1f ms", r.ttftP50 * 1000, r.ttftP99 * 1000))
        print(String(format: "aggregate             %8.1f tokens/s (%d tokens in %.2f s)", r.aggregateTokensPerSecond, r.completionTokens, r.wallSeconds))
        print(String(format: "per request (median)  %8.1f tokens/s after the first token", r.perRequestTokensPerSecond))
        if let e = r.firstError { print("first error: \(e)") }
        if args.flag("json") { print(String(decoding: try JSONEncoder().encode(r), as: UTF8.self)) }
        if r.failed > 0 { exit(1) }
    default:
        throw CommandLineError.unknownCommand(tool: "omni-bench", command: command, known: commands.map(\.0))
    }
} catch {
    printError("error: \(error.localizedDescription)")
    exit(1)
}
