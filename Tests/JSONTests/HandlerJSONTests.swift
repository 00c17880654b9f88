import Foundation
import JSON
import XCTest

/// The handlers' former JSON tests (moved from LambdaRuntimeTests): the value the handler reads and writes,
/// checked against RFC 8259 and against Foundation's JSONSerialization (Foundation in the tests only).
final class HandlerJSONTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let document = try JSON(parsing: #" { "s": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -12.5e+3, "i": 42, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}], "o": {"k": "v"} } "#)
        XCTAssertEqual(document["s"], .string("a\"b\\c/d\n\té😀"))
        XCTAssertEqual(document["n"], .number("-12.5e+3"))
        XCTAssertEqual(document["i"]?.intValue, 42)
        XCTAssertEqual(document["z"]?.intValue, 0)
        XCTAssertNil(document["n"]?.intValue, "not an integer")
        XCTAssertEqual(document["t"], .bool(true))
        XCTAssertEqual(document["f"], .bool(false))
        XCTAssertEqual(document["x"], .null)
        XCTAssertEqual(document["a"], .array([.number("1"), .array([]), .object([:])]))
        XCTAssertEqual(document["o"]?["k"]?.stringValue, "v")
        XCTAssertNil(document["missing"])
        XCTAssertNil(document["s"]?["k"], "a string has no members")
        XCTAssertEqual(try JSON(parsing: "\"模型 café\""), .string("模型 café"), "raw UTF-8 is kept")
        XCTAssertEqual(try JSON(parsing: #"{"k": 1, "k": 2}"#)["k"], .number("2"), "the last of a repeated key wins")
    }

    func testRefusesWhatIsNotJSON() {
        let cases: [(String, String)] = [
            ("", "unexpected end of input"),
            ("hello", "unexpected character 'h'"),
            ("nope", "expected 'null'"),
            ("{\"a\": 1,}", "expected a key in double quotes"),
            ("[1, 2", "expected ',' or ']'"),
            ("{\"a\" 1}", "expected ':'"),
            ("{} {}", "unexpected text after the top-level value"),
            ("\"abc", "unterminated string"),
            ("\"a\nb\"", "line break inside a string"),
            ("\"a\u{01}b\"", "control character"),
            (#""\x""#, "invalid escape '\\x'"),
            (#""\u12""#, "four hex digits"),
            (#""\ud83d""#, "high surrogate without its low surrogate"),
            (#""\ude00""#, "low surrogate without a high surrogate"),
            ("01", "leading zeros"),
            ("-", "expected a digit"),
            ("1.", "expected a digit after '.'"),
            ("1e", "expected a digit in the exponent"),
            ("tru", "expected 'true'"),
            (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), "nested deeper than 256 levels"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try JSON(parsing: text), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try JSON(parsing: [0x22, 0xC3, 0x28, 0x22]), "invalid UTF-8 in a string")
        do {
            _ = try JSON(parsing: "[1, x]")
            XCTFail("parsed")
        } catch {
            XCTAssertEqual(error.offset, 4, "the offset points at the offending byte")
        }
    }

    func testWritesCompactSortedEscapedJSON() throws {
        let value = JSON.object([
            "statusCode": .int(200), "value": .string("s3://b/a \"q\" \\ \n\t\u{01}é"), "none": .null,
            "list": .array([.bool(true), .bool(false), .number("1.5")]), "empty": .object([:]),
        ])
        XCTAssertEqual(value.serialized,
                       #"{"empty":{},"list":[true,false,1.5],"none":null,"statusCode":200,"value":"s3://b/a \"q\" \\ \n\t\u0001é"}"#)
        XCTAssertEqual(try JSON(parsing: value.bytes), value, "what is written parses back to the same value")
        // Foundation reads it the same way.
        let foundation = try JSONSerialization.jsonObject(with: Data(value.bytes)) as? [String: Any]
        XCTAssertEqual(foundation?["value"] as? String, "s3://b/a \"q\" \\ \n\t\u{01}é")
        XCTAssertEqual(foundation?["statusCode"] as? Int, 200)
    }

    func testAgreesWithJSONSerializationOnAwkwardStrings() throws {
        let strings = ["", "plain", "quote \" backslash \\ slash /", "controls \u{00}\u{1F}\u{7F}", "emoji 😀 and 模型", "\u{2028}\u{2029}"]
        for text in strings {
            let ours = JSON.string(text).bytes
            let decoded = try JSONSerialization.jsonObject(with: Data(ours), options: .fragmentsAllowed) as? String
            XCTAssertEqual(decoded, text)
            let theirs = try JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed)
            XCTAssertEqual(try JSON(parsing: Array(theirs)), .string(text))
        }
    }
}
