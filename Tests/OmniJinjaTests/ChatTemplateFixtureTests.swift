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
}
