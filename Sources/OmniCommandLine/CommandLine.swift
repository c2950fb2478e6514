import Foundation

/// One option of a command: `--name VALUE` or a boolean `--name`.
public struct OptionSpec: Sendable {
    public var name: String
    /// Placeholder shown in help (e.g. "DIR"); nil for a boolean flag.
    public var valueName: String?
    public var help: String
    public var defaultDescription: String?

    public init(_ name: String, value: String? = nil, help: String, default defaultDescription: String? = nil) {
        self.name = name
        self.valueName = value
        self.help = help
        self.defaultDescription = defaultDescription
    }

    public var isFlag: Bool { valueName == nil }
}

/// A (sub)command: its name, what it does, its options and positional arguments.
public struct CommandSpec: Sendable {
    public var name: String
    public var summary: String
    public var options: [OptionSpec]
    /// Names of positional arguments, in order (shown in usage).
    public var positionals: [String]
    public var positionalsRequired: Int
    /// The last positional may repeat (e.g. several input files).
    public var lastPositionalRepeats: Bool

    public init(name: String, summary: String, options: [OptionSpec], positionals: [String] = [], positionalsRequired: Int = 0,
                lastPositionalRepeats: Bool = false) {
        self.lastPositionalRepeats = lastPositionalRepeats
        self.name = name
        self.summary = summary
        self.options = options + [OptionSpec("help", help: "Show this help.")]
        self.positionals = positionals
        self.positionalsRequired = positionalsRequired
    }

    /// Usage and options, formatted for a terminal.
    public var help: String {
        let usage = positionals.map { " <\($0)>" }.joined() + (lastPositionalRepeats ? "..." : "")
        var lines = ["\(summary)", "", "USAGE: \(name)\(usage) [options]", "", "OPTIONS:"]
        let labels = options.map { "--\($0.name)" + ($0.valueName.map { " \($0)" } ?? "") }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (label, option) in zip(labels, options) {
            var text = option.help
            if let d = option.defaultDescription { text += " (default: \(d))" }
            lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + text)
        }
        return lines.joined(separator: "\n")
    }

    /// Parses arguments (without the command name itself).
    public func parse(_ arguments: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments(command: name)
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            guard arg.hasPrefix("--"), arg.count > 2 else {
                if arg.hasPrefix("-") && arg != "-" {
                    throw CommandLineError.unknownOption(command: name, option: arg, suggestion: nil)
                }
                parsed.positionals.append(arg)
                continue
            }
            var key = String(arg.dropFirst(2))
            var inlineValue: String? = nil
            if let eq = key.firstIndex(of: "=") {
                inlineValue = String(key[key.index(after: eq)...])
                key = String(key[..<eq])
            }
            guard let option = options.first(where: { $0.name == key }) else {
                throw CommandLineError.unknownOption(command: name, option: "--" + key, suggestion: closest(to: key))
            }
            if option.isFlag {
                if inlineValue != nil {
                    throw CommandLineError.invalidValue(command: name, option: key, value: inlineValue ?? "", expected: "no value (it is a flag)")
                }
                parsed.flags.insert(key)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < arguments.count else {
                    throw CommandLineError.missingValue(command: name, option: key, valueName: option.valueName ?? "VALUE")
                }
                value = arguments[i]
                i += 1
            }
            parsed.values[key] = value
        }
        if parsed.flags.contains("help") { return parsed }
        if parsed.positionals.count < positionalsRequired {
            throw CommandLineError.missingPositional(command: name, name: positionals[parsed.positionals.count])
        }
        if parsed.positionals.count > positionals.count && !lastPositionalRepeats {
            throw CommandLineError.unexpectedArgument(command: name, argument: parsed.positionals[positionals.count])
        }
        return parsed
    }

    private func closest(to key: String) -> String? {
        let scored = options.map { ($0.name, editDistance($0.name, key)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first, best.1 <= max(2, key.count / 3) else { return nil }
        return "--" + best.0
    }
}

/// Arguments after parsing, with typed accessors whose errors name the option.
public struct ParsedArguments: Sendable {
    public let command: String
    public var values: [String: String] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public init(command: String) { self.command = command }

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    public func string(_ name: String) -> String? { values[name] }

    public func int(_ name: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let raw = values[name] else { return nil }
        guard let v = Int(raw) else { throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "an integer") }
        if let range, !range.contains(v) {
            throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    public func uint64(_ name: String) throws -> UInt64? {
        guard let raw = values[name] else { return nil }
        guard let v = UInt64(raw) else { throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "a non-negative integer") }
        return v
    }

    public func double(_ name: String, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let raw = values[name] else { return nil }
        guard let v = Double(raw), v.isFinite else { throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "a number") }
        if let range, !range.contains(v) {
            throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// A size like "16GB", "512MiB", "1.5G" or plain bytes.
    public func byteSize(_ name: String) throws -> Int? {
        guard let raw = values[name] else { return nil }
        guard let v = ByteSize.parse(raw) else {
            throw CommandLineError.invalidValue(command: command, option: name, value: raw, expected: "a size like 16GB, 512MiB or 1073741824")
        }
        return v
    }
}

/// Parses human sizes: B, KB/MB/GB/TB (powers of 1000), KiB/MiB/GiB/TiB and K/M/G/T (powers of 1024).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let digits = s.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let number = Double(digits), number >= 0 else { return nil }
        let unit = s.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [String: Double] = [
            "": 1, "b": 1,
            "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
            "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let m = multipliers[unit] else { return nil }
        let value = number * m
        guard value < 9e18 else { return nil }
        return Int(value.rounded())
    }

    /// "1.50 GiB"-style rendering.
    public static func describe(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(bytes) B" : String(format: "%.2f %@", v, units[u])
    }
}

/// Mistakes on the command line, each saying what to do.
public enum CommandLineError: LocalizedError, Equatable {
    case unknownCommand(tool: String, command: String, known: [String])
    case unknownOption(command: String, option: String, suggestion: String?)
    case missingValue(command: String, option: String, valueName: String)
    case invalidValue(command: String, option: String, value: String, expected: String)
    case missingPositional(command: String, name: String)
    case unexpectedArgument(command: String, argument: String)
    case missingOption(command: String, option: String)

    public var errorDescription: String? {
        switch self {
        case .unknownCommand(let tool, let command, let known):
            return "\(tool): unknown command '\(command)'; commands: \(known.joined(separator: ", ")). Run '\(tool) --help'."
        case .unknownOption(let command, let option, let suggestion):
            return "\(command): unknown option '\(option)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " Run '\(command) --help'."
        case .missingValue(let command, let option, let valueName):
            return "\(command): --\(option) needs a value: --\(option) \(valueName)"
        case .invalidValue(let command, let option, let value, let expected):
            return "\(command): --\(option) expects \(expected), got '\(value)'"
        case .missingPositional(let command, let name):
            return "\(command): missing <\(name)>. Run '\(command) --help'."
        case .unexpectedArgument(let command, let argument):
            return "\(command): unexpected argument '\(argument)'. Run '\(command) --help'."
        case .missingOption(let command, let option):
            return "\(command): --\(option) is required. Run '\(command) --help'."
        }
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var prev = Array(0...b.count)
    for i in 1...max(1, a.count) where !a.isEmpty {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(1, b.count) where !b.isEmpty {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return a.isEmpty ? b.count : prev[b.count]
}

/// Writes to standard error.
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
