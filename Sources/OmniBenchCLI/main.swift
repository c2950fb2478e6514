import Foundation
import OmniBench
import OmniCommandLine
import OmniEngine
import OmniKernels
import OmniHDF5
import OmniSim
import OmniTokenizer

/// `omni-bench`: measurements of this machine and of OMNI on it (release builds).
let commands: [(String, String)] = [
    ("synth", "Write a random-weight checkpoint in a preset's shape."),
    ("generate", "Prefill and decode speed of a model, against this machine's memory bandwidth."),
    ("kernels", "Memory bandwidth, matvec/matmul throughput per dtype, dispatch overhead."),
    ("calibrate", "Measure this machine and write a DeviceProfile JSON for OmniSim experiments."),
    ("sim", "Simulator speed on an experiment: x faster than simulated time, events/s, a seed sweep, HDF5 trace cost."),
    ("trace", "HDF5 trace writing speed; with --hold, a producer that flushes then waits (for kill tests)."),
    ("cluster", "Decode tokens/s on 1..N local nodes (in-process, real loopback sockets) and the latency each hop adds."),
    ("merge-traces", "Merge the per-node HDF5 traces of a live run into one, correcting clock offsets from message round trips."),
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

let calibrateSpec = CommandSpec(name: "omni-bench calibrate", summary: "Measure this machine (bandwidth, matmul FLOP/s, decode bandwidth) and write a DeviceProfile JSON usable in OmniSim experiments.", options: [
    OptionSpec("id", value: "ID", help: "Device id in the profile.", default: "this-machine"),
    OptionSpec("out", value: "FILE", help: "Write the profile here instead of stdout."),
])

let simSpec = CommandSpec(name: "omni-bench sim", summary: "Simulator speed on one experiment, a sweep over seeds, and the cost of HDF5 traces.", options: [
    OptionSpec("repeats", value: "N", help: "Runs of the experiment; medians are reported.", default: "3"),
    OptionSpec("sweep", value: "N", help: "Also run N copies with seeds 1...N (0 to skip).", default: "100"),
], positionals: ["experiment.json"], positionalsRequired: 1)

let traceSpec = CommandSpec(name: "omni-bench trace", summary: "HDF5 trace writing speed (synthetic events).", options: [
    OptionSpec("out", value: "FILE", help: "Trace file to write."),
    OptionSpec("events", value: "N", help: "Events to write.", default: "1000000"),
    OptionSpec("flush-every", value: "N", help: "Flush after this many events.", default: "65536"),
    OptionSpec("deflate", value: "LEVEL", help: "gzip level 1-9, or 0 for no compression.", default: "1"),
    OptionSpec("hold", help: "Flush, print \"flushed N\" after each flush, then wait with the file open until killed."),
])

let clusterSpec = CommandSpec(name: "omni-bench cluster", summary: "Decode speed of a model split over 2..N local nodes against one node, and the latency added per hop.", options: [
    OptionSpec("model", value: "DIR", help: "Checkpoint directory (e.g. from omni-bench synth)."),
    OptionSpec("nodes", value: "N", help: "Largest ring to measure.", default: "3"),
    OptionSpec("decode-tokens", value: "N", help: "Tokens decoded per run.", default: "32"),
    OptionSpec("repeats", value: "N", help: "Runs; medians are reported.", default: "3"),
    OptionSpec("trace-overhead", help: "Instead: one node's decode tokens/s with and without its HDF5 trace recorder (omni serve --trace)."),
])

let mergeSpec = CommandSpec(name: "omni-bench merge-traces", summary: "Merge per-node traces (omni serve --trace) into one file of the same schema.", options: [
    OptionSpec("out", value: "FILE", help: "Merged trace to write."),
], positionals: ["node-trace.h5"], positionalsRequired: 1, lastPositionalRepeats: true)

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

ProcessTuning.keepLargeAllocations()
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
        print(String(format: "decode                     %8.2f tok/s  = %.1f%% of the bandwidth limit (median over runs of tok/s x bytes/token / bandwidth measured just before the run)",
                     result.medianDecode, result.decodeFractionOfBandwidthLimit * 100))
        if args.flag("json") {
            let data = try JSONEncoder().encode(result)
            print(String(decoding: data, as: UTF8.self))
        }
    case "kernels":
        let args = try kernelsSpec.parse(rest)
        if args.flag("help") { print(kernelsSpec.help); exit(0) }
        _ = KernelBenchmarks.runAll(includeDecodeStep: !args.flag("no-decode"))
    case "calibrate":
        let args = try calibrateSpec.parse(rest)
        if args.flag("help") { print(calibrateSpec.help); exit(0) }
        let profile = Calibration.measureThisMachine(id: args.string("id") ?? "this-machine", log: log)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(profile)
        if let out = args.string("out") {
            try data.write(to: URL(fileURLWithPath: out))
            log("wrote \(out)")
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    case "sim":
        let args = try simSpec.parse(rest)
        if args.flag("help") { print(simSpec.help); exit(0) }
        guard let path = args.positionals.first else { throw CommandLineError.missingPositional(command: simSpec.name, name: "experiment.json") }
        let experiment = try Experiment.load(file: URL(fileURLWithPath: path))
        let repeats = try args.int("repeats", range: 1...100) ?? 3
        let f = try SimulatorBenchmark.run(experiment, repeats: repeats)
        print(String(format: "%@: %d events, %.1f simulated s, %.3f s wall (median of %d): %.0fx faster than simulated time, %.0f events/s",
                     experiment.name, f.events, f.simulatedSeconds, f.medianWall, repeats, f.speedup, f.eventsPerSecond))
        let sweepCount = try args.int("sweep", range: 0...10_000) ?? 100
        if sweepCount > 0 {
            var small = experiment
            small.outputs.hdf5 = false
            let s = try SimulatorBenchmark.sweep(small, count: sweepCount)
            print(String(format: "sweep: %d runs (seeds 1...%d) in %.2f s wall, %d events", sweepCount, sweepCount, s.wallSeconds, s.events))
        }
        let overhead = try SimulatorBenchmark.traceOverhead(experiment, repeats: repeats,
                                                            scratch: FileManager.default.temporaryDirectory)
        print(String(format: "HDF5 traces: %.3f s with traces vs %.3f s without = %+.1f%% of simulation wall time",
                     overhead.withTraces, overhead.simulation, (overhead.withTraces / max(overhead.simulation, 1e-12) - 1) * 100))
    case "trace":
        let args = try traceSpec.parse(rest)
        if args.flag("help") { print(traceSpec.help); exit(0) }
        guard let out = args.string("out") else { throw CommandLineError.missingOption(command: traceSpec.name, option: "out") }
        let events = try args.int("events", range: 1...1_000_000_000) ?? 1_000_000
        let flushEvery = try args.int("flush-every", range: 1...100_000_000) ?? 65_536
        if args.flag("hold") {
            // Writes `events` events flushing every `flush-every`, announces each flush on stdout,
            // then keeps the file open until killed: what a live node's trace looks like when the
            // process dies.
            func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            let run = TraceRunInfo(omniVersion: OmniVersion.string, runKind: .live, command: "omni-bench trace --hold", startTimeUnixNs: 0)
            let writer = try TraceFileWriter(path: out, run: run, options: TraceWriterOptions(flushEveryEvents: flushEvery))
            try writer.add(TraceNode(index: 0, name: "node-0", profileJSON: "{}"))
            for i in 0..<events {
                try writer.record(TraceBenchmark.syntheticEvent(i))
                if writer.flushedEventCount != writer.eventCount, (i + 1) % flushEvery == 0 { try writer.flush() }
                if (i + 1) % flushEvery == 0 { say("flushed \(writer.flushedEventCount)") }
            }
            say("holding")
            while true { sleep(60) }
        }
        let level = try args.int("deflate", range: 0...9) ?? 1
        let f = try TraceBenchmark.measureEventAppend(path: out, events: events,
                                                      options: TraceWriterOptions(flushEveryEvents: flushEvery, deflateLevel: level == 0 ? nil : level))
        print(String(format: "%d events in %.3f s: %.2f M events/s, %.0f ns/event, file %.1f MB (raw rows %.1f MB)",
                     f.events, f.seconds, f.eventsPerSecond / 1e6, f.nanosecondsPerEvent, Double(f.fileBytes) / 1e6, Double(f.rawEventBytes) / 1e6))
    case "cluster":
        let args = try clusterSpec.parse(rest)
        if args.flag("help") { print(clusterSpec.help); exit(0) }
        guard let model = args.string("model") else { throw CommandLineError.missingOption(command: clusterSpec.name, option: "model") }
        let maxNodes = try args.int("nodes", range: 1...8) ?? 3
        let decode = try args.int("decode-tokens", range: 2...100_000) ?? 32
        let repeats = try args.int("repeats", range: 1...100) ?? 3
        if args.flag("trace-overhead") {
            let r = try ClusterBenchmark.traceOverhead(modelDirectory: URL(fileURLWithPath: model), decodeTokens: decode, repeats: repeats,
                                                       scratch: FileManager.default.temporaryDirectory)
            print(String(format: "omni serve --trace: %.1f tok/s traced vs %.1f tok/s plain (medians of %d alternating runs): %.2f%% slower, %d events recorded",
                         r.tracedTokensPerSecond, r.plainTokensPerSecond, repeats, r.overhead * 100, r.traceEvents))
            break
        }
        for n in 2...max(2, maxNodes) {
            let r = try ClusterBenchmark.run(modelDirectory: URL(fileURLWithPath: model), nodes: n, promptTokens: 16,
                                             decodeTokens: decode, repeats: repeats, log: log)
            print(String(format: "%d node(s): %.2f tok/s (1 node: %.2f tok/s); %d hops per token; added %.3f ms per hop per token",
                         n, 1 / r.clusterSecondsPerToken, 1 / r.singleNodeSecondsPerToken, r.hopsPerToken, r.addedSecondsPerHop * 1e3))
        }
    case "merge-traces":
        let args = try mergeSpec.parse(rest)
        if args.flag("help") { print(mergeSpec.help); exit(0) }
        guard let out = args.string("out") else { throw CommandLineError.missingOption(command: mergeSpec.name, option: "out") }
        let inputs = args.positionals
        guard !inputs.isEmpty else { throw CommandLineError.missingPositional(command: mergeSpec.name, name: "node-trace.h5") }
        let estimate = try TraceClockAlignment.estimate(files: inputs)
        for (file, (offset, measured)) in zip(inputs, zip(estimate.offsetsNs, estimate.measured)) {
            print(String(format: "%@: clock correction %+.3f ms (%@)", file, Double(offset) / 1e6,
                         measured ? "from message round trips" : "start times only: no round trip to the reference node"))
        }
        try TraceMerge.merge(files: inputs, offsets: estimate.offsetsNs, into: out)
        print("wrote \(out)")
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
