import Foundation
import Testing
@testable import OmniJinja

/// Mutates real templates thousands of times with a fixed seed; every mutant must either fail
/// with a `JinjaError` or render, within the limits, without crashing or hanging.
@Suite struct FuzzTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        "{%", "%}", "{{", "}}", "{#", "#}", "-", "+", "(", ")", "[", "]", "{", "}", "'", "\"", "\\", "\n", " ", "|",
        ".", ",", ":", "=", "==", "*", "**", "//", "%", "~", "not ", " in ", " is ", " if ", " else ", "and", "or",
        "if", "endif", "elif", "else", "for", "endfor", "set", "endset", "macro", "endmacro", "raw", "endraw",
        "loop.index", "messages", "ns", "namespace()", "range(", "tojson", "trim", "length", "defined", "none",
        "9999999999999999999999", "1e999", "0x", "é", "😀", "\u{0}", "{% for x in range(50) %}", "{% endfor %}",
        "{% if x %}", "{% endif %}", "{% set ns.a = 1 %}", "{{ caller() }}", "[::-1]", "[1:]", "loop(", "{% break %}",
    ]

    static func mutate(_ source: String, using generator: inout SeededGenerator) -> String {
        var scalars = Array(source.unicodeScalars)
        let edits = Int.random(in: 1...4, using: &generator)
        for _ in 0..<edits {
            let position = scalars.isEmpty ? 0 : Int.random(in: 0...scalars.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0 where !scalars.isEmpty:
                let end = min(scalars.count, position + Int.random(in: 1...12, using: &generator))
                if position < end { scalars.removeSubrange(position..<end) }
            case 1 where !scalars.isEmpty:
                let start = Int.random(in: 0..<scalars.count, using: &generator)
                let end = min(scalars.count, start + Int.random(in: 1...40, using: &generator))
                scalars.insert(contentsOf: scalars[start..<end], at: position)
            default:
                let fragment = fragments[Int.random(in: 0..<fragments.count, using: &generator)]
                scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
            }
        }
        return PyString.string(scalars)
    }

    static func sources() throws -> [String] {
        let directory = try FixtureLoader.directory().appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jinja") }.sorted()
        var sources = try files.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        for testCase in FixtureLoader.cases(try FixtureLoader.json("language_cases.json")) {
            if let source = FixtureLoader.string(testCase["source"]) { sources.append(source) }
        }
        return sources
    }

    @Test func mutatedTemplatesThrowOrRender() throws {
        let sources = try Self.sources()
        let context: [String: Value] = [
            "messages": try Value.parseJSON("""
            [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"},
             {"role": "assistant", "content": "yo", "tool_calls": [{"type": "function", "id": "abcdefghi",
              "function": {"name": "f", "arguments": {"a": 1}}}]},
             {"role": "tool", "content": "r", "tool_call_id": "abcdefghi"}, {"role": "user", "content": "bye"}]
            """),
            "tools": try Value.parseJSON(#"[{"type": "function", "function": {"name": "f", "parameters": {}}}]"#),
            "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "x": 1,
        ]
        let limits = RenderLimits(maximumSteps: 200_000, maximumOutputBytes: 1 << 20, maximumCallDepth: 30)
        // OMNI_JINJA_FUZZ_ROUNDS and OMNI_JINJA_FUZZ_SEED run longer or different campaigns.
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["OMNI_JINJA_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 3000
        let seed = environment["OMNI_JINJA_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_260_307
        var generator = SeededGenerator(state: seed)
        var parsed = 0, rendered = 0, total = 0
        let start = Date()
        for round in 0..<rounds {
            let source = Self.mutate(sources[round % sources.count], using: &generator)
            total += 1
            do {
                let template = try Template(source, name: "fuzz\(round)")
                parsed += 1
                _ = try template.render(context, now: FixtureLoader.pinnedNow, timeZone: FixtureLoader.utc, limits: limits)
                rendered += 1
            } catch is JinjaError {
                continue
            } catch {
                Issue.record("mutant \(round) threw a non-Jinja error \(error): \(source.debugDescription)")
            }
        }
        print("[jinja-fuzz] \(total) mutants: \(parsed) parsed, \(rendered) rendered, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        #expect(parsed > total / 10, "mutations should not all be syntax errors")
        #expect(rendered > 0)
    }
}
