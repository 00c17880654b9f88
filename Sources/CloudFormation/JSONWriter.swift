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
/// The document is written into one byte buffer (UTF-8), which becomes the `String` once at the end.
///
/// Intrinsic functions must be resolved before writing (the synthesizer does that); the writer renders
/// any that remain through their debug form, which never happens for a synthesized template.
public enum JSONWriter {
    public static func write(_ value: TemplateValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: TemplateValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): writeInteger(i, into: &out)
        case .double(let d): out.append(contentsOf: formatNumber(d).utf8)
        case .bool(let b): out.append(contentsOf: b ? trueBytes : falseBytes)
        case .null: out.append(contentsOf: nullBytes)
        case .array(let items):
            if items.isEmpty { out.append(UInt8(ascii: "[")); out.append(UInt8(ascii: "]")); return }
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for index in items.indices {
                pad(indent + 1, &out)
                write(items[index], indent: indent + 1, into: &out)
                if index != items.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(UInt8(ascii: "{")); out.append(UInt8(ascii: "}")); return }
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            for index in members.indices {
                pad(indent + 1, &out)
                writeString(members[index].0, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                write(members[index].1, indent: indent + 1, into: &out)
                if index != members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        default:
            writeString(value.debugDescription, into: &out)
        }
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    private static func pad(_ indent: Int, _ out: inout [UInt8]) {
        var remaining = indent * 2
        while remaining > 0 {
            let count = min(remaining, spaces.count)
            out.append(contentsOf: spaces[0..<count])
            remaining -= count
        }
    }

    private static func writeInteger(_ i: Int, into out: inout [UInt8]) {
        if i >= 0, i < 10 { out.append(UInt8(truncatingIfNeeded: i) &+ 0x30); return }
        out.append(contentsOf: String(i).utf8)  // a small string: no allocation
    }

    /// `"`, `\` and control characters escaped; everything else copied as UTF-8 (runs without escapes in one copy).
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Shortest exact form: `3`, `0.25`, `1e-07`; whole numbers without a decimal point; non-finite as `null`.
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}
