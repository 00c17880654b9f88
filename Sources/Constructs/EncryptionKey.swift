import AWSResources
import CloudFormation

/// A customer-managed KMS key with yearly rotation, for logs, queues, topics and Lambda environments.
///
/// The key policy gives the account's administrators (IAM) control of the key, as AWS's default
/// policy does; services that encrypt on our behalf are added with `allowService`, and roles get
/// use of the key through `grantEncryptDecrypt`.
public final class EncryptionKey: Construct {
    public var resource: Resource<KMS.Key> { storedResource }
    private var storedResource: Resource<KMS.Key>!
    private var statements: [PolicyStatement]

    public init(_ scope: Construct, _ id: String, description: String) {
        statements = [PolicyStatement(sid: "AccountAdministration", principals: [.thisAccount], actions: ["kms:*"], resources: ["*"])]
        super.init(scope, id)
        storedResource = Resource(self, "Resource", KMS.Key(
            description: Value(description), enableKeyRotation: true, keyPolicy: PolicyDocument(statements).templateValue,
            pendingWindowInDays: 30))
        resource.deletionPolicy = .retain
        resource.updateReplacePolicy = .retain
    }

    public var arn: Value<String> { resource.attrArn }

    /// Lets an AWS service principal use the key (for example CloudWatch Logs for a log group, or CloudWatch for alarms to an encrypted topic).
    /// Statement ids are unique in a key policy: a second call with the same `sid` keeps the first statement.
    public func allowService(_ sid: String, _ service: Value<String>, actions: [String], conditions: [PolicyStatement.Condition] = []) {
        if statements.contains(where: { $0.sid == sid }) { return }
        statements.append(PolicyStatement(sid: sid, principals: [.service(service)], actions: actions, resources: ["*"], conditions: conditions))
        resource.properties.keyPolicy = PolicyDocument(statements).templateValue
    }

    /// Lets a role encrypt and decrypt with this key.
    public func grantEncryptDecrypt(_ role: Role) {
        role.addToPolicy(PolicyStatement(actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [arn]))
    }

    /// Lets a SageMaker execution role use the key for the volumes and data of what SageMaker runs for it (endpoint
    /// instances, processing jobs): encrypt and decrypt, `DescribeKey`, and `CreateGrant` only for grants to AWS
    /// resources, never for a principal of the role's choosing.
    public func grantSageMakerUse(_ role: Role) {
        grantEncryptDecrypt(role)
        role.addToPolicy(PolicyStatement(actions: ["kms:CreateGrant"], resources: [arn],
                                         conditions: [.init("Bool", "kms:GrantIsForAWSResource", ["true"])]))
        role.addToPolicy(PolicyStatement(actions: ["kms:DescribeKey"], resources: [arn]))
    }

    /// Lets a role decrypt with this key.
    public func grantDecrypt(_ role: Role) {
        role.addToPolicy(PolicyStatement(actions: ["kms:Decrypt"], resources: [arn]))
    }
}
