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
        var out = ByteSink(capacity: 4096)
        defer { out.deallocate() }
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out.string
    }

    private static func write(_ value: TemplateValue, indent: Int, into out: inout ByteSink) {
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): writeInteger(i, into: &out)
        case .double(let d): out.append(formatNumber(d))
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            if items.isEmpty { out.append(UInt8(ascii: "["), UInt8(ascii: "]")); return }
            out.append(UInt8(ascii: "["), UInt8(ascii: "\n"))
            items.withUnsafeBufferPointer { items in
                for index in items.indices {
                    out.pad(indent + 1)
                    write(items[index], indent: indent + 1, into: &out)
                    if index != items.count - 1 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "\n"))
                }
            }
            out.pad(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(UInt8(ascii: "{"), UInt8(ascii: "}")); return }
            out.append(UInt8(ascii: "{"), UInt8(ascii: "\n"))
            members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    out.pad(indent + 1)
                    writeString(members[index].0, into: &out)
                    out.append(UInt8(ascii: ":"), UInt8(ascii: " "))
                    write(members[index].1, indent: indent + 1, into: &out)
                    if index != members.count - 1 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "\n"))
                }
            }
            out.pad(indent)
            out.append(UInt8(ascii: "}"))
        default:
            writeString(value.debugDescription, into: &out)
        }
    }

    private static func writeInteger(_ i: Int, into out: inout ByteSink) {
        guard i >= 0 else { out.append(String(i)); return }
        if i < 10 { out.append(UInt8(truncatingIfNeeded: i) &+ 0x30); return }
        var digits = 0
        var rest = i
        while rest > 0 { digits += 1; rest /= 10 }
        out.reserve(digits)
        rest = i
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            out.base[out.count + offset] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
            rest /= 10
        }
        out.count += digits
    }

    /// `"`, `\` and control characters escaped; everything else copied as UTF-8 (runs without escapes in one copy).
    private static func writeString(_ s: String, into out: inout ByteSink) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none of them needs an escape (most strings have no escape at all).
                if index + 8 <= bytes.count,
                   !mayNeedEscape(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                let index = index - 1
                out.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    out.append(UInt8(ascii: "\\"), UInt8(ascii: "u"))
                    out.append(0x30, 0x30)
                    out.append(hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)])
                }
            }
            out.append(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, `"` or `\` (false positives allowed, none missed): the
    /// usual tests for "a byte less than n" and "a zero byte" on the word and on the word xor-ed with the quote and the backslash.
    @inline(__always) static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// Shortest exact form: `3`, `0.25`, `1e-07`; whole numbers without a decimal point; non-finite as `null`.
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}

/// A growable byte buffer for the writer: appends without Array's uniqueness and bounds checks per byte.
struct ByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    /// Room for `extra` more bytes.
    @inline(__always) mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base[count] = first
        base[count + 1] = second
        count += 2
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Two spaces per level.
    mutating func pad(_ indent: Int) {
        let width = indent * 2
        reserve(width)
        (base + count).initialize(repeating: UInt8(ascii: " "), count: width)
        count += width
    }

    /// The bytes as a String (UTF-8, copied once).
    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}
