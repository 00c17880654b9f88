/// Logical IDs derived from construct paths.
public enum LogicalID {
    /// CloudFormation's rule for logical IDs.
    public static let rule = "logical IDs must match ^[A-Za-z0-9]{1,255}$"

    /// Ids that do not appear in the logical ID, so a construct's main resource is named after the construct.
    public static let hiddenIds: Set<String> = ["Resource", "Default"]

    static func make(for element: Construct) -> String {
        var ids: [String] = []
        var node: Construct? = element
        while let current = node, !(current is Stack) {
            ids.append(current.id)
            node = current.scope
        }
        let visible = ids.reversed().filter { !hiddenIds.contains($0) }
        return (visible.isEmpty ? [element.id] : visible).map(sanitize).joined()
    }

    /// Keeps ASCII letters and digits; capitalises the letter after a removed character (`model-bucket` → `modelBucket`).
    public static func sanitize(_ id: String) -> String {
        var result = ""
        var upperNext = false
        for scalar in id.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                let character = Character(scalar)
                result.append(upperNext ? Character(character.uppercased()) : character)
                upperNext = false
            } else {
                upperNext = !result.isEmpty
            }
        }
        return result
    }

    static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 255 && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
