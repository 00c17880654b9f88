import AWSResources
import CloudFormation

/// An encrypted SQS queue used as a dead-letter queue: failed asynchronous invocations land here instead of being
/// dropped, and stay for the maximum 14 days. Encrypted with the given customer-managed key, else with SQS-managed keys.
/// The queue is retained when it is deleted from the stack or replaced (`DeletionPolicy`/`UpdateReplacePolicy`
/// `Retain`, as for keys, log groups and buckets), so the failed events it holds are not lost with it.
public final class Queue: Construct {
    public var resource: Resource<SQS.Queue> { storedResource }
    private var storedResource: Resource<SQS.Queue>!
    public let key: EncryptionKey?

    public init(_ scope: Construct, _ id: String, key: EncryptionKey? = nil) {
        self.key = key
        super.init(scope, id)
        storedResource = Resource(self, "Resource", SQS.Queue(kmsMasterKeyId: key?.arn, messageRetentionPeriod: 1_209_600,
                                                        sqsManagedSseEnabled: key == nil ? true : nil))
        resource.deletionPolicy = .retain
        resource.updateReplacePolicy = .retain
    }

    public var arn: Value<String> { resource.attrArn }

    /// Lets a role send messages (and encrypt them with the queue's customer-managed key, when it has one).
    public func grantSendMessages(_ role: Role) {
        role.addToPolicy(PolicyStatement(actions: ["sqs:SendMessage"], resources: [arn]))
        key?.grantEncryptDecrypt(role)
    }
}
