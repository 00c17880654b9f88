@testable import CloudFormation
import Foundation
import XCTest

/// The ICU-free pattern subset against `NSRegularExpression`: every pattern the generated resource types and
/// the pipeline config use, on values derived from each pattern (and edge cases), must give the same answer.
final class PatternMatcherTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `pattern: "…"` of the generated code and every `.pattern("…")` of the config rules, unescaped.
    static func projectPatterns() throws -> [String] {
        var sources: [URL] = []
        let generated = root.appendingPathComponent("Sources/AWSResources/Generated")
        for name in try FileManager.default.contentsOfDirectory(atPath: generated.path) where name.hasSuffix(".swift") {
            sources.append(generated.appendingPathComponent(name))
        }
        let pipeline = root.appendingPathComponent("Sources/Pipeline")
        for name in try FileManager.default.contentsOfDirectory(atPath: pipeline.path) where name.hasSuffix(".swift") {
            sources.append(pipeline.appendingPathComponent(name))
        }
        let literal = try NSRegularExpression(pattern: #"(?:pattern: |\.pattern\()"((?:[^"\\]|\\.)*)""#)
        var patterns = Set<String>()
        for url in sources {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in literal.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let escaped = String(text[Range(match.range(at: 1), in: text)!])
                patterns.insert(unescape(escaped))
            }
        }
        // Every config file's rules are in (the CORS origin and the baseline URI are not in ConfigDecoder.swift).
        if !patterns.contains("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*]*/)?$") || !patterns.contains(where: { $0.hasPrefix("^(\\*|https?://") }) {
            XCTFail("config patterns outside ConfigDecoder.swift were not read")
        }
        // The form Parameter uses for a Default against AllowedPattern.
        patterns.insert("^(?:^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$)$")
        return patterns.sorted()
    }

    /// A Swift string literal's escapes (`\\`, `\"`, `\n`, `\t`) undone.
    static func unescape(_ text: String) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let escaped = iterator.next() else { result.append(character); continue }
            switch escaped {
            case "n": result.append("\n")
            case "t": result.append("\t")
            default: result.append(escaped)
            }
        }
        return result
    }

    static let printable = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) }
    static let allASCII = (0..<0x80).map { String(Unicode.Scalar(UInt8($0))) }

    /// A text the pattern's tree describes (random branch, random count), which usually matches.
    static func sample(_ node: PatternParser.Node, _ random: inout SeededRandom) -> String {
        switch node {
        case .character(let set):
            let members = (0..<128).map(UInt8.init).filter(set.contains)
            guard !members.isEmpty else { return "é" }
            return String(Unicode.Scalar(members[random.next(members.count)]))
        case .sequence(let items):
            return items.map { sample($0, &random) }.joined()
        case .alternation(let branches):
            return sample(branches[random.next(branches.count)], &random)
        case .repetition(let body, let minimum, let maximum):
            let count = minimum + random.next(min(maximum ?? minimum + 4, minimum + 4) - minimum + 1)
            return (0..<count).map { _ in sample(body, &random) }.joined()
        case .assertion, .lookaround:
            return ""
        }
    }

    /// Samples from the pattern, each also changed (a character dropped, replaced, added; a line terminator
    /// at the end; non-ASCII), plus fixed edge cases.
    static func values(for pattern: String) -> [String] {
        var random = SeededRandom(seed: UInt64(truncatingIfNeeded: pattern.unicodeScalars.reduce(5381) { $0 &* 33 &+ Int($1.value) }))
        var values = ["", " ", "a", "A", "0", "-", "_", ".", "/", ":", "$", "*", "\n", "a\n", "\r\n", "abc", "ABC-123", "a b",
                      "arn:aws:iam::123456789012:role/x", "é", "ünïcode", "名前", "a\u{2028}", "a\u{85}", "tab\tx", "x\u{0}y",
                      String(repeating: "a", count: 300), String(repeating: "9", count: 20)]
        guard let tree = PatternParser.parse(pattern) else { return values }
        for _ in 0..<6 {
            let base = sample(tree, &random)
            values.append(base)
            for suffix in ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\n\n", "\u{85}", " ", "-", "."] { values.append(base + suffix) }
            values.append("." + base)
            values.append("ä" + base)
            var characters = Array(base)
            if !characters.isEmpty {
                let position = random.next(characters.count)
                var dropped = characters
                dropped.remove(at: position)
                values.append(String(dropped))
                characters[position] = printable[random.next(printable.count)]
                values.append(String(characters))
                characters.insert(printable[random.next(printable.count)], at: random.next(characters.count + 1))
                values.append(String(characters))
            }
        }
        // Every ASCII character at up to 3 positions of one sample (first, middle, last): the character
        // classes, member by member (testCharacterClassesMatchICUOverASCII covers the class syntax itself).
        let base = Array(sample(tree, &random).unicodeScalars.prefix(64))
        let positions = base.count <= 3 ? Array(0..<base.count) : [0, base.count / 2, base.count - 1]
        for position in positions {
            for replacement in allASCII {
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: base[..<position])
                scalars.append(contentsOf: replacement.unicodeScalars)
                scalars.append(contentsOf: base[(position + 1)...])
                values.append(String(scalars))
            }
        }
        return values
    }

    func assertAgree(_ pattern: String, _ values: [String], file: StaticString = #filePath, line: UInt = #line) -> Int {
        var compared = 0
        let regex = try? NSRegularExpression(pattern: pattern)
        for value in values {
            let expected = regex.map { $0.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil }
            if let subset = PatternMatcher.subsetMatch(pattern, in: value) {
                // `firstMatchExists` answers with the subset here.
                XCTAssertEqual(subset, expected, "subset: pattern \(pattern) on \(value.debugDescription)", file: file, line: line)
                compared += 1
            } else {
                XCTAssertEqual(PatternMatcher.firstMatchExists(pattern, in: value), expected,
                               "pattern \(pattern) on \(value.debugDescription)", file: file, line: line)
            }
        }
        return compared
    }

    func testEveryProjectPatternAgreesWithNSRegularExpression() throws {
        let patterns = try Self.projectPatterns()
        XCTAssertGreaterThan(patterns.count, 50, "patterns found in the generated code and the config rules")
        var compared = 0
        var handled = 0
        for pattern in patterns {
            XCTAssertTrue(PatternMatcher.isValid(pattern), pattern)
            XCTAssertNoThrow(try NSRegularExpression(pattern: pattern), pattern)
            if PatternMatcher.subsetHandles(pattern) { handled += 1 }
            compared += assertAgree(pattern, Self.values(for: pattern))
        }
        // All of today's patterns are in the subset; a new one outside it still works, through ICU.
        XCTAssertEqual(handled, patterns.count, "patterns outside the subset: \(patterns.filter { !PatternMatcher.subsetHandles($0) })")
        XCTAssertGreaterThan(compared, 20_000)
    }

    /// Class escapes, properties and set syntax, member by member over ASCII.
    func testCharacterClassesMatchICUOverASCII() {
        let classes = [#"\s"#, #"\S"#, #"\w"#, #"\W"#, #"\d"#, #"\D"#, ".", #"\p{L}"#, #"\p{Z}"#, #"\p{N}"#, #"\p{M}"#, #"\p{S}"#,
                       #"\p{P}"#, #"\p{Print}"#, #"\P{L}"#, #"\P{Print}"#, "[a-z0-9-_]", "[0-9-_]", "[a-z-0-9]", "[a-z-0]", #"[\w-]"#,
                       #"[\w-a]"#, #"[\d-z]"#, "[-a-z]", "[a-]", "[*]", "[$_-]", #"[^@\s]"#, #"[^\s]"#, #"[\S]"#, "[ a]", "[#$]",
                       "[a^]", "[!-#]", #"[\^]"#, #"[\]]"#, "[(|).*+?]", #"[\u0041-\u0043]"#, #"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]"#,
                       #"[\p{L}\p{Z}\p{N}_.:/=+\-@]"#, #"[^\p{L}]"#, #"[\P{L}a]"#, #"[\.\-_/#A-Za-z0-9]"#, #"[a:b]"#, "[&]", "[a&b]",
                       #"\u002F"#, #"\."#, #"\-"#, #"\/"#, #"\$"#, #"\_"#, "#", "@", "~", "`", "'", "\"", "%"]
        for set in classes {
            for pattern in ["^\(set)$", "\(set)", "^\(set)+$"] {
                XCTAssertTrue(PatternMatcher.subsetHandles(pattern), pattern)
                _ = assertAgree(pattern, Self.allASCII + Self.allASCII.map { $0 + $0 } + ["", "é", "aé"])
            }
        }
    }

    /// Anchors, `$` before a final line terminator, lookarounds, repetition edge cases.
    func testAnchorsLookaroundsAndRepetition() {
        let patterns = ["^a$", #"^a\Z"#, #"^a\z"#, "a$", #"\Aa"#, "^$", "$", "^", "a|", "(|a)", "()", "a||b", "^(a|ab)(c|bcd)(d*)$",
                        "(?<!a)b", "(?<=ab|c)d", "(?<=a{1,3})b", "(?<!ab?)c", "(?<=^a)b", "(?=a)a", "(?!a).", "a{0}", "a{2}", "a{2,}",
                        "^a{1,3}$", "^(a?){3}$", "^(a*)*$", "^(a|b)*?c", "x{3}?", "^[a-c]{2,4}?$", #"^\r$"#, #"^\r\Z"#, #"\r$"#, #"\n$"#, #"^\n\Z"#, "a.c", "a.*c$", "^.+$",
                        "^(?:ab)+$", #"^a\r?\n?$"#]
        let values = ["", "a", "b", "ab", "abc", "aab", "aaab", "cd", "abd", "bd", "ad", "aad", "xxx", "xxxx", "a\n", "a\r", "a\r\n", "a\u{0B}",
                      "a\u{0C}", "a\n\n", "\n", "\r", "\r\n", "aaaaaaaa", "abcd", "abcdd", "ac", "a\nc", "a\rc", "bac", "ababab", "abab\n",
                      "c", "ba", "aa", "aaa", "aaaa", "aaaaa", "b\n", "a\u{85}", "é"]
        for pattern in patterns {
            XCTAssertTrue(PatternMatcher.subsetHandles(pattern), pattern)
            _ = assertAgree(pattern, values)
        }
    }

    /// A repeated class is one instruction however large its count (the registry's `[…]{1,512}` was 1,026),
    /// and it agrees with ICU at and around its bounds, inside lookarounds and before other repetitions.
    func testCountedClassRepetitionIsOneInstruction() {
        XCTAssertEqual(PatternParser.compile(#"^[.\-_/#A-Za-z0-9]{1,512}\Z"#)?.instructions.count, 4)
        XCTAssertEqual(PatternParser.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")?.instructions.count, 6)
        let patterns = [#"^[.\-_/#A-Za-z0-9]{1,512}\Z"#, "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "^a{3,5}a{2}$", "^[ab]{0,3}b$", "(?<=a{2,3})b",
                        "^(?=[a-z]{2,4}$).*", "[0-9]{2,}x", "^x*y+z?$", "a{0,0}b"]
        var values = ["", "x", "xy", "xyz", "yz", "y", "b", "ab", "abb", "bbbb", "aab", "aaab", "aaaab", "ab.c", "a-b", "a.", "-ab",
                      "12x", "1x", "123x", "aaaaaa", "aaaaaaa", "aaaaaaaa", "abcd", "abcde", "ab\n", "é"]
        for count in [0, 1, 60, 61, 62, 63, 64, 511, 512, 513] {
            values += [String(repeating: "a", count: count), String(repeating: "a", count: count) + "\n", "a" + String(repeating: ".", count: count) + "b"]
        }
        for pattern in patterns {
            XCTAssertTrue(PatternMatcher.subsetHandles(pattern), pattern)
            _ = assertAgree(pattern, values)
        }
    }

    /// The subset only accepts patterns ICU accepts; everything else is ICU's to judge (valid or not).
    func testValidityAgreesWithNSRegularExpression() {
        let patterns = ["", "a{", "a{1", "a{2,1}", "a{,2}", "[a", "a)", "(a", #"\q"#, "x**", "x*+", "(?<!a*)b", "(?<!a+)b", #"[a-\d]"#,
                        "[z-a]", "a{1,2}{3}", "^*", "(?!a)*", #"\p{Foo}"#, "[[a]]", "[a&&b]", "[a--b]", #"\Q.\E"#, "[]a]", "[^]a]",
                        "[%--]", "}", "]", "a}", "a]", "*a", "+", "?", "(?i)a", "(?<name>a)", #"(a)\1"#, #"\bword\b"#, "[:alpha:]",
                        "[{ab}]", "[^:alpha:]", "[^:]", "[:]", "(?>a)", "a{1001}", #"\v"#, #"\h"#, #"\x41"#, "(?<=(?=a)a)b", "[a-z]{2,1}", "a{99999999999999999999}"]
        for pattern in patterns {
            let icu = (try? NSRegularExpression(pattern: pattern)) != nil
            XCTAssertEqual(PatternMatcher.isValid(pattern), icu, pattern)
            if PatternMatcher.subsetHandles(pattern) { XCTAssertTrue(icu, "the subset accepted \(pattern), which ICU rejects") }
        }
    }
}

/// A small deterministic generator (SplitMix64), so the derived values are the same on every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(max(bound, 1)))
    }
}
