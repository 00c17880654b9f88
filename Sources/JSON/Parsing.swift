/// Why a document is not JSON: the reason, and where parsing stopped (1-based line and column, counted in
/// characters, and the byte offset).
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    /// The byte offset of the offending byte.
    public let offset: Int
    public let reason: String

    public init(line: Int, column: Int, offset: Int, reason: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    /// `line 3, column 22: expected a key in double quotes`
    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// How strictly to read a document.
public struct JSONParsingOptions: Sendable {
    /// What to do with a key repeated in one object.
    public enum DuplicateKeys: Sendable {
        /// Refuse the document (`duplicate key "k"`, at the second occurrence).
        case reject
        /// Keep the last value, at the key's first position (what most parsers do; the handlers' choice).
        case keepLast
    }

    public var duplicateKeys: DuplicateKeys
    /// Deeper documents are refused rather than allowed to exhaust the stack.
    public var maxDepth: Int

    public init(duplicateKeys: DuplicateKeys = .keepLast, maxDepth: Int = 256) {
        self.duplicateKeys = duplicateKeys
        self.maxDepth = maxDepth
    }

    /// Handlers: the last of a repeated key wins.
    public static let lenient = JSONParsingOptions()
    /// Files people write (config, templates): a repeated key is an error.
    public static let strict = JSONParsingOptions(duplicateKeys: .reject)
}

extension JSON {
    /// Parses a complete document (RFC 8259): one value, optional whitespace around it, UTF-8.
    /// A repeated key keeps its last value unless `options` say otherwise.
    public init(parsing bytes: [UInt8], options: JSONParsingOptions = .lenient) throws(JSONError) {
        var parser = Parser(bytes: bytes, options: options, builder: ValueBuilder())
        self = try parser.document()
    }

    public init(parsing text: String, options: JSONParsingOptions = .lenient) throws(JSONError) {
        try self.init(parsing: Array(text.utf8), options: options)
    }
}

/// A parsed value with the line and column where it starts, and the same for everything inside it: for readers that
/// point at the offending value in a file (the pipeline's config reader). `value` is the plain `JSON`.
public struct LocatedJSON: Sendable {
    public indirect enum Node: Sendable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([LocatedJSON])
        /// Members in document order.
        case object([(key: String, value: LocatedJSON)])
    }

    public let node: Node
    public let line: Int
    public let column: Int

    public init(node: Node, line: Int, column: Int) {
        self.node = node
        self.line = line
        self.column = column
    }

    /// Parses a document keeping every value's position (strict by default: a repeated key is an error).
    public init(parsing text: String, options: JSONParsingOptions = .strict) throws(JSONError) {
        var parser = Parser(bytes: Array(text.utf8), options: options, builder: LocatedBuilder())
        self = try parser.document()
    }

    /// The value without positions.
    public var value: JSON {
        switch node {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let text): .number(text)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(\.value))
        case .object(let members): .object(JSONObject(members.map { ($0.key, $0.value.value) }))
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> LocatedJSON? {
        if case .object(let members) = node { return members.first { $0.key == key }?.value }
        return nil
    }
}

// MARK: - The parser

/// What the parser builds; specialised for plain values and for located ones.
protocol JSONBuilder {
    associatedtype Value
    associatedtype Members
    /// Whether `at` positions are used (computing columns costs a little).
    var wantsPositions: Bool { get }
    func scalar(_ value: JSON, line: Int, column: Int) -> Value
    func array(_ items: [Value], line: Int, column: Int) -> Value
    func emptyMembers() -> Members
    /// Adds a member; false when the key was already there (its value then replaced).
    func add(_ key: String, _ value: Value, to members: inout Members) -> Bool
    func object(_ members: Members, line: Int, column: Int) -> Value
}

struct ValueBuilder: JSONBuilder {
    var wantsPositions: Bool { false }
    func scalar(_ value: JSON, line: Int, column: Int) -> JSON { value }
    func array(_ items: [JSON], line: Int, column: Int) -> JSON { .array(items) }
    func emptyMembers() -> JSONObject { JSONObject() }
    func add(_ key: String, _ value: JSON, to members: inout JSONObject) -> Bool { members.updateValue(value, forKey: key) == nil }
    func object(_ members: JSONObject, line: Int, column: Int) -> JSON { .object(members) }
}

struct LocatedBuilder: JSONBuilder {
    struct Members {
        var list: [(key: String, value: LocatedJSON)] = []
        var seen: [String: Int] = [:]
    }
    var wantsPositions: Bool { true }
    func scalar(_ value: JSON, line: Int, column: Int) -> LocatedJSON {
        let node: LocatedJSON.Node
        switch value {
        case .bool(let flag): node = .bool(flag)
        case .number(let text): node = .number(text)
        case .string(let text): node = .string(text)
        default: node = .null
        }
        return LocatedJSON(node: node, line: line, column: column)
    }
    func array(_ items: [LocatedJSON], line: Int, column: Int) -> LocatedJSON { LocatedJSON(node: .array(items), line: line, column: column) }
    func emptyMembers() -> Members { Members() }
    func add(_ key: String, _ value: LocatedJSON, to members: inout Members) -> Bool {
        if let position = members.seen[key] {
            members.list[position].value = value
            return false
        }
        members.seen[key] = members.list.count
        members.list.append((key, value))
        return true
    }
    func object(_ members: Members, line: Int, column: Int) -> LocatedJSON { LocatedJSON(node: .object(members.list), line: line, column: column) }
}

