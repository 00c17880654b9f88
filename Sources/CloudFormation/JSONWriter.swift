/// The canonical JSON writer for templates and the manifest.
///
/// Why not `JSONEncoder`: it escapes `/`, rounds some numbers and orders keys its own way. This writer
/// guarantees the same bytes for the same input:
/// - object keys in the order the value holds them (templates: `AWSTemplateFormatVersion`, `Description`,
///   `Parameters`, `Mappings`, `Conditions`, `Resources`, `Outputs`; resources: `Type`, `Condition`,
///   `DependsOn`, `Properties`, `DeletionPolicy`, `UpdateReplacePolicy`, `Metadata`; properties in schema order);
/// - two-space indentation, `": "` after keys, empty containers as `{}` and `[]`, a trailing newline;
/// - strings escaped minimally: `"` `\` and control characters (as `\n` `\r` `\t` `\b` `\f` or `\u00XX`);
///   `/` and non-ASCII are written as they are (UTF-8);
/// - integers without a decimal point, other numbers in the shortest form that reads back exactly.
///
/// Intrinsic functions must be resolved before writing (the synthesizer does that); the writer renders
/// any that remain through their debug form, which never happens for a synthesized template.
public enum JSONWriter {
    public static func write(_ value: TemplateValue) -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(value, indent: 0, into: &out)
        out.append("\n")
        return out
    }

    private static func write(_ value: TemplateValue, indent: Int, into out: inout String) {
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): out.append(String(i))
        case .double(let d): out.append(formatNumber(d))
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (index, item) in items.enumerated() {
                pad(indent + 1, &out)
                write(item, indent: indent + 1, into: &out)
                out.append(index == items.count - 1 ? "\n" : ",\n")
            }
            pad(indent, &out)
            out.append("]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (index, member) in members.enumerated() {
                pad(indent + 1, &out)
                writeString(member.0, into: &out)
                out.append(": ")
                write(member.1, indent: indent + 1, into: &out)
                out.append(index == members.count - 1 ? "\n" : ",\n")
            }
            pad(indent, &out)
            out.append("}")
        default:
            writeString(value.debugDescription, into: &out)
        }
    }

    private static func pad(_ indent: Int, _ out: inout String) {
        for _ in 0..<indent { out.append("  ") }
    }

    static func writeString(_ s: String, into out: inout String) {
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

    /// Shortest exact form: `3`, `0.25`, `1e-07`; whole numbers without a decimal point; non-finite as `null`.
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}
