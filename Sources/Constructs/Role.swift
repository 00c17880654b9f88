import AWSResources
import CloudFormation

/// An IAM role whose permissions come only from grants (`bucket.grantRead(role)`, `parameter.grantWrite(function)`),
/// kept in one inline policy so they exist before anything that assumes the role.
///
/// Synthesis rejects `*` actions, `*FullAccess` managed policies, and `*` resources except for the actions
/// that have no resource-level permissions.
public final class Role: Construct {
    /// Actions AWS only grants on `"Resource": "*"`.
    public static let actionsWithoutResourceLevelPermissions: Set<String> = [
        "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
        "sagemaker:ListModelPackages",
    ]

    /// The `AWS::IAM::Role` (set once, in `init`, after the construct exists to be its scope).
    public var resource: Resource<IAM.Role> { storedResource }
    private var storedResource: Resource<IAM.Role>!
    /// The inline policy's statements, in order.
    public var statements: [PolicyStatement] { entries.map { $0.statement } }
    /// Each statement with its `scopeKey` (everything but its actions) and its rendered form, both made when the
    /// statement is added or extended: a grant renders one statement, not the whole policy again.
    private var entries: [(statement: PolicyStatement, scopeKey: String, rendered: TemplateValue)] = []
    private let policyName: String

    /// A role that `service` (for example `lambda.amazonaws.com`) may assume, limited to this account.
    public init(_ scope: Construct, _ id: String, assumedBy service: Value<String>, description: String? = nil) {
        let trust = PolicyDocument([PolicyStatement(principals: [.service(service)], actions: ["sts:AssumeRole"], resources: [],
                                                    conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])])
        policyName = "\(LogicalID.sanitize(id))Permissions"
        super.init(scope, id)
        storedResource = Resource(self, "Resource", IAM.Role(assumeRolePolicyDocument: trust.templateValue))
        if let description { resource.properties.description = Value(description) }
    }

    /// The role's ARN.
    public var arn: Value<String> { resource.attrArn }

    /// Adds a statement to the role's single inline policy, in order. A statement another one already covers (same
    /// effect, resources and conditions, actions a subset) is not added twice, and one that only adds actions to an
    /// existing statement extends it, so two grants on one key give one statement.
    public func addToPolicy(_ statement: PolicyStatement) {
        let rendered = statement.templateValue
        let scope = PolicyStatement.scopeKey(rendered: rendered)
        if let index = entries.firstIndex(where: { $0.scopeKey == scope }) {
            let existing = entries[index].statement
            let missing = statement.actions.filter { !existing.actions.contains($0) }
            if missing.isEmpty { return }
            if Set(statement.actions).isSuperset(of: existing.actions) {
                entries[index].statement.actions += missing
                entries[index].rendered = entries[index].statement.templateValue
                updatePolicy()
                return
            }
        }
        entries.append((statement, scope, rendered))
        updatePolicy()
    }

    private func updatePolicy() {
        let document = PolicyDocument.templateValue(statements: entries.map { $0.rendered })
        resource.properties.policies = [IAM.Role.Policy(policyDocument: document, policyName: Value(policyName))]
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        for arn in resource.properties.managedPolicyArns?.literal ?? [] where arn.hasSuffix("FullAccess") {
            report.error(resource, property: "ManagedPolicyArns", value: arn, rule: "FullAccess managed policies are not allowed; grant the exact actions")
        }
        for (index, statement) in statements.enumerated() {
            let property = "Policies[0].PolicyDocument.Statement[\(index)]"
            for action in statement.actions where action == "*" || action.hasSuffix(":*") {
                report.error(resource, property: "\(property).Action", value: action, rule: "wildcard actions are not allowed; list the actions the role needs")
            }
            let wildcard = statement.resources.contains { $0.literal == "*" }
            if wildcard, let action = statement.actions.first(where: { !Self.actionsWithoutResourceLevelPermissions.contains($0) }) {
                report.error(resource, property: "\(property).Resource", value: "*",
                             rule: "\(action) supports resource-level permissions; name the resources instead of *")
            }
            if statement.resources.isEmpty {
                report.error(resource, property: "\(property).Resource", value: "[]", rule: "a statement needs at least one resource")
            }
        }
    }
}
