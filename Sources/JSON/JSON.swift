/// A JSON document: the one JSON value of this package, parsed and written without Foundation.
///
/// Used by the Lambda handlers (events, AWS answers, responses), the pipeline's config reader, the template
/// assertions and `--diff` (through `TemplateJSON`), and the resource generator (registry schemas).
///
/// - Objects are `JSONObject`s: they keep the order of the document, or of construction, and are written with
///   their keys sorted by `serialized` (the canonical form: same value, same bytes) or in that order by
///   `serialized(.ordered)`.
/// - Numbers keep their text (`.number("1.50")`): no precision is lost and integers stay integers.
/// - Equality is JSON equality for objects (key order does not matter, as in the handler's former
///   `[String: JSON]`) and exact otherwise: numbers compare by their text (`1.0` is not `1`), arrays in order.
///
/// Why not Foundation: the handler binary is linked with `-static-executable`, and FoundationEssentials alone adds
/// about 7 MB to it; and `JSONSerialization` reports neither positions nor duplicate keys, and loses key order.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text as it appeared (or as written).
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// An object from a dictionary (written `.object(members)` where `members` is a `[String: JSON]`); its members
    /// are ordered by key. A dictionary literal (`.object(["k": .string("v")])`) builds a `JSONObject` directly and
    /// keeps the literal's order.
    @_disfavoredOverload
    public static func object(_ members: [String: JSON]) -> JSON { .object(JSONObject(members)) }

    /// An integer number.
    public static func int(_ value: Int) -> JSON { .number(String(value)) }

    /// The member `key` of an object; nil for a missing key or when this is not an object.
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The item at `index` of an array; nil when out of range or when this is not an array.
    public subscript(index: Int) -> JSON? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of an integral number written without fraction or exponent (`3`, not `3.5`, `3e0` or `"3"`).
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// The value of any number, as the nearest `Double` (nil when it is not finite).
    public var doubleValue: Double? {
        if case .number(let text) = self, let value = Double(text), value.isFinite { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON type's name, for error messages (`"Records is a string, not an array"`).
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
