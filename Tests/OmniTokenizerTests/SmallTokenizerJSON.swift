/// Small hand-written tokenizer.json documents for error and fuzz tests.
enum SmallTokenizerJSON {
    /// SentencePiece-style: Prepend/Replace normalizer, byte fallback, every decoder kind.
    static let sentencePiece = #"""
    {
      "version": "1.0",
      "added_tokens": [
        {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
        {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
        {"id": 2, "content": "</s>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true}
      ],
      "normalizer": {"type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}
      ]},
      "pre_tokenizer": null,
      "post_processor": {"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
      "decoder": {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}
      ]},
      "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
        "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
        "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0xC3>": 3, "<0xA9>": 4, "<0xE2>": 5, "<0x82>": 6, "<0xAC>": 7,
          "▁": 8, "a": 9, "b": 10, "c": 11, "h": 12, "e": 13, "l": 14, "o": 15, "▁h": 16, "he": 17, "ll": 18,
          "▁he": 19, "▁hell": 20, "▁hello": 21, "ab": 22, "abc": 23},
        "merges": ["▁ h", "h e", "l l", "▁h e", "▁he ll", "▁hell o", "a b", "ab c"]}
    }
    """#

    /// Byte-level with the Llama 3 split regex, merges as pairs.
    static let byteLevel = #"""
    {
      "added_tokens": [{"id": 12, "content": "<|end|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
      "normalizer": null,
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
      "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
      "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
      "model": {"type": "BPE", "ignore_merges": true,
        "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "Ġa": 4, "ab": 5, "abc": 6, "1": 7, "2": 8, "12": 9, "Ċ": 10, "ĠĠ": 11},
        "merges": [["Ġ", "a"], ["a", "b"], ["ab", "c"], ["1", "2"], ["Ġ", "Ġ"]]}
    }
    """#
}
