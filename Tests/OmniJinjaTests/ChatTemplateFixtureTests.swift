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
        let cases = FixtureLoader.cases(document)
        #expect(cases.count >= 50)
        var passed = 0
        for testCase in cases {
            let verdict = CaseVerdict.check(template, testCase)
            if verdict.passed {
                passed += 1
            } else {
                Issue.record("\(templateFile) case \(FixtureLoader.string(testCase["name"]) ?? "?"): \(verdict.detail)")
            }
        }
        print("[jinja-fixtures] \(templateFile): \(passed)/\(cases.count) cases match jinja2")
    }
}
