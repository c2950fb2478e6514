#!/usr/bin/env python3
"""Checks the web chat page of an OMNI API server in headless Chromium.

Usage: test_web_chat.py --url http://127.0.0.1:PORT [--screenshot out.png] [--chromium PATH]

Opens `URL/?prompt=...` (the page's documented test hook sends that prompt once the models are
loaded), lets the page run, dumps the DOM and checks: the user message is shown, a streamed
assistant reply arrived with its time-to-first-token and tokens/s line, the model picker lists
the model, and the cluster view lists the nodes. Exits 1 with the reason otherwise.
Needs Debian's `chromium` (apt-get install -y chromium); nothing else beyond the standard library.
"""
import argparse
import html.parser
import shutil
import subprocess
import sys
import urllib.parse

PROMPT = "Hello from the headless test"


class Collector(html.parser.HTMLParser):
    """Collects the text of elements by class name (nested text included)."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, classes, text parts)
        self.found = []  # (classes, text, attrs)

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "input", "br", "img", "link"):
            return
        self.stack.append((tag, (dict(attrs).get("class") or "").split(), [], dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            t, classes, parts, attrs = self.stack.pop()
            text = "".join(parts)
            self.found.append((classes, text, attrs, t))
            if self.stack:
                self.stack[-1][2].append(text)
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)

    def texts(self, *classes):
        return [text for c, text, _, _ in self.found if all(k in c for k in classes)]


def run(chromium, args):
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--virtual-time-budget=15000", "--window-size=1200,800"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    if not args.chromium:
        print("chromium is not installed: apt-get install -y chromium", file=sys.stderr)
        sys.exit(2)
    page = args.url.rstrip("/") + "/?" + urllib.parse.urlencode({"prompt": PROMPT, "max_tokens": "16", "temperature": "0"})
    result = run(args.chromium, ["--dump-dom", page])
    dom = result.stdout
    if "<html" not in dom:
        print(f"chromium printed no DOM (exit {result.returncode}): {result.stderr[-2000:]}", file=sys.stderr)
        sys.exit(1)
    c = Collector()
    c.feed(dom)
    problems = []
    if PROMPT not in c.texts("msg", "user"):
        problems.append("the user message is not shown")
    replies = c.texts("msg", "assistant", "done")
    errors = c.texts("msg", "error")
    if errors:
        problems.append(f"the page shows an error: {errors}")
    if len(replies) != 1:
        problems.append(f"expected one finished assistant reply, found {len(replies)}")
    elif "TTFT" not in replies[0] or "tokens/s" not in replies[0]:
        problems.append(f"the reply has no TTFT / tokens/s line: {replies[0]!r}")
    elif not replies[0].split("TTFT")[0].strip():
        problems.append("the reply text is empty")
    options = [text for classes, text, attrs, tag in c.found if tag == "option"]
    if not options:
        problems.append("the model picker is empty")
    nodes = c.texts("node")
    if not nodes or not all("layers [" in n and "memory" in n for n in nodes):
        problems.append(f"the cluster view does not list nodes with memory and layers: {nodes}")
    summary = c.texts("summary") or [t for classes, t, attrs, tag in c.found if attrs.get("id") == "summary"]
    if not summary or "layers" not in summary[0]:
        problems.append(f"the cluster summary is missing: {summary}")
    if args.screenshot:
        shot = run(args.chromium, [f"--screenshot={args.screenshot}", page])
        if shot.returncode != 0:
            problems.append(f"screenshot failed: {shot.stderr[-500:]}")
    if problems:
        print("web chat check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"ok: reply {replies[0]!r}; models {options}; {len(nodes)} node(s)")


if __name__ == "__main__":
    main()
