/// CloudFormation's pseudo parameters.
public enum PseudoParameter: String, Sendable, CaseIterable {
    case accountId = "AWS::AccountId"
    case region = "AWS::Region"
    case partition = "AWS::Partition"
    case stackName = "AWS::StackName"
    case stackId = "AWS::StackId"
    case urlSuffix = "AWS::URLSuffix"
    case notificationARNs = "AWS::NotificationARNs"
    case noValue = "AWS::NoValue"
}

/// Pseudo parameters as typed values, so templates stay environment-agnostic.
public enum Pseudo {
    public static var accountId: Value<String> { Value(node: .pseudo(.accountId)) }
    public static var region: Value<String> { Value(node: .pseudo(.region)) }
    public static var partition: Value<String> { Value(node: .pseudo(.partition)) }
    public static var stackName: Value<String> { Value(node: .pseudo(.stackName)) }
    public static var stackId: Value<String> { Value(node: .pseudo(.stackId)) }
    /// `amazonaws.com`, or `amazonaws.com.cn` in China.
    public static var urlSuffix: Value<String> { Value(node: .pseudo(.urlSuffix)) }
    public static var notificationARNs: Value<[String]> { Value(node: .pseudo(.notificationARNs)) }
}

/// The intrinsic functions, typed.
public enum Fn {
    /// `Fn::Join` over typed parts.
    public static func join(_ separator: String, _ parts: [Value<String>]) -> Value<String> {
        Value(node: .join(separator, .array(parts.map { $0.node })))
    }

    /// `Fn::Join` over a list value (a `CommaDelimitedList` parameter, `Fn::Split`, …).
    public static func join(_ separator: String, _ list: Value<[String]>) -> Value<String> {
        Value(node: .join(separator, list.node))
    }

    /// `Fn::Select`.
    public static func select<E>(_ index: Int, _ list: Value<[E]>) -> Value<E> {
        Value(node: .select(index, list.node))
    }

    /// `Fn::Split`.
    public static func split(_ separator: String, _ source: Value<String>) -> Value<[String]> {
        Value(node: .split(separator, source.node))
    }

    /// `Fn::Sub` with an explicit variables map. Every `${Name}` in the template must be a variable or a
    /// pseudo parameter; a placeholder naming anything else is reported as a dangling reference at synth time
    /// (logical IDs are derived, so templates never name them by hand). Prefer string interpolation on `Value<String>`.
    public static func sub(_ template: String, _ variables: [String: Value<String>] = [:]) -> Value<String> {
        Value(node: .sub(template, variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value.node) }))
    }

    /// `Fn::ImportValue` of an export created outside this app. Cross-stack references inside the app are made for you.
    public static func importValue(_ exportName: Value<String>) -> Value<String> {
        Value(node: .importValue(exportName.node))
    }

    /// `Fn::FindInMap`.
    public static func findInMap(_ mapping: Mapping, _ topLevelKey: Value<String>, _ secondLevelKey: Value<String>) -> Value<String> {
        Value(node: .findInMap(mapping, topLevelKey.node, secondLevelKey.node))
    }

    /// `Fn::If`: one of two values of the same type, by a condition.
    public static func `if`<T>(_ condition: Condition, _ whenTrue: Value<T>, _ whenFalse: Value<T>) -> Value<T> {
        Value(node: .if(condition, whenTrue.node, whenFalse.node))
    }

    /// `Fn::If` for JSON documents and other untyped values.
    public static func `if`(_ condition: Condition, _ whenTrue: TemplateValue, _ whenFalse: TemplateValue) -> TemplateValue {
        .if(condition, whenTrue, whenFalse)
    }

    /// `Fn::GetAZs`; the default is the stack's region.
    public static func getAZs(_ region: Value<String> = "") -> Value<[String]> {
        Value(node: .getAZs(region.node))
    }

    /// `Fn::Base64`.
    public static func base64(_ value: Value<String>) -> Value<String> {
        Value(node: .base64(value.node))
    }

    /// `Fn::Cidr`.
    public static func cidr(_ ipBlock: Value<String>, count: Value<Int>, cidrBits: Value<Int>) -> Value<[String]> {
        Value(node: .cidr(ipBlock.node, count.node, cidrBits.node))
    }

    /// `Fn::Equals`.
    public static func equals(_ a: Value<String>, _ b: Value<String>) -> ConditionExpression { .equals(a.node, b.node) }
    /// `Fn::Not`.
    public static func not(_ expression: ConditionExpression) -> ConditionExpression { .not(expression) }
    /// `Fn::And` (2 to 10 conditions).
    public static func and(_ expressions: ConditionExpression...) -> ConditionExpression { .and(expressions) }
    /// `Fn::Or` (2 to 10 conditions).
    public static func or(_ expressions: ConditionExpression...) -> ConditionExpression { .or(expressions) }
}

/// SSM and Secrets Manager dynamic references, resolved by CloudFormation at deploy time.
///
/// Note: prefer a template parameter of type `AWS::SSM::Parameter::Value<String>` when the value must
/// change between deployments: a dynamic reference is resolved only when the resource itself changes.
public enum DynamicReference {
    /// `{{resolve:ssm:NAME}}` or `{{resolve:ssm:NAME:VERSION}}`.
    public static func ssm(_ name: String, version: Int? = nil) -> Value<String> {
        Value(node: .dynamicReference("{{resolve:ssm:\(name)\(version.map { ":\($0)" } ?? "")}}"))
    }

    /// `{{resolve:ssm-secure:NAME:VERSION}}` (only some properties accept it).
    public static func ssmSecure(_ name: String, version: Int) -> Value<String> {
        Value(node: .dynamicReference("{{resolve:ssm-secure:\(name):\(version)}}"))
    }

    /// `{{resolve:secretsmanager:SECRET:SecretString:KEY}}`.
    public static func secretsManager(_ secretId: String, jsonKey: String? = nil) -> Value<String> {
        Value(node: .dynamicReference("{{resolve:secretsmanager:\(secretId):SecretString:\(jsonKey ?? "")}}"))
    }
}
