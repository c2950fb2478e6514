import Foundation
import Testing
@testable import OmniEngine

/// The whole single-device path against transformers: chat template, tokenization without a
/// second BOS, greedy generation stopping on the second EOS id, streamed text.
@Suite struct ChatGenerationTests {
    @Test func chatMatchesTransformers() throws {
        let reference = try Fixtures.reference("llama", file: "reference_chat.json")
        let model = try LocalModel(directory: Fixtures.model("llama"))
        let messages = (reference["messages"] as? [[String: String]] ?? []).map {
            ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "")
        }
        let rendered = try #require(model.chatTemplate).render(messages: messages, addGenerationPrompt: true)
        #expect(rendered == reference["prompt"] as? String)
        let prompt = try model.chatPromptTokens(messages)
        #expect(prompt == (reference["prompt_ids"] as? [Any] ?? []).ints)
        #expect(prompt.filter { $0 == model.tokenizer.bosTokenId }.count == 1)
        #expect(model.stopTokenIds == Set((reference["eos_token_ids"] as? [Any] ?? []).ints))

        let expected = (reference["output_ids"] as? [Any] ?? []).ints
        let generator = try Generator(checkpoint: model.checkpoint)
        var streamed = ""
        let result = try generator.generate(
            GenerationRequest(promptTokens: prompt, maxTokens: 16, stopTokenIds: model.stopTokenIds),
            detokenizer: model.makeDetokenizer(), onText: { streamed += $0; return true })
        // transformers returns the stop token too; OMNI reports it as the finish reason.
        #expect(result.tokens + [expected.last ?? -1] == expected)
        #expect(result.finishReason == .stop)
        #expect(result.text == reference["text_skip_special"] as? String)
        #expect(streamed == result.text)
    }

    @Test func ignoreEOSRunsToTheLimitAndStopStringsCutText() throws {
        let model = try LocalModel(directory: Fixtures.model("llama"))
        let prompt = try model.chatPromptTokens([ChatMessage(role: "user", content: "What is the capital of France?")])
        let generator = try Generator(checkpoint: model.checkpoint)
        let all = try generator.generate(GenerationRequest(promptTokens: prompt, maxTokens: 20, stopTokenIds: model.stopTokenIds, ignoreEOS: true),
                                         detokenizer: model.makeDetokenizer())
        #expect(all.tokens.count == 20)
        #expect(all.finishReason == .length)
        // A stop string taken from the middle of the free-running text ends generation there.
        let words = all.text.split(separator: " ")
        guard words.count >= 3 else { return }
        let stop = String(words[2])
        let cut = try generator.generate(GenerationRequest(promptTokens: prompt, maxTokens: 20, stopTokenIds: model.stopTokenIds,
                                                           stopStrings: [stop], ignoreEOS: true),
                                         detokenizer: model.makeDetokenizer())
        #expect(cut.finishReason == .stop)
        #expect(!cut.text.contains(stop))
        #expect(all.text.hasPrefix(cut.text))
    }

    @Test func rawPromptsGetTheBOSOnce() throws {
        let model = try LocalModel(directory: Fixtures.model("llama"))
        let ids = model.rawPromptTokens("Hello there")
        #expect(ids.first == model.tokenizer.bosTokenId)
        #expect(ids.filter { $0 == model.tokenizer.bosTokenId }.count == 1)
    }
}
