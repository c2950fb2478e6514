import Foundation
import Testing
@testable import OmniJinja

/// Bad templates and hostile inputs must give errors, never crashes or hangs.
@Suite struct RobustnessTests {
    func expectError(_ source: String, context: [String: Value] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let template = try Template(source)
            _ = try template.render(context)
            Issue.record("expected an error for \(source.prefix(60).debugDescription)", sourceLocation: sourceLocation)
        } catch {
            #expect(!error.localizedDescription.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func deepExpressionNestingIsRefused() {
        expectError("{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}")
        expectError("{{ " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + " }}")
        expectError("{{ " + String(repeating: "not ", count: 5000) + "1 }}")
        expectError("{{ " + String(repeating: "-", count: 5000) + "1 }}")
        expectError(String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000))
    }

    @Test func moderateNestingStillWorks() throws {
        let depth = 40
        let source = "{{ " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + " }}"
        #expect(try Template(source).render([:]) == "1")
        let ifs = String(repeating: "{% if true %}", count: depth) + "x" + String(repeating: "{% endif %}", count: depth)
        #expect(try Template(ifs).render([:]) == "x")
    }

    @Test func endlessMacroRecursionStops() {
        expectError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
    }

    @Test func hugeLoopsAndOutputsStop() {
        expectError("{% for i in range(100000000) %}{% endfor %}")
        let start = Date()
        expectError("{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}")
        #expect(Date().timeIntervalSince(start) < 60, "the step limit should stop a runaway loop quickly")
        expectError("{{ 'x' * 100000000 }}")
        expectError("{{ 2 ** 200 }}")
    }

    @Test func deepJSONIsRefused() {
        #expect(throws: JinjaError.self) { try Value.parseJSON(String(repeating: "[", count: 100_000)) }
        #expect(throws: JinjaError.self) { try Value.parseJSON("{\"a\": [1, 2,]}") }
    }
}

extension RobustnessTests {
    @Test func deeplyNestedValuesAreRefused() {
        expectError("{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}")
        expectError("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}")
    }

    @Test func valuesNearTheDepthLimitStillWork() throws {
        let source = "{% set ns = namespace(x=[]) %}{% for i in range(200) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x | tojson | length }}"
        #expect(try Template(source).render([:]) == "402")
        let deep = String(repeating: "[", count: 250) + String(repeating: "]", count: 250)
        #expect(try Template("{{ x | tojson }}").render(["x": try Value.parseJSON(deep)]) == deep)
    }
}

extension RobustnessTests {
    @Test func macroEscapingIntoACallersNamespaceDoesNotCrash() throws {
        let namespace = Namespace()
        _ = try Template("{% macro m() %}x{% endmacro %}{% set ns.f = m %}").render(["ns": .namespace(namespace)])
        guard case .function(let escaped)? = namespace.attributes["f"] else {
            Issue.record("the macro was not stored")
            return
        }
        #expect(throws: (any Error).self) { try escaped.call(Arguments()) }
    }
}
