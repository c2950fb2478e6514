import Foundation
import Testing
@testable import OmniJinja

/// Randomly mutated templates (see `Scripts/jinja/make_differential_fixtures.py`): wherever
/// jinja2 rendered, we render the same text; where it failed, we fail the same way.
@Suite struct DifferentialFixtureTests {
    /// Keeps issue messages short: mutants of whole chat templates are long.
    func excerpt(_ text: String) -> String {
        text.count <= 160 ? text.debugDescription : String(text.prefix(160)).debugDescription + "…"
    }

    @Test func mutantsAgreeWithJinja2() throws {
        // A larger campaign made with --out can be checked by pointing OMNI_JINJA_DIFFERENTIAL at it.
        let document: Value
        if let path = ProcessInfo.processInfo.environment["OMNI_JINJA_DIFFERENTIAL"] {
            document = try Value.parseJSON(try String(contentsOfFile: path, encoding: .utf8))
        } else {
            document = try FixtureLoader.json("differential_cases.json")
        }
        guard case .object(let root) = document else {
            Issue.record("differential fixture is not an object")
            return
        }
        let context = FixtureLoader.context(root["context"])
        let cases = FixtureLoader.cases(document)
        #expect(cases.count >= 500)
        var passed = 0
        for testCase in cases {
            let source = FixtureLoader.string(testCase["source"]) ?? ""
            let parsed = Result { try Template(source) }
            if case .object(let error)? = testCase["syntax_error"] {
                if case .failure(JinjaError.syntax(_, let line, _, _)) = parsed {
                    if case .int(let expectedLine)? = error["line"], expectedLine != 0, expectedLine != line {
                        Issue.record("\(excerpt(source)): syntax error on line \(line), jinja2 says \(expectedLine)")
                    } else {
                        passed += 1
                    }
                } else {
                    Issue.record("\(excerpt(source)): jinja2 reports a syntax error (\(FixtureLoader.string(error["message"]) ?? "")), we did not")
                }
                continue
            }
            let template: Template
            switch parsed {
            case .success(let t): template = t
            case .failure(let error):
                Issue.record("\(excerpt(source)): jinja2 parses it, we report \(error.localizedDescription)")
                continue
            }
            var withContext = testCase
            withContext["context"] = .object(OrderedObject(context.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
            let verdict = CaseVerdict.check(template, withContext, exactMessages: false)
            if verdict.passed {
                passed += 1
            } else {
                Issue.record("\(excerpt(source)): \(verdict.detail.prefix(400))")
            }
        }
        print("[jinja-fixtures] differential mutants: \(passed)/\(cases.count) agree with jinja2")
    }
}
