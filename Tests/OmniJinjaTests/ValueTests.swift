import Foundation
import Testing
@testable import OmniJinja

/// The JSON reader, key order, and Python-style printing of values.
@Suite struct ValueTests {
    @Test func jsonKeepsKeyOrder() throws {
        let value = try Value.parseJSON(#"{"zeta": 1, "alpha": {"y": [true, null, 2.5, -3], "b": "\u00e9\ud83d\ude00\n"}}"#)
        guard case .object(let object) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(object.keys == ["zeta", "alpha"])
        guard case .object(let inner)? = object["alpha"] else {
            Issue.record("expected a nested object")
            return
        }
        #expect(inner.keys == ["y", "b"])
        #expect(inner["b"] == .string("é😀\n"))
        #expect(inner["y"] == .array([.bool(true), .none, .double(2.5), .int(-3)]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01x", "tru", "[1] 2", "\"\u{1}\"", "-", "1.", "1e"])
    func malformedJSONIsRejected(_ text: String) {
        #expect(throws: JinjaError.self) { try Value.parseJSON(text) }
    }

    @Test func jsonObjectFromFoundation() throws {
        let data = Data(#"{"b": [1, 2.5, true, null, "s"], "a": {}}"#.utf8)
        let value = Value(jsonObject: try JSONSerialization.jsonObject(with: data))
        #expect(value == .object(OrderedObject([("a", .object(OrderedObject())), ("b", [1, 2.5, true, .none, "s"])])))
    }

    @Test func printsLikePython() throws {
        let template = try Template("{{ v }}")
        let cases: [(Value, String)] = [
            (.bool(true), "True"), (.none, "None"), (.double(1), "1.0"), (.double(1e16), "1e+16"), (.double(0.0001), "0.0001"),
            (.double(1e-5), "1e-05"), (.double(123.456), "123.456"), (.double(-0.0), "-0.0"), (.int(-7), "-7"),
            (["a", 1, .none, ["k": "it's"]], "['a', 1, None, {'k': \"it's\"}]"), (.undefined, ""),
        ]
        for (value, expected) in cases {
            #expect(try template.render(["v": value]) == expected)
        }
    }

    @Test func tojsonKeepsOrderAndUnicode() throws {
        let tools = try Value.parseJSON(#"{"name": "f", "description": "température <b>", "parameters": {"type": "object"}}"#)
        let output = try Template("{{ t | tojson }}|{{ t | tojson(indent=2) }}").render(["t": tools])
        #expect(output == """
        {"name": "f", "description": "température <b>", "parameters": {"type": "object"}}|{
          "name": "f",
          "description": "température <b>",
          "parameters": {
            "type": "object"
          }
        }
        """)
    }
}
