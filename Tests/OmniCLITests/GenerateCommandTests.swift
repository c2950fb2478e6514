import Foundation
import Testing

/// `omni generate` as a user runs it.
@Suite struct GenerateCommandTests {
    @Test func jsonOutputMatchesTheReference() throws {
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.fixtureModel + "/reference_chat.json"))) as? [String: Any] ?? [:]
        let r = try CLI.run("omni", ["generate", "--model", CLI.fixtureModel, "--system", "You are a helpful assistant.",
                                     "--prompt", "What is the capital of France?", "--max-tokens", "16", "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((json["prompt_token_ids"] as? [Int]) == (reference["prompt_ids"] as? [Int]))
        let expected = (reference["output_ids"] as? [Int]) ?? []
        #expect((json["token_ids"] as? [Int]) == Array(expected.dropLast()))
        #expect(json["finish_reason"] as? String == "stop")
        #expect(json["text"] as? String == reference["text_skip_special"] as? String)
        let timings = try #require(json["timings"] as? [String: Any])
        for key in ["load_s", "prefill_tokens_per_s", "decode_tokens_per_s"] { #expect(timings[key] is Double, "\(key)") }
        // Memory is predictable: weights as stored, KV = layers x 2 x positions x kv width x 4 bytes.
        let memory = try #require(json["memory"] as? [String: Int])
        let modelFile = try FileManager.default.attributesOfItem(atPath: CLI.fixtureModel + "/model.safetensors")[.size] as? Int ?? 0
        #expect(memory["weights_bytes"]! > modelFile / 2 && memory["weights_bytes"]! <= modelFile)
        let prompt = (reference["prompt_ids"] as? [Int] ?? []).count
        #expect(memory["kv_cache_bytes"] == 4 * 2 * (prompt + 16) * 2 * 16 * 4)
    }

    @Test func streamsTextAndHonoursIgnoreEOSAndRaw() throws {
        let r = try CLI.run("omni", ["generate", "--model", CLI.fixtureModel, "--prompt", "The king", "--raw",
                                     "--max-tokens", "12", "--ignore-eos", "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((json["token_ids"] as? [Int])?.count == 12)
        #expect(json["finish_reason"] as? String == "length")
        let streamed = try CLI.run("omni", ["generate", "--model", CLI.fixtureModel, "--prompt", "The king", "--raw",
                                            "--max-tokens", "12", "--ignore-eos"])
        #expect(streamed.stdout == (json["text"] as? String ?? "") + "\n")
    }

    @Test(arguments: [
        (["generate", "--model", "/nonexistent/model", "--prompt", "x"], "/nonexistent/model"),
        (["generate", "--prompt", "x", "--max-tokens", "many"], "--max-tokens expects an integer"),
        (["generate", "--prompt", "x", "--temperature", "-2"], "--temperature"),
        (["generate", "--prompt", "x", "--bogus"], "unknown option '--bogus'"),
        (["generate", "--model"], "--model needs a value"),
        (["launch"], "unknown command 'launch'"),
    ])
    func userErrorsAreClearAndDoNotCrash(_ arguments: [String], _ expected: String) throws {
        let r = try CLI.run("omni", arguments.map { $0 == "--model-placeholder" ? CLI.fixtureModel : $0 })
        #expect(r.status == 1)
        #expect(r.stderr.contains(expected), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stdout.isEmpty)
    }

    @Test func missingTokenizerIsNamed() throws {
        let r = try CLI.run("omni", ["generate", "--model", CLI.repositoryRoot.appendingPathComponent("Tests/OmniEngineTests/Fixtures/models/qwen2").path, "--prompt", "x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("tokenizer.json"), "stderr: \(r.stderr)")
    }

    @Test func bundledModelIsTheDefaultAndWritesEnglish() throws {
        let r = try CLI.run("omni", ["generate", "--prompt", "Tell me of love", "--max-tokens", "40", "--temperature", "0.8",
                                     "--seed", "3", "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let text = json["text"] as? String ?? ""
        // Mostly letters and spaces, and words a reader knows.
        let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) || $0 == " " || $0 == "\n" }.count
        #expect(Double(letters) / Double(max(1, text.unicodeScalars.count)) > 0.8, "\(text)")
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        #expect(!words.isDisjoint(with: ["the", "and", "my", "i", "of", "to", "thy", "thou", "love", "a", "is", "me"]), "\(text)")
    }

    @Test func capturedActivationsReadWithH5pyEqualTransformers() throws {
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.fixtureModel + "/reference.json"))) as? [String: Any] ?? [:]
        let text = try #require(reference["input_text"] as? String)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("omni-capture-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run("omni", ["generate", "--model", CLI.fixtureModel, "--raw", "--prompt", text, "--max-tokens", "2",
                                     "--capture-activations", "layers=2", "--capture-file", file, "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((json["prompt_token_ids"] as? [Int]) == (reference["input_ids"] as? [Int]))
        let script = """
        import h5py, json, sys, numpy as np
        f = h5py.File(sys.argv[1], "r")
        ref = np.array(json.load(open(sys.argv[2]))["hidden_states"]["layer_2_input"], dtype=np.float32)
        d = f["activations"]["0"]["2"]
        pos = list(d.attrs["positions"])
        got = d[...][: len(ref)]
        assert pos[: len(ref)] == list(range(len(ref))), pos
        print(float(np.abs(got - ref).max()))
        """
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", script, file, CLI.fixtureModel + "/reference.json"]
        let out = Pipe(), err = Pipe()
        check.standardOutput = out
        check.standardError = err
        try check.run()
        check.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0, "h5py check failed (pip install h5py numpy): \(problem)")
        let difference = Double(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .infinity
        #expect(difference <= 1e-4)
    }

    @Test func helpExplainsEveryOption() throws {
        let r = try CLI.run("omni", ["generate", "--help"])
        #expect(r.status == 0)
        for option in ["--model", "--prompt", "--system", "--max-tokens", "--temperature", "--top-p", "--top-k", "--seed", "--raw", "--ignore-eos", "--json"] {
            #expect(r.stdout.contains(option), "\(option)")
        }
    }
}
