import Foundation
import Testing
@testable import OmniJinja

/// Every committed chat template, over every fixture conversation, must render byte for byte
/// what Python jinja2 (configured by transformers) rendered, or fail where it failed.
@Suite struct ChatTemplateFixtureTests {
    static let caseFiles: [String] = (try? FixtureLoader.caseFiles()) ?? []

    @Test func fixturesArePresent() throws {
        #expect(Self.caseFiles.count == 9)
    }

    @Test(arguments: caseFiles)
    func templateMatchesJinja2(_ file: String) throws {
        let document = try FixtureLoader.json("cases/" + file)
        guard case .object(let root) = document, let templateFile = FixtureLoader.string(root["template"]) else {
            Issue.record("fixture \(file) has no template name")
            return
        }
        let template = try Template(try FixtureLoader.templateSource(templateFile), name: templateFile)
        let conversations = FixtureLoader.cases(document)
        #expect(conversations.count >= 25)
        var passed = 0, total = 0
        for conversation in conversations {
            guard case .object(let base)? = conversation["context"], case .array(let variants)? = conversation["variants"] else {
                Issue.record("\(file): malformed conversation")
                continue
            }
            for case .object(var variant) in variants {
                // The variant's options (add_generation_prompt, enable_thinking) go into the context.
                var context = base
                if case .object(let options)? = variant["options"] {
                    for (key, value) in options.pairs { context[key] = value }
                }
                variant["context"] = .object(context)
                total += 1
                let verdict = CaseVerdict.check(template, variant)
                if verdict.passed {
                    passed += 1
                } else {
                    let options = variant["options"].map { (try? Filters.tojson($0, Arguments())) ?? "" } ?? ""
                    Issue.record("\(templateFile) \(FixtureLoader.string(conversation["name"]) ?? "?") \(options): \(verdict.detail)")
                }
            }
        }
        #expect(total >= 50)
        print("[jinja-fixtures] \(templateFile): \(passed)/\(total) cases match jinja2")
    }

    /// `renderChat` from the messages as a client sends them (reasoning not yet aliased)
    /// must give what jinja2 gave through transformers.
    @Test(arguments: caseFiles)
    func renderChatMatchesJinja2(_ file: String) throws {
        let document = try FixtureLoader.json("cases/" + file)
        guard case .object(let root) = document, let templateFile = FixtureLoader.string(root["template"]) else {
            Issue.record("fixture \(file) has no template name")
            return
        }
        let template = try Template(try FixtureLoader.templateSource(templateFile), name: templateFile)
        var checked = 0
        for conversation in FixtureLoader.cases(document) {
            guard case .array(let messages)? = conversation["raw_messages"], case .object(let context)? = conversation["context"],
                  case .array(let variants)? = conversation["variants"] else {
                Issue.record("\(file): conversation without raw messages")
                continue
            }
            for case .object(let variant) in variants {
                // `chat` holds what apply_chat_template gave where it differs from a plain render.
                var outcome = variant
                if case .object(let chat)? = variant["chat"] { outcome = chat }
                var extra: [String: Value] = [:]
                for (key, value) in context.pairs where !["messages", "tools", "documents"].contains(key) { extra[key] = value }
                var addGenerationPrompt = false
                if case .object(let options)? = variant["options"] {
                    for (key, value) in options.pairs { extra[key] = value }
                    addGenerationPrompt = options["add_generation_prompt"] == .bool(true)
                }
                let tools: [Value]? = if case .array(let list)? = context["tools"] { list } else { nil }
                let result = Result {
                    try template.renderChat(messages: messages, tools: tools, addGenerationPrompt: addGenerationPrompt,
                                            extra: extra, now: FixtureLoader.pinnedNow, timeZone: FixtureLoader.utc)
                }
                checked += 1
                guard let expected = FixtureLoader.string(outcome["expected"]) else {
                    guard case .object(let error)? = outcome["error"], case .failure(let thrown) = result else {
                        Issue.record("\(templateFile) \(FixtureLoader.string(conversation["name"]) ?? "?"): expected an error")
                        continue
                    }
                    #expect((thrown as? JinjaError)?.message == FixtureLoader.string(error["message"]))
                    continue
                }
                let output = try result.get()
                #expect(output == expected, "\(templateFile) \(FixtureLoader.string(conversation["name"]) ?? "?")")
            }
        }
        #expect(checked >= 10)
    }
}
