@testable import CloudFormation
import JSON
import Testing

/// The template side of the one JSON: the template writer escapes strings exactly as `JSON`'s canonical writer, and
/// `TemplateJSON` reads templates back through `JSON` (strict, in file order, integers kept apart from doubles).
@Suite struct TemplateJSONTests {
    @Test func theTemplateWriterEscapesStringsLikeTheJSONWriter() {
        let strings = ["", "plain", "quote \" backslash \\ slash /", "\u{00}\u{01}\u{08}\u{09}\u{0A}\u{0C}\u{0D}\u{1F}\u{7F}",
                       "emoji 😀 模型 é", "\u{2028}\u{2029}", "${AWS::Region}"]
        for text in strings {
            // The template writer's public entry point: the value and a final newline.
            let template = String(JSONWriter.write(.string(text)).dropLast())
            var json = ""
            JSON.writeString(text, to: &json)
            #expect(template == json, "\(text.debugDescription)")
        }
    }

    @Test func readsTemplatesStrictlyAndInFileOrder() throws {
        let value = try TemplateJSON.parse(#"{"Z": 1, "A": [2.5, -0, 1e2, "s", true, null], "M": {}}"#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["Z", "A", "M"])
        #expect(TemplateJSON.compact(value) == #"{"Z": 1, "A": [2.5, 0, 100, "s", true, null], "M": {}}"#)
        guard case .integer(1) = members[0].1 else { Issue.record("1 is an integer"); return }
        #expect(throws: JSONError.self) { try TemplateJSON.parse("{\"a\": 1, \"a\": 2}") }
        do {
            _ = try TemplateJSON.parse("{\n  \"a\": [1,\n  ]}")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "line 3, column 3: unexpected character ']', expected a value")
        }
    }
}
