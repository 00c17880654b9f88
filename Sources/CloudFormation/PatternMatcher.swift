import Foundation

/// Regular-expression search with `NSRegularExpression`'s semantics (ICU: `firstMatch(in:range:)` over the
/// whole string, no options), without loading ICU for the patterns and values synthesis meets.
///
/// Compiling the first `NSRegularExpression` of a process loads ICU and builds its Unicode sets, which
/// cost more than the rest of a pipeline synthesis (`\p{L}` alone is millions of instructions). Most
/// registry-schema and config patterns are small: character classes, groups, alternation, counted
/// repetition, anchors. This matcher compiles those once per pattern into a tiny program and runs it on
/// ASCII text with a bounded backtracker (each program position and text offset is tried at most once,
/// so time is linear in both). Anything else falls back to `NSRegularExpression`, compiled once, lazily:
/// - a pattern using syntax the subset does not parse (a nested set, a flag, a backreference, `\b`, …);
/// - a value with any non-ASCII character (Unicode properties, `\w` and `.` then follow ICU's tables).
///
/// On ASCII text the subset follows ICU exactly: `.` excludes `\n` `\v` `\f` `\r`; `$` and `\Z` match at the
/// end or before one final line terminator (`\n`, `\v`, `\f`, `\r` or `\r\n`); `\s` is `[\t-\r ]`; `\w`
/// is `[0-9A-Za-z_]`; `\p{L}`, `\p{N}`, `\p{Z}`, `\p{M}`, `\p{S}`, `\p{P}` and `\p{Print}` have ICU's
/// ASCII members; a `-` after a range or a class escape inside `[…]` is a literal. `PatternMatcherTests`
/// runs every generated and config pattern through both matchers and checks they agree.
public enum PatternMatcher {
    /// Whether `text` contains a match of `pattern` (a search, anchored only where the pattern says so);
    /// nil when `pattern` is not a valid regular expression.
    public static func firstMatchExists(_ pattern: String, in text: String) -> Bool? {
        let entry = PatternCache.shared.entry(pattern)
        if let program = entry.program, let result = program.matches(text) { return result }
        guard let regex = entry.regularExpression else { return nil }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Whether `NSRegularExpression` accepts the pattern (the subset only parses patterns ICU accepts).
    public static func isValid(_ pattern: String) -> Bool {
        let entry = PatternCache.shared.entry(pattern)
        return entry.program != nil || entry.regularExpression != nil
    }

    /// The subset's answer alone: nil when it does not handle the pattern or the text (tests compare it with ICU).
    static func subsetMatch(_ pattern: String, in text: String) -> Bool? {
        PatternCache.shared.entry(pattern).program?.matches(text)
    }

    /// Whether the subset parses the pattern (so no value in ASCII needs ICU).
    static func subsetHandles(_ pattern: String) -> Bool { PatternCache.shared.entry(pattern).program != nil }
}

/// Patterns compiled once per process, shared by every rule that uses them.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()

    final class Entry: @unchecked Sendable {
        let pattern: String
        let program: PatternProgram?
        private let lock = NSLock()
        private var compiled = false
        private var regex: NSRegularExpression?

        init(pattern: String) {
            self.pattern = pattern
            program = PatternParser.compile(pattern)
        }

        /// Compiled on first use only: most processes never need it.
        var regularExpression: NSRegularExpression? {
            lock.lock()
            defer { lock.unlock() }
            if !compiled {
                regex = try? NSRegularExpression(pattern: pattern)
                compiled = true
            }
            return regex
        }
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    func entry(_ pattern: String) -> Entry {
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[pattern] { return entry }
        let entry = Entry(pattern: pattern)
        entries[pattern] = entry
        return entry
    }
}

/// A set of ASCII characters (bit `c` set when character `c` is in it).
struct ASCIISet: Equatable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    static let all = ASCIISet(low: ~0, high: ~0)

    init(low: UInt64 = 0, high: UInt64 = 0) {
        self.low = low
        self.high = high
    }

    init(_ characters: String) {
        for byte in characters.utf8 { insert(UInt32(byte)) }
    }

