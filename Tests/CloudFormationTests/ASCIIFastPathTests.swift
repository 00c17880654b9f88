@testable import CloudFormation
import Foundation
import XCTest

/// The byte-level fast paths give what the Foundation and Unicode-property code they replace gave.
final class ASCIIFastPathTests: XCTestCase {
    static let texts = ["", "$", "{", "${", "$${", "${${", "${!", "a${b}c", "$ {", "{$", "price: $5", "x$", "${AWS::Region}",
                        "bench-12-", "model-bucket", "ünï${", "é", "名前-$-{", "a\u{0301}${x}", "$\u{0301}{", "${\u{0301}", "\n${\t}",
                        String(repeating: "${", count: 50), "Resource", "my_id.2", "9lives", "a--b__c", "ABC def", "x/y/z"]

    func testSubEscapeMatchesFoundation() {
        for text in Self.texts {
            XCTAssertEqual(SubInterpolation.escape(text), text.replacingOccurrences(of: "${", with: "${!"), text.debugDescription)
        }
    }

    /// The implementation before the byte version (Unicode scalar properties, `Character.uppercased()`).
    static func referenceSanitize(_ id: String) -> String {
        var result = ""
        var upperNext = false
        for scalar in id.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                let character = Character(scalar)
                result.append(upperNext ? Character(character.uppercased()) : character)
                upperNext = false
            } else {
                upperNext = !result.isEmpty
            }
        }
        return result
    }

    func testLogicalIDSanitizeAndValidityMatchTheScalarVersion() {
        for text in Self.texts + (0..<128).map { "a\(Character(Unicode.Scalar(UInt8($0))))b" } + [String(repeating: "a", count: 255), String(repeating: "a", count: 256)] {
            XCTAssertEqual(LogicalID.sanitize(text), Self.referenceSanitize(text), text.debugDescription)
            let reference = !text.isEmpty && text.count <= 255
                && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
            XCTAssertEqual(LogicalID.isValid(text), reference, text.debugDescription)
        }
    }

    /// The byte scan of Fn::Sub placeholders gives what the character scan with Foundation's search gives, on
    /// any text where it answers, and it answers on all ASCII text and on non-ASCII text away from the delimiters.
    func testSubPlaceholderByteScanMatchesTheCharacterScan() {
        let pieces = ["", "$", "{", "}", "!", "${", "${!", "a", "é", "e\u{0301}", "µs", "名前", "👍🏽", "\u{0301}", "\u{200D}",
                      "\u{0600}", "\r\n", "${x}", "${AWS::Region}", "${ü}", "}${"]
        var answered = 0, deferred = 0
        for a in pieces { for b in pieces { for c in pieces {
            let text = a + b + c
            guard let bytes = SubPlaceholders.byBytes(text) else {
                deferred += 1
                XCTAssertFalse(text.utf8.allSatisfy { $0 < 0x80 }, "ASCII text is always scanned by bytes: \(text.debugDescription)")
                continue
            }
            answered += 1
            XCTAssertEqual(bytes, SubPlaceholders.byCharacters(text), text.debugDescription)
        } } }
        XCTAssertGreaterThan(answered, 5_000)
        XCTAssertGreaterThan(deferred, 1_000)
        // Non-ASCII away from the delimiters (the dashboard's "µs") stays on the byte path.
        XCTAssertEqual(SubPlaceholders.byBytes("p99 µs ${Name} ${!Literal} 名前 ${AWS::Region}"),
                       SubPlaceholders(names: ["Name", "AWS::Region"], unclosed: false))
        // A combining mark on a delimiter changes the characters, so the scan goes by characters.
        XCTAssertNil(SubPlaceholders.byBytes("${\u{0301}x}"))
        XCTAssertEqual(SubPlaceholders("${\u{0301}x}"), SubPlaceholders.byCharacters("${\u{0301}x}"))
    }

    /// Fn::Sub placeholders found by bytes in ASCII templates, by Foundation otherwise: the same diagnostics.
    func testSubPlaceholderChecksAreUnchanged() throws {
        let app = App()
        let stack = Stack(app, "S")
        let parameter = Parameter<String>(stack, "Name", default: "x")
        for (index, template) in ["${Missing}-${AWS::Region}", "${!Literal}-${V0}", "a${", "ü-${Nope}-${AWS::AccountId}", "${}"].enumerated() {
            _ = Output(stack, "Out\(index)", value: Value<String>(node: .sub(template, [("V0", parameter.value.node)])))
        }
        XCTAssertThrowsError(try app.synthesize()) { error in
            let messages = (error as? SynthesisError)?.errors.map(\.description) ?? []
            XCTAssertEqual(messages, [
                "error: S: Resources = 0: a template must have at least one resource",
                #"error: S/Out0: Value = ${Missing}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
                #"error: S/Out2: Value = "a${": Fn::Sub has an unclosed ${"#,
                #"error: S/Out3: Value = ${Nope}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
                #"error: S/Out4: Value = ${}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
            ])
        }
    }
}

