import Foundation
import OmniCommandLine
import OmniEngine

/// `omni`: run models on this machine (`generate`) and, later, as a cluster node (`serve`).
let tool = "omni"
let commands: [(String, String)] = [
    ("generate", "Generate text with a model on this machine."),
    ("serve", "Run this machine as a node of a cluster."),
    ("client", "Send one request to a node's internal client port (tests, diagnostics)."),
    ("api", "Serve a model on this machine through the OpenAI-compatible API and web chat."),
]

func topLevelHelp() -> String {
    var lines = ["omni — run Llama-family models across devices.", "", "USAGE: omni <command> [options]", "", "COMMANDS:"]
    for (name, summary) in commands { lines.append("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0))\(summary)") }
    lines.append("")
    lines.append("Run 'omni <command> --help' for a command's options.")
    return lines.joined(separator: "\n")
}

ProcessTuning.keepLargeAllocations()
let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, command != "--help", command != "-h", command != "help" else {
    print(topLevelHelp())
    exit(arguments.isEmpty ? 64 : 0)
}

do {
    switch command {
    case "generate":
        try GenerateCommand.run(Array(arguments.dropFirst()))
    case "serve": try ServeCommand.run(Array(arguments.dropFirst()))
    case "client": try ClientCommand.run(Array(arguments.dropFirst()))
    case "api":
        try APICommand.run(Array(arguments.dropFirst()))
    default:
        throw CommandLineError.unknownCommand(tool: tool, command: command, known: commands.map(\.0))
    }
} catch {
    printError("error: \(error.localizedDescription)")
    exit(1)
}
