#!/usr/bin/env python3
"""Checks an OMNI API server with the official `openai` Python client.

Usage: test_openai_client.py --base-url http://127.0.0.1:PORT/v1 --api-key KEY --model NAME

Exits 0 when every check passes; otherwise prints what failed and exits 1.
Exits 2 when the `openai` package is missing (fix: python3 -m pip install openai).
"""
import argparse
import sys

try:
    import openai
except ImportError:
    print("the 'openai' Python package is missing: run 'python3 -m pip install openai' "
          "(or Scripts/setup.sh --tests)", file=sys.stderr)
    sys.exit(2)

failures = []
passed = 0


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def expect_error(name, error_class, call, param=None):
    try:
        call()
    except error_class as e:
        body = e.body if isinstance(e.body, dict) else {}
        if param is not None:
            check(name + " param", body.get("param") == param, f"param {body.get('param')!r}, wanted {param!r}")
        else:
            check(name, True)
    except Exception as e:  # noqa: BLE001 - report any other class as a failure
        check(name, False, f"raised {type(e).__name__}: {e}")
    else:
        check(name, False, f"no {error_class.__name__} raised")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.base_url, api_key=args.api_key, max_retries=0, timeout=60)
    model = args.model
    messages = [{"role": "user", "content": "Hello there"}]

    # Models.
    ids = [m.id for m in client.models.list().data]
    check("models.list", ids == [model], f"ids {ids}")
    check("models.retrieve", client.models.retrieve(model).id == model)

    # Chat, greedy, not streamed.
    chat = client.chat.completions.create(model=model, messages=messages, max_tokens=12, temperature=0)
    choice = chat.choices[0]
    check("chat object", chat.object == "chat.completion", chat.object)
    check("chat role", choice.message.role == "assistant", choice.message.role)
    check("chat finish", choice.finish_reason in ("stop", "length"), choice.finish_reason)
    check("chat usage", chat.usage.prompt_tokens > 0 and 0 < chat.usage.completion_tokens <= 12
          and chat.usage.total_tokens == chat.usage.prompt_tokens + chat.usage.completion_tokens, str(chat.usage))
    greedy_text = choice.message.content

    # Text content parts give the same prompt as a plain string.
    parts = client.chat.completions.create(model=model, max_tokens=12, temperature=0,
                                           messages=[{"role": "user", "content": [{"type": "text", "text": "Hello there"}]}])
    check("chat content parts", parts.choices[0].message.content == greedy_text)

    # Chat, streamed: same text, role first, usage last.
    stream = client.chat.completions.create(model=model, messages=messages, max_completion_tokens=12, temperature=0,
                                            stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    check("stream chunk object", all(c.object == "chat.completion.chunk" for c in chunks))
    check("stream first role", bool(chunks) and chunks[0].choices and chunks[0].choices[0].delta.role == "assistant")
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    check("stream text", text == greedy_text, f"{text!r} != {greedy_text!r}")
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    check("stream finish", finishes == [choice.finish_reason], str(finishes))
    check("stream usage", chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == chat.usage.completion_tokens,
          str(chunks[-1].usage))

    # Completions (raw prompt), streamed and not.
    completion = client.completions.create(model=model, prompt="Once upon a time", max_tokens=10, temperature=0)
    check("completion object", completion.object == "text_completion", completion.object)
    check("completion usage", completion.usage.completion_tokens <= 10)
    streamed = "".join(c.choices[0].text for c in client.completions.create(
        model=model, prompt="Once upon a time", max_tokens=10, temperature=0, stream=True) if c.choices)
    check("completion stream text", streamed == completion.choices[0].text, f"{streamed!r} != {completion.choices[0].text!r}")

    # Stop strings: stop at a character from the greedy text; the reply is what came before it.
    full = client.completions.create(model=model, prompt="Once upon a time", max_tokens=16, temperature=0,
                                     extra_body={"ignore_eos": True})
    full_text = full.choices[0].text
    candidates = [ch for ch in full_text[1:] if ch not in ("\ufffd", " ")]
    if candidates:
        stop = candidates[0]
        stopped = client.completions.create(model=model, prompt="Once upon a time", max_tokens=16, temperature=0,
                                            stop=[stop, "never-appears"], extra_body={"ignore_eos": True})
        expected = full_text[:full_text.index(stop)]
        check("stop text", stopped.choices[0].text == expected, f"{stopped.choices[0].text!r} != {expected!r} (stop {stop!r})")
        check("stop finish", stopped.choices[0].finish_reason == "stop", stopped.choices[0].finish_reason)
        s_stream = client.chat.completions.create(model=model, messages=messages, max_tokens=12, temperature=0, stop=stop,
                                                  stream=True)
        s_text = "".join(c.choices[0].delta.content or "" for c in s_stream if c.choices)
        check("stop never streamed", stop not in s_text, repr(s_text))
    else:
        check("stop candidates", False, f"greedy text {full_text!r} has no usable character")

    # Seeds: the same seed and temperature give the same text.
    a = client.chat.completions.create(model=model, messages=messages, max_tokens=12, temperature=1.0, seed=1234)
    b = client.chat.completions.create(model=model, messages=messages, max_tokens=12, temperature=1.0, seed=1234)
    check("seed reproducible", a.choices[0].message.content == b.choices[0].message.content,
          f"{a.choices[0].message.content!r} != {b.choices[0].message.content!r}")
    others = {client.chat.completions.create(model=model, messages=messages, max_tokens=12, temperature=1.0,
                                             seed=s).choices[0].message.content for s in (1, 2, 3)}
    check("seeds differ", len(others | {a.choices[0].message.content}) > 1, str(others))

    # Errors, as the client classifies them.
    expect_error("bad temperature", openai.BadRequestError, lambda: client.chat.completions.create(
        model=model, messages=messages, temperature=5), param="temperature")
    expect_error("n=2", openai.BadRequestError, lambda: client.chat.completions.create(
        model=model, messages=messages, n=2), param="n")
    expect_error("top_logprobs range", openai.BadRequestError, lambda: client.chat.completions.create(
        model=model, messages=messages, logprobs=True, top_logprobs=30), param="top_logprobs")

    # Log-probabilities: per token, normalised, the chosen token among or below its alternatives.
    lp = client.chat.completions.create(model=model, messages=messages, max_tokens=6, temperature=0,
                                        logprobs=True, top_logprobs=3)
    content = lp.choices[0].logprobs.content if lp.choices[0].logprobs else []
    check("chat logprobs per token", len(content) == lp.usage.completion_tokens, f"{len(content)} vs {lp.usage.completion_tokens}")
    check("chat logprobs valid", all(c.logprob <= 0 and len(c.top_logprobs) == 3 for c in content), str(content[:1]))
    check("greedy token is the top one", all(abs(c.logprob - c.top_logprobs[0].logprob) < 1e-9 for c in content), str(content[:1]))
    # Tokens that split a UTF-8 character show U+FFFD alone (as OpenAI's do); whole ones match the text.
    joined = "".join(c.token for c in content)
    check("logprob text matches", "\ufffd" in joined or joined == lp.choices[0].message.content,
          f"{joined!r} vs {lp.choices[0].message.content!r}")
    streamed = []
    for chunk in client.chat.completions.create(model=model, messages=messages, max_tokens=6, temperature=0,
                                                logprobs=True, top_logprobs=2, stream=True):
        if chunk.choices and chunk.choices[0].logprobs and chunk.choices[0].logprobs.content:
            streamed += chunk.choices[0].logprobs.content
    check("streamed logprobs", [c.logprob for c in streamed][:len(content)] == [c.logprob for c in content][:len(streamed)] and len(streamed) == len(content),
          f"{len(streamed)} vs {len(content)}")
    comp = client.completions.create(model=model, prompt="The king", max_tokens=5, temperature=0, logprobs=2)
    clp = comp.choices[0].logprobs
    check("completion logprobs", clp is not None and len(clp.tokens) == len(clp.token_logprobs) == len(clp.top_logprobs) == comp.usage.completion_tokens
          and all(len(t) <= 2 for t in clp.top_logprobs) and clp.text_offset[0] == 0, str(clp))
    expect_error("empty messages", openai.BadRequestError, lambda: client.chat.completions.create(
        model=model, messages=[]), param="messages")
    expect_error("unknown model", openai.NotFoundError, lambda: client.chat.completions.create(
        model="no-such-model", messages=messages), param="model")
    expect_error("unknown model retrieve", openai.NotFoundError, lambda: client.models.retrieve("no-such-model"))
    bad_key = openai.OpenAI(base_url=args.base_url, api_key="wrong-key", max_retries=0, timeout=30)
    expect_error("wrong key", openai.AuthenticationError, lambda: bad_key.models.list())
    expect_error("wrong key chat", openai.AuthenticationError, lambda: bad_key.chat.completions.create(model=model, messages=messages))

    if failures:
        print(f"{len(failures)} of {len(failures) + passed} checks failed:", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
    print(f"ok: {passed} checks passed")


if __name__ == "__main__":
    main()