    init(range: ClosedRange<UInt32>) {
        insert(range)
    }

    @inline(__always) func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low >> UInt64(byte) & 1 == 1 : high >> UInt64(byte &- 64) & 1 == 1
    }

    mutating func insert(_ scalar: UInt32) {
        if scalar < 64 { low |= 1 << UInt64(scalar) } else if scalar < 128 { high |= 1 << UInt64(scalar - 64) }
    }

    /// Only the ASCII part of the range matters: the subset runs on ASCII text only.
    mutating func insert(_ range: ClosedRange<UInt32>) {
        guard range.lowerBound < 128 else { return }
        for scalar in range.lowerBound...min(range.upperBound, 127) { insert(scalar) }
    }

    mutating func formUnion(_ other: ASCIISet) {
        low |= other.low
        high |= other.high
    }

    var inverted: ASCIISet { ASCIISet(low: ~low, high: ~high) }

    // ICU's members in ASCII (checked against NSRegularExpression in PatternMatcherTests).
    static let digit = ASCIISet(range: 0x30...0x39)
    static let word = ASCIISet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
    static let space = { var set = ASCIISet(range: 0x09...0x0D); set.insert(0x20); return set }()
    static let dot = { var set = ASCIISet.all; set.low &= ~(0b1111 << 10); return set }()
    static let lineTerminators = ASCIISet(range: 0x0A...0x0D)
    static let letter = ASCIISet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let properties: [String: ASCIISet] = [
        "L": letter,
        "N": digit,
        "Z": ASCIISet(" "),
        "M": ASCIISet(),
        "S": ASCIISet("$+<=>^`|~"),
        "P": ASCIISet("!\"#%&'()*,-./:;?@[\\]_{}"),
        "Print": ASCIISet(range: 0x20...0x7E),
    ]
}

/// One instruction of a compiled pattern.
enum PatternInstruction {
    /// Consume one character in the set.
    case character(ASCIISet)
    /// Consume `minimum` to `maximum` characters in the set (a counted repetition of one class, `[a-z]{1,255}`,
    /// as one instruction instead of one split and one character per repetition).
    case `repeat`(ASCIISet, minimum: Int, maximum: Int)
    /// Try both targets.
    case split(Int, Int)
    case jump(Int)
    /// Zero-width: `^`, `$`/`\Z`, `\z`, or a lookaround (index into `PatternProgram.lookarounds`).
    case assert(PatternAssertion)
    case match
}

enum PatternAssertion {
    case start
    case end
    case endOfInput
    case look(Int)
}

/// A lookaround: its own program, run from (ahead) or up to (behind) the current position.
struct PatternLookaround {
    var program: [PatternInstruction]
    var ahead: Bool
    var negated: Bool
    /// Lengths the lookbehind's body can match (bounded; ICU rejects unbounded lookbehind).
    var minLength: Int
    var maxLength: Int
}

/// A compiled pattern of the subset.
struct PatternProgram {
    var instructions: [PatternInstruction]
    var lookarounds: [PatternLookaround]

    /// The search result, or nil when the text is not ASCII (ICU decides then).
    func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            for byte in bytes where byte >= 0x80 { return nil }
            var run = PatternRun(program: self, text: bytes)
            return run.search()
        }
    }
}

/// One search over one text: a backtracker that visits each (instruction, position) pair at most once.
/// That is enough for a yes/no answer because nothing a later step sees depends on the path taken
/// (no captures, no backreferences; assertions depend on the position only).
struct PatternRun {
    let program: PatternProgram
    let text: UnsafeBufferPointer<UInt8>
    private var lookCache: [Int: Bool] = [:]

    init(program: PatternProgram, text: UnsafeBufferPointer<UInt8>) {
        self.program = program
        self.text = text
    }

    mutating func search() -> Bool {
        VisitedSet.with(instructions: program.instructions.count, positions: text.count + 1) { visited in
            // `^` first: only a match starting at 0 can pass it (no multiline mode in the subset).
            let lastStart: Int
            if case .assert(.start)? = program.instructions.first { lastStart = 0 } else { lastStart = text.count }
            var stack: [(Int, Int)] = []
            stack.reserveCapacity(16)
            for start in 0...lastStart {
                if run(program.instructions, from: start, endingAt: nil, visited: &visited, stack: &stack) { return true }
            }
            return false
        }
    }

