import Foundation
import Testing
@testable import OmniJinja

/// Reads the committed fixtures that `Scripts/jinja/make_fixtures.py` generated with Python jinja2.
enum FixtureLoader {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    static func directory() throws -> URL {
        guard let base = Bundle.module.resourceURL else { throw LoadError(description: "test bundle has no resources") }
        return base.appendingPathComponent("Fixtures")
    }

    static func json(_ relativePath: String) throws -> Value {
        let url = try directory().appendingPathComponent(relativePath)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try Value.parseJSON(text)
    }

    static func caseFiles() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: try directory().appendingPathComponent("cases").path)
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func templateSource(_ file: String) throws -> String {
        try String(contentsOf: try directory().appendingPathComponent("templates").appendingPathComponent(file), encoding: .utf8)
    }

    /// The clock the fixtures were rendered with: 2026-03-07 09:05:04, read in UTC.
    static let pinnedNow = Date(timeIntervalSince1970: 1_772_874_304)
    static let utc = TimeZone(identifier: "UTC") ?? .current

    static func context(_ value: Value?) -> [String: Value] {
        guard case .object(let object)? = value else { return [:] }
        var context: [String: Value] = [:]
        for (key, value) in object.pairs { context[key] = value }
        return context
    }

    static func string(_ value: Value?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }

    static func cases(_ document: Value) -> [OrderedObject] {
        guard case .object(let root) = document, case .array(let items)? = root["cases"] else { return [] }
        return items.compactMap { if case .object(let o) = $0 { return o } else { return nil } }
    }
}

/// What rendering one fixture case gave, compared with what jinja2 gave.
struct CaseVerdict {
    let passed: Bool
    let detail: String

    /// Renders `context` and compares with the case's `expected` text, or checks that rendering
    /// fails when jinja2 failed (with the same message when the template raised it itself).
    /// With `exactMessages`, every error must carry jinja2's message; otherwise only messages of
    /// `raise_exception` must match, and other errors just have to happen.
    static func check(_ template: Template, _ testCase: OrderedObject, exactMessages: Bool = true) -> CaseVerdict {
        let context = FixtureLoader.context(testCase["context"])
        let result = Result { try template.render(context, now: FixtureLoader.pinnedNow, timeZone: FixtureLoader.utc) }
        if let expected = FixtureLoader.string(testCase["expected"]) {
            switch result {
            case .success(let output):
                if output == expected { return CaseVerdict(passed: true, detail: "") }
                return CaseVerdict(passed: false, detail: "output differs:\n--- expected\n\(expected)\n--- got\n\(output)")
            case .failure(let error):
                return CaseVerdict(passed: false, detail: "threw \(error.localizedDescription), expected output")
            }
        }
        guard case .object(let error)? = testCase["error"] else { return CaseVerdict(passed: false, detail: "malformed case") }
        let type = FixtureLoader.string(error["type"]) ?? ""
        let message = FixtureLoader.string(error["message"]) ?? ""
        switch result {
        case .success(let output):
            return CaseVerdict(passed: false, detail: "rendered \(output.debugDescription), expected \(type): \(message)")
        case .failure(let thrown):
            if type == "TemplateError" {
                guard case JinjaError.raised(let got)? = thrown as? JinjaError, got == message else {
                    return CaseVerdict(passed: false, detail: "expected raise_exception(\(message.debugDescription)), got \(thrown)")
                }
            } else if let got = (thrown as? JinjaError)?.message, got != message {
                if exactMessages {
                    return CaseVerdict(passed: false, detail: "expected \(type): \(message.debugDescription), got \(got.debugDescription)")
                }
                if ProcessInfo.processInfo.environment["OMNI_JINJA_MESSAGES"] != nil {
                    print("[jinja-message] \(type): expected \(message.debugDescription), got \(got.debugDescription)")
                }
            }
            return CaseVerdict(passed: true, detail: "")
        }
    }
}
