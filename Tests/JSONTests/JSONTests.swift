import JSON
import XCTest

/// The one JSON: RFC 8259 parsing, positions in errors, duplicate keys, ordered objects and the writers.
final class JSONTests: XCTestCase {
    // MARK: RFC 8259

    func testAcceptsEveryRFC8259Form() throws {
        let accepted: [(String, JSON)] = [
            ("null", .null), ("true", .bool(true)), ("false", .bool(false)),
            ("0", .number("0")), ("-0", .number("-0")), ("12", .number("12")), ("-1.25", .number("-1.25")),
            ("1e5", .number("1e5")), ("1E+5", .number("1E+5")), ("2.5e-3", .number("2.5e-3")),
            (#""""#, .string("")), (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{08}\u{0C}\n\r\t")),
            (#""\u0041\u00E9\u4e2d\uD834\uDD1E""#, .string("Aé中𝄞")),
            ("[]", .array([])), ("{}", .object([:])),
            (" \t\r\n [ 1 , \"a\" , [ ] , { } ] \n", .array([.number("1"), .string("a"), .array([]), .object([:])])),
            ("\"\u{7F}\"", .string("\u{7F}")), ("\"😀\"", .string("😀")),
        ]
        for (text, expected) in accepted {
            XCTAssertEqual(try JSON(parsing: text), expected, text)
        }
        XCTAssertEqual(try JSON(parsing: "123456789012345678901234567890.5e-400"), .number("123456789012345678901234567890.5e-400"),
                       "numbers keep their text, whatever their range")
    }

    func testRefusesEveryNonRFC8259Form() {
        let refused = [
            "", " ", "'a'", "[1,]", "{\"a\":1,}", "{a:1}", "[1 2]", "+1", ".5", "1.", "01", "-", "0x10", "NaN", "Infinity",
            "1e", "1e+", "\"\\a\"", "\"\\u00G0\"", "\"\t\"", "\"\u{0}\"", "// c\n1", "[1]]", "{\"a\" 1}", "True", "nul",
            "\u{FEFF}{}", "{\"a\":1}x",
        ]
        for text in refused {
            XCTAssertThrowsError(try JSON(parsing: text), "accepted \(text.debugDescription)")
        }
        XCTAssertThrowsError(try JSON(parsing: [0x22, 0xFF, 0x22]), "invalid UTF-8")
        XCTAssertThrowsError(try JSON(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]), "an encoded surrogate is not UTF-8")
        XCTAssertNoThrow(try JSON(parsing: String(repeating: "[", count: 256) + String(repeating: "]", count: 256)))
        XCTAssertThrowsError(try JSON(parsing: "[[1]]", options: JSONParsingOptions(maxDepth: 1)))
    }

    // MARK: Positions

    func testErrorsNameLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": 1,\n}", 3, 1, "expected a key in double quotes"),
            ("{\"a\": tru}", 1, 7, "invalid literal, expected 'true'"),
            ("{\"a\": 01}", 1, 7, "numbers must not have leading zeros"),
            ("{\"é\": [1, 2", 1, 12, "unexpected end of input, expected ',' or ']'"),
            ("[1] x", 1, 5, "unexpected text after the top-level value"),
            ("{\"a\": \"line\nbreak\"}", 1, 12, "unterminated string (line break inside a string)"),
            ("[\n\n   \"模型\", @]", 3, 10, "unexpected character '@', expected a value"),
            ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}' after the value of \"a\""),
            ("\r\n\t[1,\n 2,,]", 3, 4, "unexpected character ',', expected a value"),
        ]
        for (text, line, column, reason) in cases {
            XCTAssertThrowsError(try JSON(parsing: text), text) { error in
                guard let error = error as? JSONError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.line, line, text)
                XCTAssertEqual(error.column, column, text)
                XCTAssertEqual(error.reason, reason, text)
                XCTAssertEqual(error.description, "line \(line), column \(column): \(reason)")
            }
        }
    }

    func testLocatedValuesKnowWhereTheyStart() throws {
        let text = """
        {
          "name": "模型",
          "sizes": [1,
                    2.5],
          "nested": {"on": true, "off": null}
        }
        """
        let root = try LocatedJSON(parsing: text)
        XCTAssertEqual([root.line, root.column], [1, 1])
        guard case .object(let members) = root.node else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["name", "sizes", "nested"], "document order")
        XCTAssertEqual([members[0].value.line, members[0].value.column], [2, 11])
        guard case .array(let sizes) = members[1].value.node else { return XCTFail("not an array") }
        XCTAssertEqual(sizes.map { [$0.line, $0.column] }, [[3, 13], [4, 13]])
        XCTAssertEqual(root["nested"]?["off"].map { [$0.line, $0.column] }, [5, 33])
        XCTAssertEqual(root["nested"]?["off"]?.value, .null)
        XCTAssertEqual(root.value, .object(["name": .string("模型"), "sizes": .array([.number("1"), .number("2.5")]),
                                            "nested": .object(["on": .bool(true), "off": .null])]))
        XCTAssertEqual(root.value.objectValue?.keys, ["name", "sizes", "nested"])
    }

    // MARK: Duplicate keys

    func testDuplicateKeysKeepTheLastOrAreRefused() throws {
        let text = "{\"k\": 1, \"j\": 2,\n \"k\": 3}"
        let lenient = try JSON(parsing: text)
        XCTAssertEqual(lenient["k"], .number("3"), "the last value wins")
        XCTAssertEqual(lenient.objectValue?.keys, ["k", "j"], "at the key's first position")
        for parse in [{ _ = try JSON(parsing: text, options: .strict) }, { _ = try LocatedJSON(parsing: text) }] {
            XCTAssertThrowsError(try parse()) { error in
                XCTAssertEqual("\(error)", "line 2, column 2: duplicate key \"k\"", "pointing at the repeated key")
            }
        }
        XCTAssertNoThrow(try JSON(parsing: "[{\"k\": 1}, {\"k\": 2}]", options: .strict), "the same key in two objects is fine")
        XCTAssertThrowsError(try JSON(parsing: "{\"a\": {\"b\": 1, \"b\": 1}}", options: .strict), "nested objects too")
        XCTAssertEqual(try LocatedJSON(parsing: text, options: .lenient).value["k"], .number("3"))
    }

    // MARK: Ordered objects

    func testObjectsKeepDocumentAndConstructionOrder() throws {
        let parsed = try JSON(parsing: #"{"z": 1, "a": 2, "m": {"y": 1, "b": 2}}"#)
        XCTAssertEqual(parsed.objectValue?.keys, ["z", "a", "m"])
        XCTAssertEqual(parsed["m"]?.objectValue?.keys, ["y", "b"])
        XCTAssertEqual(parsed.objectValue.map { $0.map(\.key) }, ["z", "a", "m"], "iteration as (key, value) in order")
        XCTAssertEqual(parsed.serialized(.ordered), #"{"z":1,"a":2,"m":{"y":1,"b":2}}"#)

        let literal = JSON.object(["b": .int(1), "a": .int(2)])
        XCTAssertEqual(literal.objectValue?.keys, ["b", "a"], "a dictionary literal keeps its order")
        let dictionary: [String: JSON] = ["b": .int(1), "a": .int(2), "c": .null]
        XCTAssertEqual(JSON.object(dictionary).objectValue?.keys, ["a", "b", "c"], "a dictionary's members are ordered by key")
        XCTAssertEqual(JSON.object(dictionary.mapValues { $0 }), JSON.object(["c": .null, "a": .int(2), "b": .int(1)]))
    }

    func testObjectReadsAndWritesLikeADictionary() {
        var object: JSONObject = ["one": .int(1), "two": .int(2)]
        XCTAssertEqual(object.count, 2)
        XCTAssertFalse(object.isEmpty)
        XCTAssertTrue(JSONObject().isEmpty)
        XCTAssertEqual(object["two"], .int(2))
        XCTAssertNil(object["three"])
        object["three"] = .int(3)
        object["one"] = .string("uno")
        XCTAssertEqual(object.keys, ["one", "two", "three"], "replacing keeps the position, adding appends")
        XCTAssertEqual(object.values, [.string("uno"), .int(2), .int(3)])
        object["two"] = nil
        XCTAssertEqual(object.keys, ["one", "three"])
        XCTAssertEqual(object["three"], .int(3), "lookups still work after a removal")
        XCTAssertEqual(object.removeValue(forKey: "one"), .string("uno"))
        XCTAssertNil(object.removeValue(forKey: "one"))
        var pairs: [String] = []
        for (key, value) in object { pairs.append("\(key)=\(value.intValue ?? 0)") }
        XCTAssertEqual(pairs, ["three=3"])
        XCTAssertEqual(JSONObject([("b", .null), ("a", .null)]).sortedByKey().keys, ["a", "b"])
        XCTAssertEqual(JSONObject(["x": JSON.int(1)]).mapValues { .string($0.serialized) }["x"], .string("1"))
        XCTAssertEqual(JSONObject([("k", .int(1))]).dictionary, ["k": .int(1)])
        XCTAssertTrue(object.contains(key: "three"))
        let numbers: JSONObject = ["a": .int(1), "b": .int(2), "c": .int(3)]
        XCTAssertEqual(numbers.filter { $0.value != .int(2) }.keys, ["a", "c"], "filter gives an object, in order")
        XCTAssertEqual(JSON.object(numbers.filter { $0.key == "a" }), .object(["a": .int(1)]))
        let merged = numbers.merging(["b": .int(20), "d": .int(4)]) { _, new in new }
        XCTAssertEqual(merged.keys, ["a", "b", "c", "d"])
        XCTAssertEqual(merged["b"], .int(20))
        XCTAssertEqual(numbers.merging(["a": .int(9)]) { old, _ in old }["a"], .int(1))
    }

    func testLargeObjectsKeepOrderAndFindKeys() throws {
        let text = "{" + (0..<500).map { "\"k\(499 - $0)\": \($0)" }.joined(separator: ", ") + ", \"k7\": -1}"
        let value = try JSON(parsing: text)
        var object = try XCTUnwrap(value.objectValue)
        XCTAssertEqual(object.count, 500)
        XCTAssertEqual(object.keys.prefix(3), ["k499", "k498", "k497"])
        XCTAssertEqual(object["k7"], .number("-1"), "a repeated key in a large object keeps its last value")
        XCTAssertEqual(object["k0"], .number("499"))
        XCTAssertThrowsError(try JSON(parsing: text, options: .strict)) { XCTAssertEqual(($0 as? JSONError)?.reason, "duplicate key \"k7\"") }
        for index in stride(from: 0, to: 500, by: 2) { object["k\(index)"] = nil }
        XCTAssertEqual(object.count, 250)
        XCTAssertNil(object["k0"])
        XCTAssertEqual(object["k1"], .number("498"), "lookups after removals")
        object["new"] = .null
        XCTAssertEqual(object.keys.last, "new")
        XCTAssertTrue(object.contains(key: "k1"))
        XCTAssertFalse(object.contains(key: "k0"))
        XCTAssertEqual(object, object.sortedByKey(), "equality ignores order")
        XCTAssertEqual(JSONObject(object.dictionary), object.sortedByKey())
    }

    func testEqualityIgnoresKeyOrderButNotNumberText() {
        XCTAssertEqual(JSON.object(["a": .int(1), "b": .null]), .object(["b": .null, "a": .int(1)]))
        XCTAssertNotEqual(JSON.object(["a": .int(1)]), .object(["a": .int(1), "b": .null]))
        XCTAssertNotEqual(JSON.object(["a": .int(1)]), .object(["b": .int(1)]))
        XCTAssertNotEqual(JSON.array([.int(1), .int(2)]), .array([.int(2), .int(1)]), "arrays are ordered")
        XCTAssertNotEqual(JSON.number("1"), .number("1.0"), "numbers compare by their text")
    }

    func testAccessors() throws {
        let value = try JSON(parsing: #"{"s": "x", "i": -7, "d": 2.5, "b": false, "n": null, "a": [true]}"#)
        XCTAssertEqual(value["s"]?.stringValue, "x")
        XCTAssertEqual(value["i"]?.intValue, -7)
        XCTAssertNil(value["d"]?.intValue)
        XCTAssertEqual(value["d"]?.doubleValue, 2.5)
        XCTAssertEqual(value["b"]?.boolValue, false)
        XCTAssertEqual(value["n"]?.isNull, true)
        XCTAssertEqual(value["a"]?[0], .bool(true))
        XCTAssertNil(value["a"]?[1])
        XCTAssertEqual(value["a"]?.arrayValue?.count, 1)
        XCTAssertNil(value["s"]?.arrayValue)
        XCTAssertEqual(value.objectValue?.count, 6)
        XCTAssertEqual(["s", "i", "b", "n", "a"].map { value[$0]!.kind }, ["a string", "a number", "a boolean", "null", "an array"])
        XCTAssertEqual(value.kind, "an object")
        XCTAssertNil(JSON.number("1e999").doubleValue, "not finite")
    }

    // MARK: Writing

    func testCanonicalWriterSortsKeysAndIsCompact() throws {
        let value = try JSON(parsing: #"{"b": [1, {"d": null, "c": "\u0001/é"}], "a": true, "B": 1e3}"#)
        XCTAssertEqual(value.serialized, #"{"B":1e3,"a":true,"b":[1,{"c":"\u0001/é","d":null}]}"#)
        XCTAssertEqual(value.bytes, Array(value.serialized.utf8))
        XCTAssertEqual(JSON.object([:]).serialized, "{}")
        XCTAssertEqual(JSON.array([]).serialized, "[]")
        XCTAssertEqual(JSON.string("\u{08}\u{0C}\u{1F}\u{7F}\u{2028}").serialized, "\"\\b\\f\\u001f\u{7F}\u{2028}\"")
    }

    func testPrettyWriterKeepsOrderAndIndents() throws {
        let value = try JSON(parsing: #"{"z": [1, 2], "a": {}, "e": [], "o": {"k": "v"}}"#)
        XCTAssertEqual(value.serialized(.pretty), """
        {
          "z": [
            1,
            2
          ],
          "a": {},
          "e": [],
          "o": {
            "k": "v"
          }
        }
        """)
        XCTAssertEqual(value.serialized(JSONStyle(sortedKeys: true, indent: 1)).split(separator: "\n").first.map(String.init), "{")
        XCTAssertEqual(try JSON(parsing: value.serialized(.pretty)), value)
    }

    func testRoundTrips() throws {
        let documents = [
            #"{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"models/a%20b.tar.gz","size":1024}}}]}"#,
            #"[null,true,false,0,-0.5,1E-7,"",{"":{"":[]}}]"#,
            #"{"text":"模型 café 😀 \"q\" \\ \n\t","n":123456789012345678901234567890}"#,
        ]
        for text in documents {
            let value = try JSON(parsing: text)
            XCTAssertEqual(value.serialized(.ordered), text, "ordered compact output is the input")
            XCTAssertEqual(try JSON(parsing: value.serialized), value)
            XCTAssertEqual(try JSON(parsing: value.serialized(.pretty)).serialized(.ordered), text)
            XCTAssertEqual(try LocatedJSON(parsing: text).value.serialized(.ordered), text)
        }
    }
}

/// Literals, for tests and small documents built in code.
final class JSONLiteralTests: XCTestCase {
    func testLiteralsBuildValuesInOrder() {
        let value: JSON = ["type": "object", "max": 12, "ratio": 2.5, "strict": true, "required": ["Id", 1], "none": .null, "nested": ["z": [:], "a": []]]
        XCTAssertEqual(value, .object([
            "type": .string("object"), "max": .number("12"), "ratio": .number("2.5"), "strict": .bool(true),
            "required": .array([.string("Id"), .number("1")]), "none": .null, "nested": .object(["z": .object([:]), "a": .array([])]),
        ]))
        XCTAssertEqual(value.objectValue?.keys, ["type", "max", "ratio", "strict", "required", "none", "nested"])
        XCTAssertEqual(value["nested"]?.objectValue?.keys, ["z", "a"])
        XCTAssertEqual(value.serialized(.ordered), #"{"type":"object","max":12,"ratio":2.5,"strict":true,"required":["Id",1],"none":null,"nested":{"z":{},"a":[]}}"#)
        let small: JSON = 0.1
        XCTAssertEqual(small, .number("0.1"))
    }
}
