import Foundation
import OmniCommandLine
import OmniEngine
import OmniTrace

/// `omni generate`: one prompt, one model, this machine; streams text or prints JSON.
enum GenerateCommand {
    static let spec = CommandSpec(name: "omni generate", summary: "Generate text with a model on this machine. Streams the text to stdout.", options: [
        OptionSpec("model", value: "DIR", help: "Hugging Face checkpoint directory.", default: "the bundled omni-shakespeare model"),
        OptionSpec("prompt", value: "TEXT", help: "The user message (or the raw text with --raw)."),
        OptionSpec("system", value: "TEXT", help: "A system message placed before the prompt."),
        OptionSpec("max-tokens", value: "N", help: "Most tokens to generate.", default: "128"),
        OptionSpec("temperature", value: "T", help: "Sampling temperature; 0 is greedy.", default: "0"),
        OptionSpec("top-p", value: "P", help: "Nucleus sampling mass.", default: "1"),
        OptionSpec("top-k", value: "K", help: "Sample among the K most likely tokens; 0 is off.", default: "0"),
        OptionSpec("min-p", value: "P", help: "Drop tokens below P times the top probability.", default: "0"),
        OptionSpec("repetition-penalty", value: "R", help: "transformers' repetition penalty.", default: "1"),
        OptionSpec("seed", value: "S", help: "Random seed for sampling.", default: "0"),
        OptionSpec("stop", value: "TEXT", help: "Stop when this text is generated."),
        OptionSpec("raw", help: "Tokenize the prompt as it is (as transformers' tokenizer(text)), no chat template."),
        OptionSpec("ignore-eos", help: "Keep generating past end-of-sequence tokens up to --max-tokens."),
        OptionSpec("capture-activations", value: "SPEC", help: "Capture hidden states entering layers, e.g. \"layers=0,8;positions=0-31;max=64MB\" (layer = number of layers: the final hidden state)."),
        OptionSpec("capture-file", value: "FILE", help: "HDF5 file for captured activations (OMNI trace schema).", default: "activations.h5"),
        OptionSpec("json", help: "Print one JSON object (ids, text, finish reason, timings) instead of streaming."),
    ])

    static func run(_ arguments: [String]) throws {
        let args = try spec.parse(arguments)
        if args.flag("help") { print(spec.help); return }
        guard let prompt = args.string("prompt") else { throw CommandLineError.missingOption(command: spec.name, option: "prompt") }
        var sampling = SamplingParameters()
        sampling.temperature = try args.double("temperature", range: 0...100) ?? 0
        sampling.topP = try args.double("top-p", range: 0...1) ?? 1
        sampling.topK = try args.int("top-k", range: 0...Int.max) ?? 0
        sampling.minP = try args.double("min-p", range: 0...1) ?? 0
        sampling.repetitionPenalty = try args.double("repetition-penalty") ?? 1
        sampling.seed = try args.uint64("seed") ?? 0
        try sampling.validate()
        let maxTokens = try args.int("max-tokens", range: 0...10_000_000) ?? 128
        let modelURL = try ModelOption.directory(args, command: spec.name)
        let json = args.flag("json")
        let capture = try args.string("capture-activations").map(ActivationCaptureSpec.parse)
        let captureFile = args.string("capture-file") ?? "activations.h5"

        let loadStart = ContinuousClock.now
        let model = try LocalModel(directory: modelURL)
        let generator = try Generator(checkpoint: model.checkpoint)
        let loadSeconds = (ContinuousClock.now - loadStart).seconds

        let promptTokens: [Int]
        if args.flag("raw") {
            promptTokens = model.rawPromptTokens(prompt)
        } else {
            var messages: [ChatMessage] = []
            if let system = args.string("system") { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: prompt))
            promptTokens = try model.chatPromptTokens(messages)
        }
        let request = GenerationRequest(promptTokens: promptTokens, maxTokens: maxTokens, sampling: sampling,
                                        stopTokenIds: model.stopTokenIds, stopStrings: args.string("stop").map { [$0] } ?? [],
                                        ignoreEOS: args.flag("ignore-eos"))
        let stdout = FileHandle.standardOutput
        let recorder = capture.map(ActivationRecorder.init)
        let result = try generator.generate(request, detokenizer: model.makeDetokenizer(), onText: { piece in
            if !json { stdout.write(Data(piece.utf8)) }
            return true
        }, observer: recorder?.observer(request: 0))
        if let recorder {
            try ActivationFile.write(recorder, to: captureFile, command: CommandLine.arguments.joined(separator: " "),
                                     layers: 0..<model.checkpoint.config.numLayers, promptTokens: promptTokens.count,
                                     outputTokens: result.tokens.count)
            if recorder.truncated {
                printError("warning: activation capture stopped at the \(recorder.spec.maxBytes)-byte cap (max=…); \(recorder.capturedBytes) bytes kept in \(captureFile)")
            }
        }
        if json {
            let object: [String: Any] = [
                "prompt_token_ids": promptTokens,
                "token_ids": result.tokens,
                "text": result.text,
                "finish_reason": result.finishReason.rawValue,
                "memory": [
                    "weights_bytes": generator.shards.reduce(0) { $0 + $1.weights.weightBytes },
                    "kv_cache_bytes": generator.shards.reduce(0) { total, shard in
                        total + KVCache.byteCount(layers: shard.weights.layers.count,
                                                  capacity: min(promptTokens.count + maxTokens, model.checkpoint.config.contextLimit),
                                                  kvDim: model.checkpoint.config.numKVHeads * model.checkpoint.config.headDim)
                    },
                ],
                "timings": [
                    "load_s": loadSeconds,
                    "prefill_tokens_per_s": result.timings.prefillTokensPerSecond,
                    "decode_tokens_per_s": result.timings.decodeTokensPerSecond,
                ],
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            stdout.write(data)
            stdout.write(Data("\n".utf8))
        } else {
            stdout.write(Data("\n".utf8))
        }
    }
}
