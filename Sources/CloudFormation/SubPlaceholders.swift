import Foundation

/// The `${Name}` placeholders of an `Fn::Sub` template, in order, and whether a `${` is left unclosed.
/// `${!` is the escape for a literal `${` (what interpolation writes for `${` in literal text) and names nothing.
package struct SubPlaceholders: Equatable {
    package var names: [String]
    package var unclosed: Bool

    /// By bytes when every `$`, `{`, `!` and `}` the scan stops at has ASCII neighbours (or none): each of them is
    /// then a character of its own, so the bytes say what the characters say. Otherwise (a combining mark or
    /// other non-ASCII scalar right next to one) by characters, with Foundation's search, as before the byte scan.
    package init(_ template: String) {
        self = Self.byBytes(template) ?? Self.byCharacters(template)
    }

    init(names: [String], unclosed: Bool) {
        self.names = names
        self.unclosed = unclosed
    }

    /// nil when a delimiter touches a non-ASCII byte (then a grapheme cluster could join it to its neighbour).
    static func byBytes(_ template: String) -> SubPlaceholders? {
        var template = template
        return template.withUTF8 { bytes -> SubPlaceholders? in
            func standsAlone(_ index: Int) -> Bool {
                (index == 0 || bytes[index - 1] < 0x80) && (index + 1 == bytes.count || bytes[index + 1] < 0x80)
            }
            var result = SubPlaceholders(names: [], unclosed: false)
            var index = 0
            while index + 1 < bytes.count {
                guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{") else { index += 1; continue }
                guard standsAlone(index), standsAlone(index + 1) else { return nil }
                let after = index + 2
                if after < bytes.count, bytes[after] == UInt8(ascii: "!") {
                    guard standsAlone(after) else { return nil }
                    index = after
                    continue
                }
                guard let close = bytes[after...].firstIndex(of: UInt8(ascii: "}")) else {
                    result.unclosed = true
                    return result
                }
                guard standsAlone(close) else { return nil }
                result.names.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[after..<close]), as: UTF8.self))
                index = close + 1
            }
            return result
        }
    }

    /// By characters (grapheme clusters), with Foundation's search: the reference the byte scan is tested against.
    static func byCharacters(_ template: String) -> SubPlaceholders {
        var result = SubPlaceholders(names: [], unclosed: false)
        var rest = Substring(template)
        while let open = rest.range(of: "${") {
            let after = rest[open.upperBound...]
            if after.hasPrefix("!") { rest = after; continue }
            guard let close = after.firstIndex(of: "}") else {
                result.unclosed = true
                return result
            }
            let name = String(after[..<close])
            rest = after[after.index(after: close)...]
            if name.hasPrefix("!") { continue }
            result.names.append(name)
        }
        return result
    }
}
