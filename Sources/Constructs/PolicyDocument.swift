import CloudFormation

/// Who a statement applies to, in a resource or trust policy.
public enum Principal {
    /// An AWS service, such as `lambda.amazonaws.com` (regional ones such as `logs.${AWS::Region}.amazonaws.com` via interpolation).
    case service(Value<String>)
    /// An account (root principal) or an IAM ARN.
    case aws(Value<String>)

    /// The account this stack is deployed into.
    public static var thisAccount: Principal { .aws("arn:\(Pseudo.partition):iam::\(Pseudo.accountId):root") }

    var templateValue: TemplateValue {
        switch self {
        case .service(let name): ["Service": name.node]
        case .aws(let arn): ["AWS": arn.node]
        }
    }
}

/// One IAM policy statement. Actions and resources are explicit: there is no `*` action, and a `*`
/// resource only for actions that have no resource-level permissions (see `Role.validate`).
public struct PolicyStatement {
    public enum Effect: String { case allow = "Allow", deny = "Deny" }

    /// A condition block entry: `{"StringEquals": {"cloudwatch:namespace": "MLOps"}}`.
    public struct Condition {
        public var test: String
        public var key: String
        public var values: [Value<String>]

        public init(_ test: String, _ key: String, _ values: [Value<String>]) {
            self.test = test
            self.key = key
            self.values = values
        }
    }

    public var sid: String?
    public var effect: Effect
    public var principals: [Principal]
    public var actions: [String]
    public var resources: [Value<String>]
    public var conditions: [Condition]

    public init(sid: String? = nil, effect: Effect = .allow, principals: [Principal] = [], actions: [String],
                resources: [Value<String>], conditions: [Condition] = []) {
        self.sid = sid
        self.effect = effect
        self.principals = principals
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }

    /// The statement without its actions (its `Action` member left out of the rendered statement), as JSON: two
    /// statements with the same key differ only in actions.
    static func scopeKey(rendered: TemplateValue) -> String {
        guard case .object(let members) = rendered else { return JSONWriter.write(rendered) }
        return JSONWriter.write(.object(members.filter { $0.0 != "Action" }))
    }

    var templateValue: TemplateValue {
        var members: [(String, TemplateValue)] = []
        if let sid { members.append(("Sid", .string(sid))) }
        members.append(("Effect", .string(effect.rawValue)))
        if !principals.isEmpty {
            // Merge principals of one kind into one list, as IAM writes them.
            var merged: [(String, [TemplateValue])] = []
            for principal in principals {
                guard case .object(let entries) = principal.templateValue, let (kind, value) = entries.first else { continue }
                if let index = merged.firstIndex(where: { $0.0 == kind }) { merged[index].1.append(value) } else { merged.append((kind, [value])) }
            }
            members.append(("Principal", .object(merged.map { ($0.0, $0.1.count == 1 ? $0.1[0] : .array($0.1)) })))
        }
        if !actions.isEmpty {
            members.append(("Action", actions.count == 1 ? .string(actions[0]) : .array(actions.map(TemplateValue.string))))
        }
        // Trust policies name no resource.
        if !resources.isEmpty {
            members.append(("Resource", resources.count == 1 ? resources[0].node : .array(resources.map(\.node))))
        }
        if !conditions.isEmpty {
            var tests: [(String, [(String, TemplateValue)])] = []
            for condition in conditions {
                let value: TemplateValue = condition.values.count == 1 ? condition.values[0].node : .array(condition.values.map(\.node))
                if let index = tests.firstIndex(where: { $0.0 == condition.test }) {
                    tests[index].1.append((condition.key, value))
                } else {
                    tests.append((condition.test, [(condition.key, value)]))
                }
            }
            members.append(("Condition", .object(tests.map { ($0.0, .object($0.1)) })))
        }
        return .object(members)
    }
}

/// An IAM policy document.
public struct PolicyDocument {
    public var statements: [PolicyStatement]

    public init(_ statements: [PolicyStatement] = []) { self.statements = statements }

    public var templateValue: TemplateValue { Self.templateValue(statements: statements.map(\.templateValue)) }

    /// The document around statements already rendered.
    static func templateValue(statements: [TemplateValue]) -> TemplateValue {
        ["Version": "2012-10-17", "Statement": .array(statements)]
    }
}
