/// Literals: `let schema: JSON = ["type": "string", "maxLength": 12, "required": ["Id"], "strict": true]`.
/// Objects keep the literal's order. There is no `nil` literal (it would be ambiguous with `JSON?`): write `.null`.
extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    /// The shortest text that reads back as the same `Double` (`2.5`, `0.1`).
    public init(floatLiteral value: Double) { self = .number(value.description) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
}
