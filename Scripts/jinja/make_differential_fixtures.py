#!/usr/bin/env python3
"""Differential fuzzing fixtures: mutates the chat templates and language snippets with a fixed
seed, renders every mutant with jinja2 as transformers configures it, and records the outcome
(output, render error, or syntax error with its line) in
Tests/OmniJinjaTests/Fixtures/differential_cases.json. The Swift test must agree on each.

Usage: python3 Scripts/jinja/make_differential_fixtures.py   (from the repository root)
       python3 Scripts/jinja/make_differential_fixtures.py --seed 7 --count 20000 --out /tmp/diff.json
         writes a larger campaign elsewhere; run it with
         OMNI_JINJA_DIFFERENTIAL=/tmp/diff.json swift test --filter OmniJinjaTests.DifferentialFixtureTests
"""
import argparse
import json
import re
import os
import random
import sys

import jinja2

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import FIXTURES, PINNED_NOW, compile_template  # noqa: E402
from language_cases import LANGUAGE_CASES  # noqa: E402

FRAGMENTS = [
    "{%", "%}", "{{", "}}", "{#", "#}", "-", "+", "(", ")", "[", "]", "{", "}", "'", '"', "\n", " ", "  ", "\t", "|",
    ".", ",", ":", "=", "==", "*", "**", "//", "%", "~", "not ", " in ", " is ", " if ", " else ", " and ", " or ",
    "{%- ", " -%}", "{{- ", " -}}", "{%+ ", " +%}", "\n  ", "\n\n", "{# c #}", "{#- c -#}",
    "loop.index", "loop.first", "loop.last", "x", "y", "d", "s", "l", "'str'", "1", "0", "2.5", "-1", "none", "true",
    "|trim", "|length", "|tojson", "|string", "|upper", "|first", "|last", "|list", "|join(', ')", "|default('z')",
    "[0]", "[-1]", "[1:]", "[::-1]", ".keys()", ".items()", ".strip()", ".split(',')", " is defined", " is string",
    "{% if x %}", "{% endif %}", "{% for i in l %}", "{% endfor %}", "{% set y = 2 %}", "{{ x }}", "{{ d }}",
]

CONTEXT = {
    "x": "  Hello, World  ", "y": [1, "two", 3.0, None, True], "d": {"b": 1, "a": [1, 2], "c": {"k": "v"}},
    "s": "a,b,c", "l": ["p", "q", "r"], "n": 7, "f": 2.5, "t": True, "e": "",
    "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": " hi "},
                 {"role": "assistant", "content": "yo"}, {"role": "user", "content": "bye"}],
    "tools": None, "documents": None, "add_generation_prompt": True, "bos_token": "<s>", "eos_token": "</s>",
}


def mutate(source, rng):
    chars = list(source)
    for _ in range(rng.randint(1, 3)):
        position = rng.randint(0, len(chars))
        kind = rng.randrange(4)
        if kind == 0 and chars:
            del chars[position:position + rng.randint(1, 8)]
        elif kind == 1 and chars:
            start = rng.randrange(len(chars))
            chars[position:position] = chars[start:start + rng.randint(1, 20)]
        else:
            chars[position:position] = list(rng.choice(FRAGMENTS))
    return "".join(chars)


def outcome(source):
    try:
        template = compile_template(source)
    except jinja2.TemplateSyntaxError as error:
        return {"syntax_error": {"message": error.message, "line": error.lineno}}
    except Exception as error:  # e.g. TemplateAssertionError subclasses are syntax errors too
        return {"syntax_error": {"message": str(error), "line": 0}}
    try:
        return {"expected": template.render(**CONTEXT)}
    except Exception as error:
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--seed", type=int, default=20260307)
    arguments.add_argument("--count", type=int, default=1000)
    arguments.add_argument("--out", default=os.path.join(FIXTURES, "differential_cases.json"))
    arguments.add_argument("--template-share", type=float, default=0.08,
                           help="fraction of mutants made from whole chat templates (the rest from snippets)")
    options = arguments.parse_args()
    rng = random.Random(options.seed)
    template_dir = os.path.join(FIXTURES, "templates")
    templates = []
    for file in sorted(os.listdir(template_dir)):
        if file.endswith(".jinja"):
            with open(os.path.join(template_dir, file), encoding="utf-8") as f:
                templates.append(f.read())
    snippets = [source for source, _ in LANGUAGE_CASES]
    cases, seen = [], set()
    counts = {"expected": 0, "error": 0, "syntax_error": 0}
    attempts = 0
    while len(cases) < options.count and attempts < 20 * options.count:
        attempts += 1
        base = rng.choice(templates) if rng.random() < options.template_share else rng.choice(snippets)
        source = mutate(base, rng)
        if source in seen or "strftime_now" in source or "range(" in source and "**" in source:
            continue
        seen.add(source)
        result = outcome(source)
        kind = next(iter(result))
        # Keep the fixture balanced and small: enough syntax errors, mostly renders.
        if kind == "syntax_error" and counts["syntax_error"] >= options.count // 4:
            continue
        if kind == "expected" and len(result["expected"]) > (1500 if options.count <= 1000 else 100000):
            continue
        # Out of scope, so not recorded: Python object addresses ("<generator object at 0x..>")
        # cannot be reproduced, OMNI's integers are 64-bit where Python's are unbounded, and
        # jinja2's compile-time constant folding can print "Undefined" where run time would raise.
        text = json.dumps(result)
        if re.search(r" at 0x[0-9a-f]+>", text) or re.search(r"\d{19,}", source + text) or "Undefined" in result.get("expected", ""):
            continue
        counts[kind] += 1
        cases.append({"source": source, **result})
    with open(options.out, "w", encoding="utf-8") as f:
        json.dump({"jinja2": jinja2.__version__, "now": PINNED_NOW.isoformat(), "context": CONTEXT, "cases": cases},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{options.out}: {len(cases)} cases {counts}")


if __name__ == "__main__":
    main()
