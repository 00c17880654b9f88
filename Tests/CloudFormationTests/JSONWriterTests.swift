import Foundation
import Testing
@testable import CloudFormation

@Suite struct CanonicalJSONWriterTests {
    @Test func sameBytesTwice() throws {
        let value: TemplateValue = ["b": [1, 2.5, "x", true, nil], "a": ["nested": ["k": []]], "c": [:]]
        #expect(JSONWriter.write(value) == JSONWriter.write(value))
        func build() -> App {
            let app = App()
            let stack = Stack(app, "Main")
            _ = Mapping(stack, "M", ["z": ["b": "1", "a": "2"], "y": ["c": "3"]])
            _ = Queue(stack, "Q", TestQueue(queueName: "q", extra: [("Tags", TemplateValue.sortedObject(["b": "2", "a": "1"]))]))
            return app
        }
        let first = try build().synthesize()
        let second = try build().synthesize()
        #expect(first.files.map(\.contents) == second.files.map(\.contents))
        #expect(first.manifest == second.manifest)
    }

    @Test func layout() {
        let value: TemplateValue = ["a": [1, ["b": "c"]], "empty": [], "emptyObject": [:], "n": nil, "t": true, "f": false]
        #expect(JSONWriter.write(value) == """
            {
              "a": [
                1,
                {
                  "b": "c"
                }
              ],
              "empty": [],
              "emptyObject": {},
              "n": null,
              "t": true,
              "f": false
            }

            """)
        #expect(JSONWriter.write("x") == "\"x\"\n")
        #expect(JSONWriter.write([]) == "[]\n")
    }

    @Test func keyOrderPreserved() {
        let value: TemplateValue = ["zeta": 1, "alpha": 2, "Mid": 3, "beta": 4]
        let text = JSONWriter.write(value)
        let positions = ["\"zeta\"", "\"alpha\"", "\"Mid\"", "\"beta\""].compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted())
        let sorted = JSONWriter.write(.sortedObject(["zeta": 1, "alpha": 2, "Mid": 3]))
        #expect(sorted == "{\n  \"Mid\": 3,\n  \"alpha\": 2,\n  \"zeta\": 1\n}\n")
    }

    @Test func escaping() {
        #expect(JSONWriter.write(.string("say \"hi\"")) == "\"say \\\"hi\\\"\"\n")
        #expect(JSONWriter.write(.string("C:\\path")) == "\"C:\\\\path\"\n")
        #expect(JSONWriter.write(.string("a/b</script>")) == "\"a/b</script>\"\n")
        #expect(JSONWriter.write(.string("é ü 日本 🚀")) == "\"é ü 日本 🚀\"\n")
        #expect(Array(JSONWriter.write(.string("é")).utf8) == [0x22, 0xC3, 0xA9, 0x22, 0x0A])
        #expect(JSONWriter.write(.string("\u{7F}")) == "\"\u{7F}\"\n")
        let short: [UInt32: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        for code in UInt32(0)..<0x20 {
            let scalar = Unicode.Scalar(code)!
            let written = JSONWriter.write(.string("x\(Character(scalar))y"))
            let expected = short[code] ?? String(format: "\\u%04x", code)
            #expect(written == "\"x\(expected)y\"\n", "control character 0x\(String(code, radix: 16))")
        }
    }

    @Test func parsesBackToTheSameStrings() throws {
        var strings = ["plain", "quote \" backslash \\ slash /", "é日本🚀", "tab\tnewline\nreturn\r", "${!x}", ""]
        strings.append(String((0..<0x20).map { Character(Unicode.Scalar(UInt32($0))!) }))
        strings.append("\u{2028}\u{2029}\u{FEFF}")
        let value = TemplateValue.object(strings.enumerated().map { ("k\($0.offset)", .string($0.element)) }
                                         + [("keys \" \\ \n é", .string("key escaping"))])
        let text = JSONWriter.write(value)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        for (index, string) in strings.enumerated() {
            #expect(parsed["k\(index)"] == string)
        }
        #expect(parsed["keys \" \\ \n é"] == "key escaping")
        #expect(!text.contains("\\/"))
    }

    @Test func numbers() {
        #expect(JSONWriter.write(.integer(42)) == "42\n")
        #expect(JSONWriter.write(.integer(-7)) == "-7\n")
        #expect(JSONWriter.write(.integer(Int.max)) == "9223372036854775807\n")
        #expect(JSONWriter.formatNumber(3) == "3")
        #expect(JSONWriter.formatNumber(-0.0) == "0")
        #expect(JSONWriter.formatNumber(0.25) == "0.25")
        #expect(JSONWriter.formatNumber(0.1) == "0.1")
        #expect(JSONWriter.formatNumber(0.1 + 0.2) == "0.30000000000000004")
        #expect(JSONWriter.formatNumber(1e-7) == "1e-07")
        #expect(JSONWriter.formatNumber(123456.789) == "123456.789")
        #expect(JSONWriter.formatNumber(.infinity) == "null")
        #expect(JSONWriter.write(.double(2.0)) == "2\n")
        #expect(JSONWriter.write(.double(1.5)) == "1.5\n")
        // Every double written reads back exactly.
        for d in [0.1, 1.0 / 3.0, 2.5e-300, 1.7976931348623157e308, 1e15, 1e16 + 2, 123456789.125, -0.5] {
            let text = JSONWriter.formatNumber(d)
            let parsed = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) as? NSNumber
            #expect(parsed?.doubleValue == d, "\(d) written as \(text)")
        }
        // Whole doubles literal in a Value print as integers.
        #expect(Value<Double>(5).node.isLiteral)
        if case .integer(5) = Value<Double>(5.0).node {} else { Issue.record("5.0 should be an integer node") }
    }

    @Test func synthesizedTemplatesEndWithOneNewline() throws {
        let app = App()
        _ = Queue(Stack(app, "Main"), "Q", TestQueue())
        let synthesis = try app.synthesize()
        for file in synthesis.files {
            #expect(file.contents.hasSuffix("}\n"))
            #expect(!file.contents.hasSuffix("\n\n"))
        }
    }
}
