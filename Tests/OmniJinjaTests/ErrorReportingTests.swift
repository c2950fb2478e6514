import Foundation
import Testing
@testable import OmniJinja

/// Errors name the template and the line (and for syntax errors the column) that failed.
@Suite struct ErrorReportingTests {
    @Test func syntaxErrorsGiveLineAndColumn() {
        do {
            _ = try Template("line one\nline two\n  {{ 1 + }}", name: "chat.jinja")
            Issue.record("expected a syntax error")
        } catch let JinjaError.syntax(name, line, column, message) {
            #expect(name == "chat.jinja")
            #expect(line == 3)
            #expect(column == 10)
            #expect(message.contains("end of print statement"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unclosedBlockNamesWhatIsMissing() {
        #expect(throws: JinjaError.self) { try Template("{% for x in y %}\n{{ x }}") }
        do {
            _ = try Template("{% for x in y %}\n{{ x }}")
        } catch {
            #expect(error.localizedDescription.contains("endfor"))
        }
    }

    @Test func runtimeErrorsGiveTheFailingLine() throws {
        let template = try Template("first\n{% set a = 1 %}\n{{ a + 'text' }}\n", name: "t")
        do {
            _ = try template.render([:])
            Issue.record("expected a runtime error")
        } catch let JinjaError.runtime(name, line, message) {
            #expect(name == "t")
            #expect(line == 3)
            #expect(message.contains("unsupported operand"))
        }
    }

    @Test func undefinedAttributeErrorNamesTheExpression() throws {
        let template = try Template("ok\n\n{{ missing.field }}")
        do {
            _ = try template.render([:])
            Issue.record("expected a runtime error")
        } catch let JinjaError.runtime(_, line, message) {
            #expect(line == 3)
            #expect(message.contains("missing"))
        }
    }

    @Test func raiseExceptionCarriesTheTemplateMessage() throws {
        let template = try Template("{{ raise_exception('Roles must alternate ' ~ n) }}")
        #expect(throws: JinjaError.raised(message: "Roles must alternate 3")) { try template.render(["n": 3]) }
        #expect((try? template.render(["n": 3])) == nil)
        do {
            _ = try template.render(["n": 3])
        } catch {
            #expect(error.localizedDescription == "Roles must alternate 3")
        }
    }

    @Test func strftimeNowUsesThePinnedClock() throws {
        let template = try Template("{{ strftime_now('%d %b %Y') }}")
        #expect(try template.render([:], now: FixtureLoader.pinnedNow, timeZone: FixtureLoader.utc) == "07 Mar 2026")
    }
}