struct Parser<Builder: JSONBuilder> {
    let bytes: [UInt8]
    let options: JSONParsingOptions
    let builder: Builder
    var index = 0
    var depth = 0
    var line = 1
    var lineStart = 0
    /// The last column computed on this line, and its byte offset (columns are counted incrementally).
    var columnCache = (offset: 0, column: 1)

    init(bytes: [UInt8], options: JSONParsingOptions, builder: Builder) {
        self.bytes = bytes
        self.options = options
        self.builder = builder
    }

    /// The 1-based column of `offset` on the current line, in characters (UTF-8 continuation bytes not counted).
    mutating func column(at offset: Int) -> Int {
        if columnCache.offset < lineStart || columnCache.offset > offset { columnCache = (lineStart, 1) }
        var column = columnCache.column
        var position = columnCache.offset
        while position < offset {
            if bytes[position] & 0xC0 != 0x80 { column += 1 }
            position += 1
        }
        columnCache = (offset, column)
        return column
    }

    mutating func fail(_ reason: String, at offset: Int? = nil) -> JSONError {
        let offset = offset ?? index
        return JSONError(line: line, column: column(at: offset), offset: offset, reason: reason)
    }

    mutating func position() -> (line: Int, column: Int) {
        builder.wantsPositions ? (line, column(at: index)) : (0, 0)
    }

    mutating func document() throws(JSONError) -> Builder.Value {
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the top-level value") }
        return value
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    mutating func value() throws(JSONError) -> Builder.Value {
        guard index < bytes.count else { throw fail("unexpected end of input, expected a value") }
        let (line, column) = position()
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(line: line, column: column)
        case UInt8(ascii: "["): return try array(line: line, column: column)
        case UInt8(ascii: "\""): return builder.scalar(.string(try string()), line: line, column: column)
        case UInt8(ascii: "t"): try literal("true"); return builder.scalar(.bool(true), line: line, column: column)
        case UInt8(ascii: "f"): try literal("false"); return builder.scalar(.bool(false), line: line, column: column)
        case UInt8(ascii: "n"): try literal("null"); return builder.scalar(.null, line: line, column: column)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return builder.scalar(.number(try number()), line: line, column: column)
        default: throw fail("unexpected character \(describe(at: index)), expected a value")
        }
    }

    /// The character at `offset` for a message: `'x'`, or the byte in hex when it is not printable ASCII.
    func describe(at offset: Int) -> String {
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = Array("0123456789ABCDEF")
        return "byte 0x\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard bytes.count - index >= count, bytes[index..<index + count].elementsEqual(expected) else {
            throw fail("invalid literal, expected '\(word)'")
        }
        index += count
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        guard depth <= options.maxDepth else { throw fail("nested deeper than \(options.maxDepth) levels") }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func object(line: Int, column: Int) throws(JSONError) -> Builder.Value {
        try enter()
        index += 1  // {
        var members = builder.emptyMembers()
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return builder.object(members, line: line, column: column)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail(index < bytes.count ? "expected a key in double quotes" : "unexpected end of input, expected a key in double quotes")
            }
            let keyOffset = index, keyLine = self.line
            let key = try string()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw fail("expected ':' after the key \"\(key)\"") }
            skipWhitespace()
            let value = try self.value()
            if !builder.add(key, value, to: &members), options.duplicateKeys == .reject {
                throw JSONError(line: keyLine, column: columnOf(offset: keyOffset), offset: keyOffset, reason: "duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input, expected ',' or '}'") }
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) {
                depth -= 1
                return builder.object(members, line: line, column: column)
            }
            throw fail("expected ',' or '}' after the value of \"\(key)\"")
        }
    }

    /// The column of an earlier offset, possibly on an earlier line (error paths only).
    func columnOf(offset: Int) -> Int {
        var start = offset
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        return bytes[start..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    mutating func array(line: Int, column: Int) throws(JSONError) -> Builder.Value {
        try enter()
        index += 1  // [
        var items: [Builder.Value] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return builder.array(items, line: line, column: column)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input, expected ',' or ']'") }
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) {
                depth -= 1
                return builder.array(items, line: line, column: column)
            }
            throw fail("expected ',' or ']' in the array")
        }
    }

    mutating func string() throws(JSONError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: bytes[start..<index], as: UTF8.self) else { throw fail("string is not valid UTF-8", at: start) }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8", at: start) }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unterminated string") }
                let escape = bytes[index]
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    index += 1
                    out.append(contentsOf: try unicodeEscape())
                    continue
                default: throw fail("invalid escape '\\\(describe(at: index).dropFirst().dropLast())'", at: index - 1)
                }
                index += 1
            case 0x0A:
                throw fail("unterminated string (line break inside a string)")
            case 0..<0x20:
                throw fail("control character inside a string (it must be escaped)")
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    /// `\uXXXX` (the `\u` already read), joining a UTF-16 surrogate pair; returns the scalar's UTF-8 bytes.
    mutating func unicodeEscape() throws(JSONError) -> [UInt8] {
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value) {
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw fail("high surrogate without its low surrogate in a \\u escape") }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("high surrogate without its low surrogate in a \\u escape") }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(value) {
            throw fail("low surrogate without a high surrogate in a \\u escape")
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail("invalid \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw fail("\\u needs four hex digits") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as text.
    mutating func number() throws(JSONError) -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if index < bytes.count, isDigit(bytes[index]) { throw fail("numbers must not have leading zeros", at: start) }
        } else {
            guard digits() > 0 else { throw fail("invalid number, expected a digit") }
        }
        if consume(UInt8(ascii: ".")) {
            guard digits() > 0 else { throw fail("invalid number, expected a digit after '.'") }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard digits() > 0 else { throw fail("invalid number, expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func digits() -> Int {
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index - start
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
