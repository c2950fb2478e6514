/// OmniJinja renders Hugging Face chat templates exactly as Python jinja2 does when
/// transformers configures it (`ImmutableSandboxedEnvironment`, `trim_blocks`,
/// `lstrip_blocks`, loop controls, `{% generation %}`, `raise_exception`, `strftime_now`,
/// a `tojson` that keeps non-ASCII text and takes `indent`/`separators`/`sort_keys`).
///
/// Use:
///
///     let template = try Template(chatTemplateSource, name: "chat_template.jinja")
///     let prompt = try template.renderChat(messages: messages, tools: tools,
///                                          addGenerationPrompt: true,
///                                          extra: ["bos_token": "<s>", "eos_token": "</s>"])
///
/// or `template.render(context)` with every variable given. Build `Value`s with
/// `Value.parseJSON` (keeps object key order, which `tojson` of tool schemas needs),
/// `Value(jsonObject:)` (Foundation objects; keys sorted), or literals.
///
/// Language: text, `{{ }}`, `{% %}`, `{# #}`, `-`/`+` whitespace control, raw blocks;
/// `if`/`elif`/`else`, `for` (`else`, filtering `if`, unpacking, the `loop` object with
/// `cycle`), `break`/`continue`, `set` (names, tuples, `ns.attr`, block set with filters),
/// `macro` (defaults, `caller`, `varargs`, `kwargs`), `call`, `filter`, `with`, `generation`;
/// Python expressions with jinja2's precedence, slicing, chained comparisons, `%` formatting;
/// jinja2's filters and tests (see `Filters.names`, `TestFunctions.names`) and the string,
/// dict and list methods templates call. Scoping follows jinja2's static rules, undefined
/// values behave like `jinja2.Undefined`, and values print like Python's `str()`.
///
/// Errors: `JinjaError.syntax` (line and column), `.runtime` (line), `.raised` (the
/// template's own `raise_exception` message), `.invalidJSON`. Runaway templates stop at
/// `RenderLimits`; nesting is capped so bad input never exhausts the stack.
///
/// Not supported (jinja2 differs): integers beyond 64 bits; generators are values, not
/// single-use iterators (reading one twice gives its items twice), and jinja2 reports errors
/// inside them only when they are consumed; `range`, dict views, generators, macros and other
/// Python objects print differently;
/// `{% include %}`/`{% extends %}`/`{% import %}`/blocks, recursive loops, `loop.changed`,
/// and the filters `groupby`, `slice`, `striptags`, `wordwrap`, `urlize`, `urlencode`,
/// `xmlattr`, `filesizeformat`, `random`.
public enum OmniJinja {
    /// The jinja2 and transformers versions the fixtures were recorded with.
    public static let referenceVersions = "jinja2 3.1.6, transformers 5.25.0"
}
