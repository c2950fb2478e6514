import Testing
@testable import OmniCommandLine

private let spec = CommandSpec(name: "omni generate", summary: "Generate.", options: [
    OptionSpec("model", value: "DIR", help: "Model."),
    OptionSpec("max-tokens", value: "N", help: "Tokens."),
    OptionSpec("temperature", value: "T", help: "Temperature."),
    OptionSpec("raw", help: "Raw prompt."),
])

@Test func parsesValuesFlagsAndInlineValues() throws {
    let p = try spec.parse(["--model", "m", "--max-tokens=12", "--raw"])
    #expect(p.string("model") == "m")
    #expect(try p.int("max-tokens") == 12)
    #expect(p.flag("raw"))
    #expect(!p.flag("help"))
}

@Test func rejectsUnknownOptionWithSuggestion() {
    #expect(throws: CommandLineError.unknownOption(command: "omni generate", option: "--max-token", suggestion: "--max-tokens")) {
        try spec.parse(["--max-token", "3"])
    }
}

@Test func rejectsMissingAndInvalidValues() throws {
    #expect(throws: CommandLineError.missingValue(command: "omni generate", option: "model", valueName: "DIR")) {
        try spec.parse(["--model"])
    }
    let p = try spec.parse(["--max-tokens", "ten", "--temperature", "-1"])
    #expect(throws: CommandLineError.invalidValue(command: "omni generate", option: "max-tokens", value: "ten", expected: "an integer")) {
        try p.int("max-tokens")
    }
    #expect(throws: CommandLineError.self) { try p.double("temperature", range: 0...2) }
    #expect(throws: CommandLineError.self) { try spec.parse(["--raw=yes"]) }
}

@Test func parsesByteSizes() {
    #expect(ByteSize.parse("16GB") == 16_000_000_000)
    #expect(ByteSize.parse("512MiB") == 512 * 1_048_576)
    #expect(ByteSize.parse("1.5G") == 1_610_612_736)
    #expect(ByteSize.parse("1024") == 1024)
    #expect(ByteSize.parse("12 parsecs") == nil)
    #expect(ByteSize.parse("") == nil)
}

@Test func helpListsEveryOption() {
    for name in ["--model DIR", "--max-tokens N", "--raw", "--help"] {
        #expect(spec.help.contains(name))
    }
}
