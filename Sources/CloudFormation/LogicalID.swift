/// Logical IDs derived from construct paths.
public enum LogicalID {
    /// CloudFormation's rule for logical IDs.
    public static let rule = "logical IDs must match ^[A-Za-z0-9]{1,255}$"

    /// Ids that do not appear in the logical ID, so a construct's main resource is named after the construct.
    public static let hiddenIds: Set<String> = ["Resource", "Default"]

    static func make(for element: Construct) -> String {
        // The ids from below the stack down to the element (or from the root when there is no stack), hidden
        // ids left out, each sanitized, joined; the element's own id when all are hidden. Written into one
        // buffer by a walk up the tree, without intermediate arrays.
        var output: [UInt8] = []
        output.reserveCapacity(32)
        var visible = 0
        func visit(_ node: Construct) {
            if node is Stack { return }
            if let scope = node.scope { visit(scope) }
            if !hiddenIdList.contains(node.id) {
                sanitize(node.id, into: &output)
                visible += 1
            }
        }
        visit(element)
        if visible == 0 { sanitize(element.id, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// `hiddenIds` as a list: two short ids are compared faster than hashed.
    private static let hiddenIdList = Array(hiddenIds)

    /// Keeps ASCII letters and digits; capitalises the letter after a removed character (`model-bucket` → `modelBucket`).
    /// Works on UTF-8 bytes: a non-ASCII scalar is removed like any other non-alphanumeric (each of its bytes is ≥ 0x80).
    public static func sanitize(_ id: String) -> String {
        var result: [UInt8] = []
        sanitize(id, into: &result)
        return String(decoding: result, as: UTF8.self)
    }

    /// Appends the sanitized id (the capitalisation rule starts afresh for each id).
    static func sanitize(_ id: String, into output: inout [UInt8]) {
        let start = output.count
        var upperNext = false
        var id = id
        id.withUTF8 { bytes in
            for byte in bytes {
                if isASCIIAlphanumeric(byte) {
                    output.append(upperNext && byte >= UInt8(ascii: "a") ? byte - 0x20 : byte)
                    upperNext = false
                } else {
                    upperNext = output.count > start  // the same for every byte of a removed non-ASCII scalar
                }
            }
        }
    }

    /// ASCII letters and digits only, so the character count is the byte count.
    static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 255 && id.utf8.allSatisfy(isASCIIAlphanumeric)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
