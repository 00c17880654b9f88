/// A small, Foundation-free reader for AWS's XML answers (CloudFormation's query protocol, S3's ListObjectsV2):
/// elements, attributes skipped, text with the five predefined entities and numeric character references decoded,
/// the `<?xml …?>` declaration, comments and CDATA handled. Not a validating parser: enough for AWS answers.
public struct XMLNode: Sendable, Equatable {
    public var name: String
    public var children: [XMLNode]
    /// The element's own text (concatenated, entities decoded); empty for elements with only children.
    public var text: String

    public init(name: String, children: [XMLNode] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child element with this name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every child element with this name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The element reached by following child names (`["DescribeStacksResult", "Stacks"]`).
    public func path(_ names: [String]) -> XMLNode? {
        var node = self
        for name in names { guard let next = node.child(name) else { return nil }; node = next }
        return node
    }

    /// The text of the child with this name, or nil when there is no such child.
    public func text(of name: String) -> String? { child(name)?.text }

    /// The first element with this name anywhere below (depth first), this one included.
    public func first(_ name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children { if let found = child.first(name) { return found } }
        return nil
    }

    /// Parses a whole document; the root element is returned. A malformed document is an `XMLError` with the byte offset.
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLNode {
        var parser = XMLParser(bytes: bytes)
        return try parser.document()
    }
}

public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid XML at byte \(offset): \(reason)" }
}

/// Byte-level text helpers: `String.contains(String)` and `split(separator: String)` come from _StringProcessing, which
/// adds ~0.9 MB of regex engine to the static binary, so the handlers use these instead.
public enum Text {
    /// True when `needle` occurs in `haystack` (bytewise, UTF-8).
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        firstIndex(of: Array(needle.utf8), in: Array(haystack.utf8)) != nil
    }

    /// Where `needle` first occurs in `haystack` at or after `start` (an empty needle occurs at `start`).
    public static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty else { return start <= haystack.count ? start : nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

private struct XMLParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ reason: String) -> XMLError { XMLError(offset: index, reason: reason) }

    mutating func document() throws(XMLError) -> XMLNode {
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("no root element") }
        let root = try element()
        try skipMisc()
        if index < bytes.count { throw fail("content after the root element") }
        return root
    }

    /// Whitespace, the declaration, processing instructions, comments and a doctype between elements.
    mutating func skipMisc() throws(XMLError) {
        while index < bytes.count {
            if isSpace(bytes[index]) { index += 1 } else if starts("<?") { try skip(past: "?>") } else if starts("<!--") { try skip(past: "-->") } else if starts("<!DOCTYPE") { try skip(past: ">") } else { return }
        }
    }

    func starts(_ text: String) -> Bool {
        let t = Array(text.utf8)
        return index + t.count <= bytes.count && bytes[index..<index + t.count].elementsEqual(t)
    }

    mutating func skip(past text: String) throws(XMLError) {
        let t = Array(text.utf8)
        while index + t.count <= bytes.count {
            if bytes[index..<index + t.count].elementsEqual(t) { index += t.count; return }
            index += 1
        }
        throw fail("unterminated \(text)")
    }

    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    mutating func name() throws(XMLError) -> String {
        let start = index
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "=") {
            index += 1
        }
        if start == index { throw fail("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `<name attr="…">content</name>` or `<name/>`; the cursor is on `<`.
    mutating func element() throws(XMLError) -> XMLNode {
        index += 1
        let tag = try name()
        // Attributes are skipped (AWS answers carry only xmlns), quoted values included.
        while true {
            guard index < bytes.count else { throw fail("unterminated tag <\(tag)") }
            let b = bytes[index]
            if b == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw fail("expected /> in <\(tag)") }
                index += 2
                return XMLNode(name: tag)
            }
            if b == UInt8(ascii: ">") { index += 1; break }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != b { index += 1 }
                guard index < bytes.count else { throw fail("unterminated attribute value in <\(tag)") }
            }
            index += 1
        }
        var node = XMLNode(name: tag)
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("<\(tag)> is not closed") }
            if starts("</") {
                index += 2
                let closing = try name()
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard closing == tag, index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("</\(closing)> does not close <\(tag)>") }
                index += 1
                break
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                text.append(contentsOf: bytes[start..<index - 3])
            } else if starts("<?") {
                try skip(past: "?>")
            } else if bytes[index] == UInt8(ascii: "<") {
                node.children.append(try element())
            } else if bytes[index] == UInt8(ascii: "&") {
                text.append(contentsOf: try entity())
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
        // Whitespace between child elements is layout, not text.
        if !node.children.isEmpty, text.allSatisfy(isSpace) { text = [] }
        node.text = String(decoding: text, as: UTF8.self)
        return node
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#10;` `&#x2F;`, as UTF-8 bytes; the cursor is on `&`.
    mutating func entity() throws(XMLError) -> [UInt8] {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";"), index - start < 12 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else { index = start; throw fail("unterminated entity") }
        let body = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
        index += 1
        switch body {
        case "amp": return [UInt8(ascii: "&")]
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default:
            var code: UInt32?
            if body.hasPrefix("#x") || body.hasPrefix("#X") { code = UInt32(body.dropFirst(2), radix: 16) } else if body.hasPrefix("#") { code = UInt32(body.dropFirst(), radix: 10) }
            guard let code, let scalar = Unicode.Scalar(code) else { index = start; throw fail("unknown entity &\(body);") }
            return Array(String(Character(scalar)).utf8)
        }
    }
}
