import JSON

/// Reads template JSON text back into a `TemplateValue` (literals only, object keys in file order).
///
/// The one seam through which the assertions library and `--diff` read JSON, on the package's one JSON parser
/// (the Foundation-free `JSON` target), strictly: a repeated key is an error, and errors name line and column.
package enum TemplateJSON {
    /// Parses JSON text; integers stay `.integer`, other numbers `.double`, keys keep their order.
    package static func parse(_ text: String) throws(JSONError) -> TemplateValue {
        convert(try JSON(parsing: text, options: .strict))
    }

    /// A parsed JSON value as a template value: a number without fraction or exponent that fits an `Int` is
    /// `.integer`, any other number `.double`.
    package static func convert(_ json: JSON) -> TemplateValue {
        switch json {
        case .string(let s): return .string(s)
        case .number(let text):
            if let i = Int(text) { return .integer(i) }
            return .double(Double(text) ?? .nan)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .array(let items): return .array(items.map(convert))
        case .object(let members): return .object(members.map { ($0.key, convert($0.value)) })
        }
    }

    /// JSON equality of two literal values: objects compare regardless of key order, `1` equals `1.0`.
    /// Values holding intrinsics (never the case for parsed JSON) compare by their rendered form.
    package static func equal(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return Double(x) == y
        case (.double(let x), .double(let y)): return x == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { member in y.first { $0.0 == member.0 }.map { equal(member.1, $0.1) } ?? false }
        default:
            if a.isLiteral || b.isLiteral { return false }
            return JSONWriter.write(a) == JSONWriter.write(b)
        }
    }

    /// Compact one-line JSON for messages: `{"Status": "Enabled"}`, long values cut at `limit` characters.
    package static func compact(_ value: TemplateValue, limit: Int = 120) -> String {
        var out = ""
        write(value, into: &out)
        if out.count > limit { return String(out.prefix(limit - 1)) + "…" }
        return out
    }

    private static func write(_ value: TemplateValue, into out: inout String) {
        switch value {
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                write(item, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += ", " }
                JSON.writeString(member.0, to: &out)
                out += ": "
                write(member.1, into: &out)
            }
            out += "}"
        case .string(let s): JSON.writeString(s, to: &out)
        default: out += value.debugDescription
        }
    }
}

/// Reading values back: what tests and tools need to look into a parsed template.
extension TemplateValue {
    /// The item at `index` of an array, if any.
    public subscript(index: Int) -> TemplateValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The string, when this is one.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The items, when this is an array.
    public var arrayValue: [TemplateValue]? { if case .array(let items) = self { items } else { nil } }
}
