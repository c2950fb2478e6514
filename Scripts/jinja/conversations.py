"""Conversations and options the chat-template fixtures are rendered with.

Each conversation is a list of messages in the shapes chat clients send: plain strings,
lists of text parts, tool calls with arguments as objects or JSON strings, tool results,
reasoning content, and a few malformed orders that templates are expected to reject.
"""

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Unit — °C or °F"},
            },
            "required": ["location"],
        },
    },
}

SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the web for \"quoted\" terms & return <top> results",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "max_results": {"type": "integer", "default": 5, "minimum": 1.5},
                "safe": {"type": "boolean", "default": True},
                "filters": {"type": "array", "items": {"type": "string"}, "nullable": None},
            },
            "required": ["query"],
        },
        "return": {"type": "string"},
    },
}

TOOLS = [WEATHER_TOOL, SEARCH_TOOL]

UNICODE_TEXT = "  Ünïcödé 你好 🌍 tabs\tand \"quotes\" 'single' back\\slash\n\nand newlines  "


def call(name, arguments, call_id="call00001", as_string=False):
    import json

    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False) if as_string else arguments},
    }


def conversations():
    """Returns (name, messages, extra context) triples."""
    weather_args = {"location": "Paris, France", "unit": "celsius"}
    yield "user_only", [{"role": "user", "content": "Hello!"}], {}
    yield "system_user", [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "What is 2+2?"},
    ], {}
    yield "multi_turn", [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke."},
    ], {}
    yield "multi_turn_no_system", [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Goodbye!"},
    ], {}
    yield "unicode_whitespace", [
        {"role": "system", "content": UNICODE_TEXT},
        {"role": "user", "content": UNICODE_TEXT},
        {"role": "assistant", "content": "\n\n" + UNICODE_TEXT},
        {"role": "user", "content": "{{ not jinja }} {% raw %}"},
    ], {}
    yield "empty_content", [
        {"role": "system", "content": ""},
        {"role": "user", "content": ""},
    ], {}
    yield "content_parts", [
        {"role": "user", "content": [{"type": "text", "text": "Describe this."}, {"type": "text", "text": "Briefly."}]},
    ], {}
    yield "tools_query", [
        {"role": "system", "content": "Use tools when needed."},
        {"role": "user", "content": "What's the weather in Paris?"},
    ], {"tools": TOOLS}
    yield "tools_no_system", [
        {"role": "user", "content": "What's the weather in Paris?"},
    ], {"tools": TOOLS}
    yield "tool_call_dict_args", [
        {"role": "user", "content": "What's the weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [call("get_current_weather", weather_args, "abc123XYZ")]},
        {"role": "tool", "content": "22 degrees and sunny", "tool_call_id": "abc123XYZ", "name": "get_current_weather"},
        {"role": "assistant", "content": "It is 22 °C and sunny in Paris."},
        {"role": "user", "content": "Thanks!"},
    ], {"tools": TOOLS}
    yield "tool_call_string_args", [
        {"role": "system", "content": "You can call functions."},
        {"role": "user", "content": "Search for swift jinja"},
        {"role": "assistant", "content": "Let me search.", "tool_calls": [call("search", {"query": "swift jinja", "max_results": 3}, "a1b2c3d4e", as_string=True)]},
        {"role": "tool", "content": "[\"result one\", \"result two\"]", "tool_call_id": "a1b2c3d4e"},
    ], {"tools": TOOLS}
    yield "tool_call_no_content", [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [call("get_current_weather", weather_args, "zzzzzzzz9")]},
        {"role": "tool", "content": {"temperature": 22, "unit": "celsius", "ok": True}, "tool_call_id": "zzzzzzzz9"},
    ], {"tools": TOOLS}
    yield "parallel_tool_calls", [
        {"role": "user", "content": "Weather in Paris and London?"},
        {"role": "assistant", "content": "", "tool_calls": [
            call("get_current_weather", {"location": "Paris"}, "parisCall"),
            call("get_current_weather", {"location": "London"}, "londonCal"),
        ]},
        {"role": "tool", "content": "20", "tool_call_id": "parisCall"},
        {"role": "tool", "content": "15", "tool_call_id": "londonCal"},
        {"role": "assistant", "content": "Paris 20, London 15."},
    ], {"tools": TOOLS}
    yield "bad_tool_call_id", [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": "", "tool_calls": [call("get_current_weather", weather_args, "short")]},
        {"role": "tool", "content": "20", "tool_call_id": "short"},
    ], {"tools": TOOLS}
    yield "reasoning_field", [
        {"role": "user", "content": "What is 3*7?"},
        {"role": "assistant", "content": "21", "reasoning_content": "3 times 7 is 21."},
        {"role": "user", "content": "And 3*8?"},
        {"role": "assistant", "content": "24", "reasoning_content": "\nAdd 3 to 21.\n"},
    ], {}
    yield "inline_think", [
        {"role": "user", "content": "What is 3*7?"},
        {"role": "assistant", "content": "<think>\n3 times 7 is 21.\n</think>\n\n21"},
        {"role": "user", "content": "Thanks"},
    ], {}
    yield "system_think_flags", [
        {"role": "system", "content": "Be brief. /no_think"},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ], {}
    yield "two_users_in_a_row", [
        {"role": "user", "content": "Hi"},
        {"role": "user", "content": "Anyone?"},
    ], {}
    yield "starts_with_assistant", [
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "Hi"},
    ], {}
    yield "unknown_role", [
        {"role": "user", "content": "Hi"},
        {"role": "narrator", "content": "Meanwhile..."},
    ], {}
    yield "empty_conversation", [], {}
    yield "llama_builtin_tools", [
        {"role": "system", "content": "Environment setup."},
        {"role": "user", "content": "Search the weather"},
        {"role": "assistant", "tool_calls": [call("brave_search", {"query": "weather"}, "builtin01")]},
        {"role": "ipython", "content": "sunny"},
    ], {"builtin_tools": ["brave_search", "code_interpreter", "wolfram_alpha"], "tools": TOOLS, "date_string": "01 Jan 2025"}
    yield "llama_tools_in_system", [
        {"role": "user", "content": "Weather in Oslo"},
    ], {"tools": TOOLS, "tools_in_user_message": False}
    yield "llama_tools_no_user", [
        {"role": "system", "content": "Only a system message."},
    ], {"tools": TOOLS}
    yield "user_then_tool_first_qwen", [
        {"role": "user", "content": "<tool_response>\nx\n</tool_response>"},
        {"role": "assistant", "content": "ok"},
    ], {}


OPTION_SETS = [
    {"add_generation_prompt": True},
    {"add_generation_prompt": False},
]

THINKING_OPTIONS = [{}, {"enable_thinking": True}, {"enable_thinking": False}]

SPECIAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>"}
