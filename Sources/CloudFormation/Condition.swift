/// A condition function tree, used in a stack's `Conditions` section.
public indirect enum ConditionExpression {
    case equals(TemplateValue, TemplateValue)
    case not(ConditionExpression)
    case and([ConditionExpression])
    case or([ConditionExpression])
    /// `{"Condition": name}`: another named condition.
    case condition(Condition)
}

/// A named condition in a stack's `Conditions` section, for `Fn::If` and a resource's `Condition`.
public final class Condition: TemplateElement {
    override public var asResource: AnyResource? { nil }

    public let expression: ConditionExpression

    public init(_ scope: Construct, _ id: String, _ expression: ConditionExpression) {
        self.expression = expression
        super.init(scope, id)
    }

    /// This condition as an operand of another condition function.
    public var asExpression: ConditionExpression { .condition(self) }
}

/// A stack's `Mappings` entry: a two-level map of strings for `Fn::FindInMap`.
public final class Mapping: TemplateElement {
    override public var asResource: AnyResource? { nil }

    public let entries: [String: [String: TemplateValue]]

    public init(_ scope: Construct, _ id: String, _ entries: [String: [String: TemplateValue]]) {
        self.entries = entries
        super.init(scope, id)
    }

    /// The value at two literal keys, with an error at synth time if either is missing.
    public func find(_ topLevelKey: String, _ secondLevelKey: String) -> Value<String> {
        Fn.findInMap(self, Value(topLevelKey), Value(secondLevelKey))
    }
}
