import Foundation
import Testing
@testable import OmniJinja

/// Small templates covering one language feature each (whitespace control, literals, operators,
/// filters, tests, loops, scoping, macros, errors), compared with Python jinja2's output.
@Suite struct LanguageFixtureTests {
    @Test func snippetsMatchJinja2() throws {
        let cases = FixtureLoader.cases(try FixtureLoader.json("language_cases.json"))
        #expect(cases.count >= 100)
        var passed = 0
        for testCase in cases {
            let source = FixtureLoader.string(testCase["source"]) ?? ""
            if case .object(let error)? = testCase["error"], FixtureLoader.string(error["type"]) == "TemplateSyntaxError" {
                do {
                    _ = try Template(source)
                    Issue.record("\(source.debugDescription): parsed, but jinja2 reports a syntax error")
                } catch JinjaError.syntax(_, let line, _, _) {
                    if case .int(let expectedLine)? = error["line"], expectedLine != line {
                        Issue.record("\(source.debugDescription): syntax error on line \(line), jinja2 says line \(expectedLine)")
                    } else {
                        passed += 1
                    }
                }
                continue
            }
            let template: Template
            do {
                template = try Template(source)
            } catch {
                Issue.record("\(source.debugDescription): failed to parse: \(error.localizedDescription)")
                continue
            }
            let verdict = CaseVerdict.check(template, testCase)
            if verdict.passed {
                passed += 1
            } else {
                Issue.record("\(source.debugDescription): \(verdict.detail)")
            }
        }
        print("[jinja-fixtures] language snippets: \(passed)/\(cases.count) match jinja2")
    }
}
