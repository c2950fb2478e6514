#!/usr/bin/env python3
"""Print greedy and sampled outputs of a checkpoint (default: Models/omni-shakespeare)
for the prompts quoted in its model card. Tooling only; one CPU thread.

    python Scripts/train_default_model/sample.py [--model DIR] [--max-new-tokens N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

RAW_PROMPTS = ["To be, or not to be", "Shall I compare thee"]
CHAT_PROMPTS = ["Tell me of love"]


def main() -> None:
    repo = Path(__file__).resolve().parent.parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(repo / "Models" / "omni-shakespeare"))
    ap.add_argument("--max-new-tokens", type=int, default=96)
    ap.add_argument("--seed", type=int, default=1601)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--top-p", type=float, default=0.95)
    args = ap.parse_args()
    torch.set_num_threads(1)

    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16)
    model.eval()

    def run(ids: list[int], sample: bool) -> str:
        x = torch.tensor([ids])
        kw = dict(max_new_tokens=args.max_new_tokens, pad_token_id=tok.pad_token_id)
        if sample:
            torch.manual_seed(args.seed)
            kw.update(do_sample=True, temperature=args.temperature, top_p=args.top_p, top_k=0)
        else:
            kw.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        with torch.no_grad():
            out = model.generate(x, **kw)
        return tok.decode(out[0, len(ids):], skip_special_tokens=False)

    settings = f"sampled: temperature {args.temperature}, top_p {args.top_p}, seed {args.seed}"
    print(f"model: {args.model}\nmax_new_tokens: {args.max_new_tokens}; greedy; {settings}\n")
    for p in RAW_PROMPTS:
        ids = tok(p)["input_ids"]  # <|begin_of_text|> + prompt
        for sample in (False, True):
            print(f"### raw prompt {p!r} ({'sampled' if sample else 'greedy'})\n")
            print("```\n" + p + run(ids, sample) + "\n```\n")
    for p in CHAT_PROMPTS:
        enc = tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True)
        ids = enc["input_ids"] if isinstance(enc, dict) or hasattr(enc, "keys") else enc
        for sample in (False, True):
            print(f"### chat: user {p!r} ({'sampled' if sample else 'greedy'})\n")
            print("```\n" + run(list(ids), sample) + "\n```\n")


if __name__ == "__main__":
    main()
