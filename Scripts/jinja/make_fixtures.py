#!/usr/bin/env python3
"""Renders every chat template in Tests/OmniJinjaTests/Fixtures/templates with jinja2 set up
exactly as transformers sets it up (transformers' own `_compile_jinja_template`), over many
conversations, and writes the contexts with the expected output or error to
Tests/OmniJinjaTests/Fixtures/cases/<template>.json. Also renders the language snippets of
language_cases.py into Fixtures/language_cases.json.

Usage: python3 Scripts/jinja/make_fixtures.py   (from the repository root)
"""
import datetime
import json
import os
import sys

import jinja2
import transformers
from transformers.utils.chat_template_utils import (
    _alias_reasoning_fields,
    _compile_jinja_template,
    _normalize_chat_messages,
    render_jinja_template,
)

sys.path.insert(0, os.path.dirname(__file__))
from conversations import OPTION_SETS, SPECIAL_TOKENS, THINKING_OPTIONS, conversations  # noqa: E402
from language_cases import LANGUAGE_CASES  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "OmniJinjaTests", "Fixtures")
PINNED_NOW = datetime.datetime(2026, 3, 7, 9, 5, 4)


def compile_template(source):
    template = _compile_jinja_template(source)
    # Pin the clock so the expected text does not depend on when the fixtures were made.
    template.globals["strftime_now"] = lambda fmt: PINNED_NOW.strftime(fmt)
    return template


def outcome(template, context):
    try:
        return {"expected": template.render(**context)}
    except jinja2.TemplateError as error:
        return {"error": {"type": type(error).__name__, "message": str(error)}}
    except Exception as error:  # Python errors inside templates (TypeError, ...) abort rendering too
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def chat_outcome(source, messages, extra, options):
    """Renders through transformers' own render_jinja_template, as apply_chat_template does."""
    compile_template(source)  # the compiled template is cached; this pins its clock
    kwargs = {**SPECIAL_TOKENS, **{k: v for k, v in extra.items() if k != "tools"}, **options}
    add_generation_prompt = kwargs.pop("add_generation_prompt")
    try:
        rendered, _ = render_jinja_template(
            conversations=[_normalize_chat_messages(json.loads(json.dumps(messages)))],
            tools=extra.get("tools"), documents=None, chat_template=source,
            add_generation_prompt=add_generation_prompt, **kwargs)
        return {"expected": rendered[0]}
    except Exception as error:
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def chat_cases(source):
    """One case per conversation: its context, and per option set (generation prompt,
    thinking) the options merged into the context and the outcome."""
    template = compile_template(source)
    thinking = THINKING_OPTIONS if "enable_thinking" in source else [{}]
    cases = []
    for name, messages, extra in conversations():
        # The same arguments render_jinja_template passes: messages (reasoning aliased),
        # tools, documents, add_generation_prompt, then the caller's extra keywords.
        context = {
            "messages": _alias_reasoning_fields(json.loads(json.dumps(messages))),
            "tools": extra.get("tools"),
            "documents": None,
            **SPECIAL_TOKENS,
            **{k: v for k, v in extra.items() if k != "tools"},
        }
        variants = []
        for options in OPTION_SETS:
            for think in thinking:
                merged = {**options, **think}
                variant = {"options": merged, **outcome(template, {**context, **merged})}
                # What apply_chat_template would give: transformers drops None-valued message keys,
                # then render_jinja_template passes its variables. Recorded only where it differs.
                chat = chat_outcome(source, messages, extra, merged)
                direct = {k: variant[k] for k in ("expected", "error") if k in variant}
                if chat != direct:
                    variant["chat"] = chat
                variants.append(variant)
        # The messages as a client sends them, before transformers aliases reasoning fields,
        # so the Swift test can check Template.renderChat's aliasing too.
        cases.append({"name": name, "raw_messages": messages, "context": context, "variants": variants})
    return cases


def main():
    template_dir = os.path.join(FIXTURES, "templates")
    out_dir = os.path.join(FIXTURES, "cases")
    os.makedirs(out_dir, exist_ok=True)
    meta = {"jinja2": jinja2.__version__, "transformers": transformers.__version__, "now": PINNED_NOW.isoformat()}
    for file in sorted(os.listdir(template_dir)):
        if not file.endswith(".jinja"):
            continue
        with open(os.path.join(template_dir, file), encoding="utf-8") as f:
            source = f.read()
        cases = chat_cases(source)
        errors = sum(1 for c in cases for v in c["variants"] if "error" in v)
        total = sum(len(c["variants"]) for c in cases)
        with open(os.path.join(out_dir, file.replace(".jinja", ".json")), "w", encoding="utf-8") as f:
            json.dump({**meta, "template": file, "cases": cases}, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(f"{file}: {total} cases ({errors} expect an error)")

    language = []
    for index, (source, context) in enumerate(LANGUAGE_CASES):
        try:
            template = compile_template(source)
        except jinja2.TemplateSyntaxError as error:
            language.append({"source": source, "context": context,
                             "error": {"type": "TemplateSyntaxError", "message": error.message, "line": error.lineno}})
            continue
        language.append({"source": source, "context": context, **outcome(template, context)})
    with open(os.path.join(FIXTURES, "language_cases.json"), "w", encoding="utf-8") as f:
        json.dump({**meta, "cases": language}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"language_cases.json: {len(language)} cases")


if __name__ == "__main__":
    main()
