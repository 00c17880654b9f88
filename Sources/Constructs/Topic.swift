import AWSResources
import CloudFormation

/// An SNS topic for alarms, encrypted with a customer-managed key that CloudWatch may use
/// (alarms cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns` key).
public final class Topic: Construct {
    public private(set) var resource: Resource<SNS.Topic>!
    public private(set) var policy: Resource<SNS.TopicPolicy>?
    private let key: EncryptionKey

    public init(_ scope: Construct, _ id: String, displayName: String, key: EncryptionKey, email: String? = nil) {
        self.key = key
        super.init(scope, id)
        key.allowService("AllowCloudWatchAlarms", "cloudwatch.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                         conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])
        resource = Resource(self, "Resource", SNS.Topic(displayName: Value(displayName), kmsMasterKeyId: key.arn))
        if let email {
            resource.properties.subscription = [SNS.Topic.Subscription(endpoint: Value(email), protocol: "email")]
        }
    }

    /// `Ref` of a topic is its ARN.
    public var arn: Value<String> { resource.ref }

    /// Lets EventBridge rules of this account publish (a topic policy and the key's `GenerateDataKey`/`Decrypt` for
    /// `events.amazonaws.com`). Once per topic, however many rules target it.
    public func allowEventBridge() {
        guard policy == nil else { return }
        key.allowService("AllowEventBridge", "events.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                         conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])
        policy = Resource(self, "Policy", SNS.TopicPolicy(
            policyDocument: PolicyDocument([PolicyStatement(
                sid: "AllowEventBridgeRules", principals: [.service("events.amazonaws.com")], actions: ["sns:Publish"], resources: [arn],
                conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])]).templateValue,
            topics: Value([arn])))
    }
}
