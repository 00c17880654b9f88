/// How `JSON.serialized(_:)` lays a value out.
public struct JSONStyle: Sendable {
    /// Object keys sorted (String order) or in the object's own order.
    public var sortedKeys: Bool
    /// Spaces per level for one member or item a line (`": "` after keys); nil for compact output.
    public var indent: Int?

    public init(sortedKeys: Bool, indent: Int? = nil) {
        self.sortedKeys = sortedKeys
        self.indent = indent
    }

    /// Compact, keys sorted: the canonical form (same value, same bytes).
    public static let canonical = JSONStyle(sortedKeys: true)
    /// Compact, keys in the object's order.
    public static let ordered = JSONStyle(sortedKeys: false)
    /// Two-space indentation, keys in the object's order.
    public static let pretty = JSONStyle(sortedKeys: false, indent: 2)
}

extension JSON {
    /// Canonical compact JSON: no spaces, object keys sorted, `/` not escaped, only `"`, `\` and control
    /// characters escaped (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); numbers as their text.
    public var serialized: String { serialized(.canonical) }

    /// The canonical form's UTF-8 bytes.
    public var bytes: [UInt8] { Array(serialized.utf8) }

    public func serialized(_ style: JSONStyle) -> String {
        var out = ""
        write(to: &out, style: style, level: 0)
        return out
    }

    private func write(to out: inout String, style: JSONStyle, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (position, item) in items.enumerated() {
                if position > 0 { out += "," }
                Self.newline(&out, style, level + 1)
                item.write(to: &out, style: style, level: level + 1)
            }
            if !items.isEmpty { Self.newline(&out, style, level) }
            out += "]"
        case .object(let members):
            out += "{"
            let order = style.sortedKeys ? members.sorted { $0.key < $1.key } : Array(members)
            for (position, member) in order.enumerated() {
                if position > 0 { out += "," }
                Self.newline(&out, style, level + 1)
                Self.writeString(member.key, to: &out)
                out += style.indent == nil ? ":" : ": "
                member.value.write(to: &out, style: style, level: level + 1)
            }
            if !members.isEmpty { Self.newline(&out, style, level) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ style: JSONStyle, _ level: Int) {
        guard let indent = style.indent else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    /// Writes `text` as a JSON string literal (the canonical escaping).
    public static func writeString(_ text: String, to out: inout String) {
        out += "\""
        // Most strings need no escape (only `"`, `\` and controls do, all ASCII: no UTF-8 sequence contains their
        // bytes): one append instead of one per scalar.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = Array("0123456789abcdef")
                out += "\\u00"
                out.append(hex[Int(scalar.value >> 4)])
                out.append(hex[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
