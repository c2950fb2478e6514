import Foundation
import Testing
@testable import OmniTokenizer

/// tokenizer_config.json: special token names, add_bos_token and chat templates.
@Suite struct TokenizerConfigTests {
    @Test func llama32ConfigNamesItsSpecialTokens() throws {
        let tokenizer = try FixtureSupport.tokenizer("llama3.2")
        #expect(tokenizer.bosToken == "<|begin_of_text|>")
        #expect(tokenizer.bosTokenId == 128_000)
        #expect(tokenizer.eosToken == "<|end_of_text|>")
        #expect(tokenizer.eosTokenId == 128_001)
        #expect(tokenizer.encode("hi").first == 128_000)
        #expect(tokenizer.encode("hi", addSpecialTokens: false).first != 128_000)
    }

    @Test func qwenConfigHasTemplateAndNoBos() throws {
        let tokenizer = try FixtureSupport.tokenizer("qwen")
        let directory = try FixtureSupport.realTokenizerDirectory("qwen")
        let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("tokenizer_config.json")))
        let config = try #require(raw as? [String: Any])
        #expect(tokenizer.bosToken == nil)
        #expect(tokenizer.bosTokenId == nil)
        #expect(tokenizer.eosToken == config["eos_token"] as? String)
        #expect(tokenizer.eosTokenId == tokenizer.id(forToken: "<|im_end|>"))
        #expect(tokenizer.addBosToken == false)
        #expect(tokenizer.chatTemplates["default"] == config["chat_template"] as? String)
        #expect(tokenizer.chatTemplates["default"]?.contains("<|im_start|>") == true)
    }

    @Test func objectTokensAndTemplateLists() throws {
        let config = #"""
        {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>",
         "add_bos_token": true,
         "chat_template": [{"name": "default", "template": "{{ messages }}"}, {"name": "tool_use", "template": "T"}]}
        """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(SmallTokenizerJSON.sentencePiece.utf8),
                                      tokenizerConfigJSON: Data(config.utf8))
        #expect(tokenizer.bosToken == "<s>")
        #expect(tokenizer.bosTokenId == 1)
        #expect(tokenizer.eosTokenId == 2)
        #expect(tokenizer.addBosToken == true)
        #expect(tokenizer.chatTemplates == ["default": "{{ messages }}", "tool_use": "T"])
    }

    @Test func withoutConfigEverythingIsNil() throws {
        let tokenizer = try Tokenizer(tokenizerJSON: Data(SmallTokenizerJSON.sentencePiece.utf8))
        #expect(tokenizer.bosToken == nil && tokenizer.eosToken == nil && tokenizer.addBosToken == nil)
        #expect(tokenizer.chatTemplates.isEmpty)
        #expect(tokenizer.specialTokenIds == [0, 1, 2])
        #expect(tokenizer.vocabularySize == 24)
        #expect(tokenizer.token(forId: 21) == "▁hello")
        #expect(tokenizer.id(forToken: "▁hello") == 21)
        #expect(tokenizer.token(forId: 24) == nil && tokenizer.token(forId: -1) == nil)
    }
}