    /// Whether the instructions match from `start` (ending anywhere, or exactly at `endingAt`). `stack` is the
    /// caller's, empty on entry, so one search reuses one buffer for every start.
    private mutating func run(_ instructions: [PatternInstruction], from start: Int, endingAt end: Int?,
                              visited: inout VisitedSet, stack: inout [(Int, Int)]) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append((0, start))
        while let (firstPC, firstPosition) = stack.popLast() {
            var pc = firstPC
            var position = firstPosition
            while visited.insert(pc, position) {
                switch instructions[pc] {
                case .character(let set):
                    guard position < text.count, set.contains(text[position]) else { break }
                    pc += 1
                    position += 1
                    continue
                case .repeat(let set, let minimum, let maximum):
                    var count = 0
                    while count < maximum, position + count < text.count, set.contains(text[position + count]) { count += 1 }
                    guard count >= minimum else { break }
                    // The longest run first; the shorter ones are tried when it fails.
                    for shorter in stride(from: minimum, to: count, by: 1) { stack.append((pc + 1, position + shorter)) }
                    pc += 1
                    position += count
                    continue
                case .split(let first, let second):
                    stack.append((second, position))
                    pc = first
                    continue
                case .jump(let target):
                    pc = target
                    continue
                case .assert(let assertion):
                    guard holds(assertion, at: position) else { break }
                    pc += 1
                    continue
                case .match:
                    if end == nil || end == position { return true }
                }
                break
            }
        }
        return false
    }

    private mutating func holds(_ assertion: PatternAssertion, at position: Int) -> Bool {
        switch assertion {
        case .start:
            return position == 0
        case .endOfInput:
            return position == text.count
        case .end:
            let rest = text.count - position
            if rest == 0 { return true }
            // One final line terminator, but not the `\n` of a final `\r\n` (ICU's URX_DOLLAR).
            if rest == 1 {
                return ASCIISet.lineTerminators.contains(text[position])
                    && !(text[position] == 0x0A && position > 0 && text[position - 1] == 0x0D)
            }
            return rest == 2 && text[position] == 0x0D && text[position + 1] == 0x0A
        case .look(let index):
            let key = index * (text.count + 1) + position
            if let cached = lookCache[key] { return cached }
            let look = program.lookarounds[index]
            var found = false
            var stack: [(Int, Int)] = []
            if look.ahead {
                found = VisitedSet.with(instructions: look.program.count, positions: text.count + 1) { visited in
                    run(look.program, from: position, endingAt: nil, visited: &visited, stack: &stack)
                }
            } else {
                var start = position - look.minLength
                while !found, start >= 0, start >= position - look.maxLength {
                    found = VisitedSet.with(instructions: look.program.count, positions: text.count + 1) { visited in
                        run(look.program, from: start, endingAt: position, visited: &visited, stack: &stack)
                    }
                    start -= 1
                }
            }
            let result = found != look.negated
            lookCache[key] = result
            return result
        }
    }
}

/// A bit per (instruction, position), in scratch memory that lives for one run (on the stack when small).
struct VisitedSet {
    private let words: UnsafeMutableBufferPointer<UInt64>
    private let positions: Int

    /// Calls `body` with an empty set.
    static func with<Result>(instructions: Int, positions: Int, _ body: (inout VisitedSet) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, (instructions * positions + 63) / 64)) { words in
            words.initialize(repeating: 0)
            var set = VisitedSet(words: words, positions: positions)
            return body(&set)
        }
    }

    private init(words: UnsafeMutableBufferPointer<UInt64>, positions: Int) {
        self.words = words
        self.positions = positions
    }

    /// Marks the pair; false when it was already marked.
    @inline(__always) mutating func insert(_ pc: Int, _ position: Int) -> Bool {
        let bit = pc * positions + position
        let mask: UInt64 = 1 << UInt64(bit & 63)
        if words[bit >> 6] & mask != 0 { return false }
        words[bit >> 6] |= mask
        return true
    }
}