/// The byte-buffer JSON writer against the String-concatenating one it replaced (kept here as the reference).
final class JSONWriterEquivalenceTests: XCTestCase {
    static func reference(_ value: TemplateValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out + "\n"
    }

    private static func write(_ value: TemplateValue, indent: Int, into out: inout String) {
        func pad(_ indent: Int) { for _ in 0..<indent { out.append("  ") } }
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): out.append(String(i))
        case .double(let d): out.append(JSONWriter.formatNumber(d))
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (index, item) in items.enumerated() {
                pad(indent + 1)
                write(item, indent: indent + 1, into: &out)
                out.append(index == items.count - 1 ? "\n" : ",\n")
            }
            pad(indent)
            out.append("]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (index, member) in members.enumerated() {
                pad(indent + 1)
                writeString(member.0, into: &out)
                out.append(": ")
                write(member.1, indent: indent + 1, into: &out)
                out.append(index == members.count - 1 ? "\n" : ",\n")
            }
            pad(indent)
            out.append("}")
        default:
            writeString(value.debugDescription, into: &out)
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    /// The writer skips eight bytes at a time: every escape at every offset of a word, next to multi-byte UTF-8.
    func testEscapesAtEveryOffsetOfAWord() {
        let specials = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\t", "\u{7F}", " ", "!", "#", "[", "]", "\u{20}", "é", "🙂"]
        for length in [7, 8, 9, 15, 16, 17, 24, 33] {
            for offset in 0..<length {
                for special in specials {
                    for filler in ["a", "ü"] {
                        var text = String(repeating: filler, count: length)
                        let index = text.index(text.startIndex, offsetBy: offset)
                        text.replaceSubrange(index...index, with: special)
                        XCTAssertEqual(JSONWriter.write(.string(text)), Self.reference(.string(text)), text.debugDescription)
                    }
                }
            }
        }
        for byte in UInt8(0)...UInt8(0x7F) {
            let word = UInt64(byte) << 40 | 0x6161_6161_6161_6161 & ~(UInt64(0xFF) << 40)
            let special = byte < 0x20 || byte == 0x22 || byte == 0x5C
            if special { XCTAssertTrue(JSONWriter.mayNeedEscape(word), "byte \(byte)") }
        }
        XCTAssertFalse(JSONWriter.mayNeedEscape(0x6161_6161_6161_6161))
        XCTAssertFalse(JSONWriter.mayNeedEscape(0xA9C3_A9C3_7A79_7877), "UTF-8 continuation bytes are not escapes")
    }

    func testSameBytesAsTheStringWriter() {
        let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let strings = ["", "plain", "quote \" backslash \\ slash /", controls, "\u{7F}", "ünïcode 名前 🙂", "a\r\nb", String(repeating: "x", count: 5000)]
        let integers = [0, 9, 10, 99, 100, 12_345, -1, -10, Int.max, Int.min]
        let doubles = [0.25, -0.5, 1e-7, 3.0, 1e300, .nan, .infinity]
        var deep: TemplateValue = .object([("leaf", .null)])
        for level in 0..<40 { deep = level % 2 == 0 ? .object([("level\(level)", deep)]) : .array([.integer(level), deep]) }
        let values: [TemplateValue] = strings.map(TemplateValue.string) + integers.map(TemplateValue.integer) + doubles.map(TemplateValue.double) + [
            .bool(true), .bool(false), .null, .array([]), .object([]), deep,
            .object(strings.map { ($0, .array(strings.map(TemplateValue.string) + integers.map(TemplateValue.integer))) }),
            .array([.object([("a", .array([.array([]), .object([])]))]), .pseudo(.region), .dynamicReference("{{resolve:ssm:/x}}")]),
        ]
        for value in values {
            XCTAssertEqual(JSONWriter.write(value), Self.reference(value))
        }
    }
}
