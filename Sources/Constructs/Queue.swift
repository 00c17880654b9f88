import AWSResources
import CloudFormation

/// An SQS queue encrypted with a customer-managed key, used as a dead-letter queue: failed asynchronous
/// invocations land here instead of being dropped, and stay for the maximum 14 days. The queue is retained when it is
/// deleted from the stack or replaced (`DeletionPolicy`/`UpdateReplacePolicy` `Retain`, as for keys, log groups and
/// buckets), so the failed events it holds are not lost with it.
public final class Queue: Construct {
    public private(set) var resource: Resource<SQS.Queue>!
    public let key: EncryptionKey

    public init(_ scope: Construct, _ id: String, key: EncryptionKey) {
        self.key = key
        super.init(scope, id)
        resource = Resource(self, "Resource", SQS.Queue(kmsMasterKeyId: key.arn, messageRetentionPeriod: 1_209_600))
        resource.deletionPolicy = .retain
        resource.updateReplacePolicy = .retain
    }

    public var arn: Value<String> { resource.attrArn }

    /// Lets a role send messages (and encrypt them with the queue's key).
    public func grantSendMessages(_ role: Role) {
        role.addToPolicy(PolicyStatement(actions: ["sqs:SendMessage"], resources: [arn]))
        key.grantEncryptDecrypt(role)
    }
}
