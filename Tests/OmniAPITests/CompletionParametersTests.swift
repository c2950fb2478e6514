import Foundation
import OmniEngine
import Testing
@testable import OmniAPI

@Suite struct CompletionParametersTests {
    func parse(_ json: String, _ kind: CompletionKind = .chat) throws -> CompletionParameters {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return try CompletionParameters(json: value, kind: kind, randomSeed: 7)
    }

    func param(_ json: String, _ kind: CompletionKind = .chat) -> String? {
        do { _ = try parse(json, kind); return "accepted" } catch let e as APIError { return e.param ?? "nil" } catch { return "other" }
    }

    @Test func readsEveryParameter() throws {
        let p = try parse("""
        {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
         "stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":9,"temperature":0.5,"top_p":0.9,"seed":-1,
         "stop":["x","y"],"presence_penalty":0.1,"frequency_penalty":-0.2,"top_k":4,"min_p":0.05,"ignore_eos":true,"n":1,"logprobs":false}
        """)
        #expect(p.model == "m" && p.stream && p.includeUsage && p.maxTokens == 9 && p.ignoreEOS)
        #expect(p.messages == [ChatMessage(role: "system", content: "s"), ChatMessage(role: "user", content: "a\nb")])
        #expect(p.sampling == SamplingParameters(temperature: 0.5, topK: 4, topP: 0.9, minP: 0.05, presencePenalty: 0.1,
                                                 frequencyPenalty: -0.2, seed: UInt64.max))
        #expect(p.stop == ["x", "y"])
    }

    @Test func missingSeedUsesTheRandomOne() throws {
        #expect(try parse(#"{"model":"m","prompt":"p"}"#, .text).sampling.seed == 7)
        #expect(try parse(#"{"model":"m","prompt":[1,2,3]}"#, .text).prompt == .tokens([1, 2, 3]))
    }

    @Test(arguments: [
        (#"{"messages":[]}"#, "model"),
        (#"{"model":3,"messages":[]}"#, "model"),
        (#"{"model":"m"}"#, "messages"),
        (#"{"model":"m","messages":"hi"}"#, "messages"),
        (#"{"model":"m","messages":[]}"#, "messages"),
        (#"{"model":"m","messages":[{"content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"user","content":5}]}"#, "messages[0].content"),
        (#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#, "messages[0].content[0].type"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#, "temperature"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3}"#, "temperature"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"top_p":0}"#, "top_p"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#, "n"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "stream"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":1}}"#, "stream_options.include_usage"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stop":[1]}"#, "stop"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":1}"#, "logprobs"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"top_logprobs":2}"#, "top_logprobs"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21}"#, "top_logprobs"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"presence_penalty":9}"#, "presence_penalty"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"top_k":-1}"#, "top_k"),
    ])
    func chatErrorsNameTheParameter(json: String, expected: String) {
        #expect(param(json) == expected, "\(json)")
    }

    @Test func completionErrorsNameTheParameter() {
        #expect(param(#"{"model":"m"}"#, .text) == "prompt")
        #expect(param(#"{"model":"m","prompt":["a","b"]}"#, .text) == "prompt")
        #expect(param(#"{"model":"m","prompt":"a","echo":true}"#, .text) == "echo")
        #expect(param(#"{"model":"m","prompt":"a","logprobs":6}"#, .text) == "logprobs")
        #expect(param(#"{"model":"m","prompt":"a","logprobs":true}"#, .text) == "logprobs")
        #expect(param(#"[1,2]"#, .text) == "nil")
    }
}