/// Parses the subset into a tree and compiles it; nil for anything outside the subset (or invalid).
struct PatternParser {
    indirect enum Node {
        case character(ASCIISet)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
        case assertion(PatternAssertion)
        case lookaround(Node, ahead: Bool, negated: Bool)
    }

    struct Unsupported: Error {}

    private let scalars: [Unicode.Scalar]
    private var index = 0

    static let maximumCount = 1000
    static let maximumInstructions = 20_000

    /// The tree of a pattern in the subset; nil otherwise (ICU rejects an empty pattern).
    static func parse(_ pattern: String) -> Node? {
        var parser = PatternParser(scalars: Array(pattern.unicodeScalars))
        guard !parser.scalars.isEmpty, let tree = try? parser.parseAlternation(), parser.index == parser.scalars.count else { return nil }
        return tree
    }

    static func compile(_ pattern: String) -> PatternProgram? {
        guard let tree = parse(pattern) else { return nil }
        var compiler = PatternCompiler()
        guard var main = try? compiler.compile(tree) else { return nil }
        main.append(.match)
        guard main.count <= maximumInstructions else { return nil }
        return PatternProgram(instructions: main, lookarounds: compiler.lookarounds)
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    private mutating func next() throws -> Unicode.Scalar {
        guard let scalar = peek else { throw Unsupported() }
        index += 1
        return scalar
    }

    private mutating func parseAlternation() throws -> Node {
        var branches = [try parseSequence()]
        while peek == "|" {
            index += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws -> Node {
        var items: [Node] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            let atom = try parseAtom()
            items.append(try parseQuantifier(atom))
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    /// Literal characters the subset takes as they are (ICU gives them no meaning outside a set).
    private static let plainPunctuation = Set(" !\"#%&',-/:;<=>@_`~".unicodeScalars)

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private mutating func parseAtom() throws -> Node {
        let scalar = try next()
        switch scalar {
        case "(":
            var ahead = true
            var negated = false
            var look = false
            if peek == "?" {
                switch (peek(1), peek(2)) {
                case (":"?, _): index += 2
                case ("="?, _): index += 2; look = true
                case ("!"?, _): index += 2; look = true; negated = true
                case ("<"?, "="?): index += 3; look = true; ahead = false
                case ("<"?, "!"?): index += 3; look = true; ahead = false; negated = true
                default: throw Unsupported()
                }
            }
            let inner = try parseAlternation()
            guard try next() == ")" else { throw Unsupported() }
            return look ? .lookaround(inner, ahead: ahead, negated: negated) : inner
        case "[":
            return .character(try parseSet())
        case ".":
            return .character(.dot)
        case "^":
            return .assertion(.start)
        case "$":
            return .assertion(.end)
        case "\\":
            return try parseEscape()
        case _ where Self.isAlphanumeric(scalar) || Self.plainPunctuation.contains(scalar):
            return .character(ASCIISet(range: scalar.value...scalar.value))
        case _ where !scalar.isASCII:
            // Never matches ASCII text; other text goes to ICU.
            return .character(ASCIISet())
        default:
            // `*` `+` `?` `{` with nothing to repeat, `}` `]` `)`, control characters: leave them to ICU.
            throw Unsupported()
        }
    }

    private mutating func parseEscape() throws -> Node {
        let scalar = try next()
        switch scalar {
        case "A": return .assertion(.start)
        case "Z": return .assertion(.end)
        case "z": return .assertion(.endOfInput)
        default:
            index -= 1
            switch try parseSetEscape() {
            case .set(let set): return .character(set)
            case .character(let value): return .character(ASCIISet(range: value...value))
            }
        }
    }

    enum SetItem {
        case set(ASCIISet)
        case character(UInt32)
    }

    /// An escape that stands for one character or a class, inside or outside `[…]`.
    private mutating func parseSetEscape() throws -> SetItem {
        let scalar = try next()
        switch scalar {
        case "d": return .set(.digit)
        case "D": return .set(ASCIISet.digit.inverted)
        case "w": return .set(.word)
        case "W": return .set(ASCIISet.word.inverted)
        case "s": return .set(.space)
        case "S": return .set(ASCIISet.space.inverted)
        case "p", "P":
            guard try next() == "{" else { throw Unsupported() }
            var name = ""
            while let character = peek, character != "}" {
                name.unicodeScalars.append(character)
                index += 1
            }
            guard try next() == "}", let set = ASCIISet.properties[name] else { throw Unsupported() }
            return .set(scalar == "p" ? set : set.inverted)
        case "u":
            var value: UInt32 = 0
            for _ in 0..<4 {
                let digit = try next()
                guard digit.isASCII, let digitValue = UInt32(String(digit), radix: 16) else { throw Unsupported() }
                value = value * 16 + digitValue
            }
            return .character(value)
        case "n": return .character(0x0A)
        case "t": return .character(0x09)
        case "r": return .character(0x0D)
        case "f": return .character(0x0C)
        case _ where scalar.isASCII && !Self.isAlphanumeric(scalar) && scalar.value >= 0x20 && scalar.value != 0x7F:
            // `\.` `\-` `\$` `\/` `\_` …: an escaped non-alphanumeric is that character.
            return .character(scalar.value)
        default:
            throw Unsupported()
        }
    }

    /// `[…]` after the `[`: single characters, ranges, class escapes, `^` negation. Nested sets, set
    /// operators (`&&`, `--`), strings (`{…}`) and POSIX classes are left to ICU.
    private mutating func parseSet() throws -> ASCIISet {
        var set = ASCIISet()
        var negated = false
        if peek == "^" {
            negated = true
            index += 1
        }
        if peek == "]" { throw Unsupported() }
        if peek == ":" {
            // `[:alpha:]` and `[^:alpha:]` are POSIX classes to ICU.
            var ahead = 1
            while let scalar = peek(ahead), ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) { ahead += 1 }
            if ahead > 1, peek(ahead) == ":", peek(ahead + 1) == "]" { throw Unsupported() }
        }
        while true {
            let scalar = try next()
            switch scalar {
            case "]":
                return negated ? set.inverted : set
            case "[", "{", "}":
                throw Unsupported()
            case "&" where peek == "&":
                throw Unsupported()
            case "-":
                // A `-` first, last, or after a range or class escape is a literal; `--` is an operator.
                if peek == "-" { throw Unsupported() }
                set.insert(0x2D)
            default:
                let low: UInt32
                if scalar == "\\" {
                    switch try parseSetEscape() {
                    case .set(let members):
                        set.formUnion(members)
                        continue
                    case .character(let value):
                        low = value
                    }
                } else {
                    guard scalar.value >= 0x20, scalar.value != 0x7F else { throw Unsupported() }
                    low = scalar.value
                }
                if peek == "-", let after = peek(1), after != "]" {
                    index += 1
                    let highScalar = try next()
                    let high: UInt32
                    if highScalar == "\\" {
                        guard case .character(let value) = try parseSetEscape() else { throw Unsupported() }
                        high = value
                    } else {
                        guard !["[", "]", "-", "&", "{", "}"].contains(highScalar), highScalar.value >= 0x20 else { throw Unsupported() }
                        high = highScalar.value
                    }
                    guard low <= high else { throw Unsupported() }
                    set.insert(low...high)
                } else {
                    set.insert(low)
                }
            }
        }
    }

    private mutating func parseQuantifier(_ atom: Node) throws -> Node {
        guard let scalar = peek else { return atom }
        var minimum: Int
        var maximum: Int?
        switch scalar {
        case "*": minimum = 0; maximum = nil; index += 1
        case "+": minimum = 1; maximum = nil; index += 1
        case "?": minimum = 0; maximum = 1; index += 1
        case "{":
            index += 1
            guard let low = parseNumber() else { throw Unsupported() }
            minimum = low
            maximum = low
            if peek == "," {
                index += 1
                maximum = peek == "}" ? nil : try parseNumber() ?? { throw Unsupported() }()
            }
            guard try next() == "}" else { throw Unsupported() }
            if let maximum, maximum < minimum { throw Unsupported() }
        default:
            return atom
        }
        switch atom {
        case .assertion, .lookaround: throw Unsupported()
        default: break
        }
        if peek == "?" { index += 1 }  // lazy: the same yes/no answer
        if let next = peek, ["*", "+", "?", "{"].contains(next) { throw Unsupported() }  // possessive or stacked
        return .repetition(atom, min: minimum, max: maximum)
    }

    private mutating func parseNumber() -> Int? {
        var value = 0
        var digits = 0
        while let scalar = peek, ("0"..."9").contains(scalar) {
            value = value * 10 + Int(scalar.value - 0x30)
            digits += 1
            index += 1
            if value > Self.maximumCount { return nil }
        }
        return digits == 0 ? nil : value
    }
}

/// Tree to instructions (Thompson's construction; counted repetition is unrolled).
struct PatternCompiler {
    var lookarounds: [PatternLookaround] = []

    mutating func compile(_ node: PatternParser.Node) throws -> [PatternInstruction] {
        var out: [PatternInstruction] = []
        try emit(node, into: &out)
        return out
    }

    private mutating func emit(_ node: PatternParser.Node, into out: inout [PatternInstruction]) throws {
        guard out.count <= PatternParser.maximumInstructions else { throw PatternParser.Unsupported() }
        switch node {
        case .character(let set):
            out.append(.character(set))
        case .sequence(let items):
            for item in items { try emit(item, into: &out) }
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (offset, branch) in branches.enumerated() {
                let isLast = offset == branches.count - 1
                let split = out.count
                if !isLast { out.append(.split(split + 1, -1)) }
                try emit(branch, into: &out)
                if !isLast {
                    jumpsToEnd.append(out.count)
                    out.append(.jump(-1))
                    out[split] = .split(split + 1, out.count)
                }
            }
            for jump in jumpsToEnd { out[jump] = .jump(out.count) }
        case .repetition(.character(let set), let minimum, let maximum):
            out.append(.repeat(set, minimum: minimum, maximum: maximum ?? Int.max))
        case .repetition(let body, let minimum, let maximum):
            for _ in 0..<minimum { try emit(body, into: &out) }
            if let maximum {
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(out.count)
                    out.append(.split(out.count + 1, -1))
                    try emit(body, into: &out)
                }
                for split in splits { out[split] = .split(split + 1, out.count) }
            } else {
                let loop = out.count
                out.append(.split(loop + 1, -1))
                try emit(body, into: &out)
                out.append(.jump(loop))
                out[loop] = .split(loop + 1, out.count)
            }
        case .assertion(let assertion):
            out.append(.assert(assertion))
        case .lookaround(let body, let ahead, let negated):
            var inner = PatternCompiler()
            var program = try inner.compile(body)
            // Lookarounds inside lookarounds are left to ICU.
            guard inner.lookarounds.isEmpty else { throw PatternParser.Unsupported() }
            program.append(.match)
            var minimum = 0
            var maximum = 0
            if !ahead {
                guard let bounds = Self.lengths(body) else { throw PatternParser.Unsupported() }
                (minimum, maximum) = bounds
            }
            lookarounds.append(PatternLookaround(program: program, ahead: ahead, negated: negated, minLength: minimum, maxLength: maximum))
            out.append(.assert(.look(lookarounds.count - 1)))
        }
    }

    /// The shortest and longest text a node matches; nil when unbounded.
    static func lengths(_ node: PatternParser.Node) -> (Int, Int)? {
        switch node {
        case .character: return (1, 1)
        case .assertion: return (0, 0)
        case .lookaround: return nil
        case .sequence(let items):
            var total = (0, 0)
            for item in items {
                guard let length = lengths(item) else { return nil }
                total = (total.0 + length.0, total.1 + length.1)
            }
            return total
        case .alternation(let branches):
            var result: (Int, Int)?
            for branch in branches {
                guard let length = lengths(branch) else { return nil }
                result = result.map { (min($0.0, length.0), max($0.1, length.1)) } ?? length
            }
            return result
        case .repetition(let body, let minimum, let maximum):
            guard let maximum, let length = lengths(body) else { return nil }
            return (length.0 * minimum, length.1 * maximum)
        }
    }
}
