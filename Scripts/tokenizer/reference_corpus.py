"""The reference strings every tokenizer fixture is checked on (shared by the scripts)."""

REFERENCE_TEXTS = [
    "",
    "a",
    " ",
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "  leading spaces and trailing spaces   ",
    "tabs\tand\t\ttabs\t",
    "line one\nline two\n\nline four\r\nwindows line\rold mac\n",
    "   \n\n   \t\n",
    "\n",
    "word\n\n\n   indented",
    "I'm sure you're right; it's John's. WE'LL see, they'D know. I've 'll 'ſ 'S 'Re",
    "don't can't won't shouldn't y'all 'tis rock 'n' roll",
    "1234567890 3.14159 1,000,000 2024-12-04 0x1F 007 98765432109876543210",
    "²³¼ ٣٤٥ ⅫⅦ ①②③ 一二三",
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }  // dot product\n",
    "<html><body class=\"x\">&amp; &lt;tag&gt;</body></html>",
    "{\"key\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}",
    "emoji 😀😃😄 thumbs 👍🏽👍🏿 family 👩‍👩‍👧‍👦 flag 🇯🇵🇫🇷 heart ❤️ keycap 1️⃣",
    "日本語のテキストです。中文文本，汉字。한국어 텍스트입니다.",
    "مرحبا بالعالم! هذا نص عربي. שלום עולם, זה טקסט בעברית.",
    "combining: e\u0301 a\u0308 o\u0302\u0323 Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319 café vs cafe\u0301",
    "Ångström Å Å ﬁ ﬂ ＡＢＣ１２３ ｶﾀｶﾅ ㌔",
    "ΟΔΥΣΣΕΥΣ ΣΊΣΥΦΟΣ Straße İstanbul ǅ",
    "replacement \ufffd char and private use \ue000\uf8ff\U000f0000 ok",
    "controls \x00\x01\x07\x1b[31mred\x1b[0m\x7f\x85\u200b\u200d\u2028\u2029\ufeff end",
    "no-break\u00a0space\u2003em\u3000ideographic\u202fnarrow",
    "<|begin_of_text|>Hello<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
    "<s>[INST] What is 2+2? [/INST] 4</s>",
    "text<s>glued</s>text <s> spaced </s> <unk>",
    "<|endoftext|> after end <|endoftext|><|endoftext|>",
    "special in word: foo<|user|>bar and <|user|> alone, [MASK]  masked  [MASK]",
    "hello world, helloworld, hello worlds, Hello World",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "The the THE tHe. " * 20,
    "https://example.com/path?query=value&other=1#frag user@example.org",
    "Mixed: naïve résumé coöperate façade piñata Ελληνικά русский текст ไทย हिन्दी",
    "    def indented():\n\t\treturn   None    \n",
    "!!!???... ---___*** ~~~ ``` ''' \"\"\"",
    "A" * 300,
    "x = 1\n\n\n\ny = 2 \n \n",
    "‘curly’ “quotes” — dash – en … ellipsis • bullet",
    "Sp ac e s\u3000and\u00a0\u00a0nbsp",
    # Whole Llama 3 vocabulary entries that merges alone do not reach (ignore_merges matters).
    " Každ söylem เพราะ předsed klíč iletişim odbor přiroz итися принадлеж",
]


def random_texts(seed=20261204, count=300):
    """Random strings over a palette that stresses the pre-tokenizer patterns: letters of
    several scripts, digits, whitespace runs, apostrophes, punctuation, marks, emoji."""
    import random

    rng = random.Random(seed)
    palette = (
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") * 3
        + list("0123456789") * 3
        + [" "] * 25 + ["\n"] * 5 + ["\t", "\r", "\r\n", "\u00a0", "\u3000", "\u2009"]
        + list("'''\"!?.,;:-_()[]{}<>/\\@#$%^&*+=~`|")
        + ["s", "t", "re", "ve", "m", "ll", "d", "S", "T", "RE", "LL", "ſ"]
        + list("éüñçøåßœ") + list("日本語中文字한국어") + list("абвгдеж") + list("αβγδΣς")
        + list("مرحباשלום") + ["\u0301", "\u0308", "\u0323", "\u200d", "\ufe0f"]
        + ["😀", "👍🏽", "👩‍👩‍👧", "🇯🇵", "²", "½", "٣", "Ⅻ", "\ufffd", "\ue000", "\x00", "\x1b", "\x7f"]
    )
    texts = []
    for _ in range(count):
        length = rng.randint(1, 60)
        texts.append("".join(rng.choice(palette) for _ in range(length)))
    return texts
