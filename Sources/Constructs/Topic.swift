import AWSResources
import CloudFormation

/// An SNS topic for alarms, encrypted with a customer-managed key that CloudWatch may use
/// (alarms cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns` key).
public final class Topic: Construct {
    public var resource: Resource<SNS.Topic> { storedResource }
    private var storedResource: Resource<SNS.Topic>!
    public private(set) var policy: Resource<SNS.TopicPolicy>?
    private let key: EncryptionKey
    private var policyStatements: [PolicyStatement] = []

    public init(_ scope: Construct, _ id: String, displayName: String, key: EncryptionKey, email: String? = nil) {
        self.key = key
        super.init(scope, id)
        key.allowService("AllowCloudWatchAlarms", "cloudwatch.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                         conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])
        storedResource = Resource(self, "Resource", SNS.Topic(displayName: Value(displayName), kmsMasterKeyId: key.arn))
        if let email {
            resource.properties.subscription = [SNS.Topic.Subscription(endpoint: Value(email), protocol: "email")]
        }
    }

    /// `Ref` of a topic is its ARN.
    public var arn: Value<String> { resource.ref }

    /// Adds a statement to the topic's one resource policy (created on first use: a topic has one policy, and two
    /// `AWS::SNS::TopicPolicy` resources on a topic overwrite each other). A policy replaces SNS's default one, so it
    /// starts with the statement that lets this account's CloudWatch alarms publish; a statement whose `Sid` is already
    /// there is not added again.
    public func addToResourcePolicy(_ statement: PolicyStatement) {
        if policyStatements.isEmpty {
            policyStatements.append(PolicyStatement(sid: "AllowCloudWatchAlarms", principals: [.service("cloudwatch.amazonaws.com")], actions: ["sns:Publish"],
                                                    resources: [arn], conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])]))
        }
        if let sid = statement.sid, policyStatements.contains(where: { $0.sid == sid }) { return }
        policyStatements.append(statement)
        let document = PolicyDocument(policyStatements).templateValue
        if let policy {
            policy.properties.policyDocument = document
        } else {
            policy = Resource(self, "Policy", SNS.TopicPolicy(policyDocument: document, topics: Value([arn])))
        }
    }

    /// Lets one EventBridge rule publish: the topic policy names the rule (its ARN when it is in this stack; in another
    /// stack, the name CloudFormation generates for it, `<stack>-<logical id>-<suffix>`, so no import runs backwards),
    /// and the key lets `events.amazonaws.com` of this account encrypt.
    public func allowEventBridge(rule: Resource<Events.Rule>, sid: String) {
        key.allowService("AllowEventBridge", "events.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                         conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])
        let condition: PolicyStatement.Condition = rule.stack === stack
            ? .init("ArnEquals", "aws:SourceArn", [rule.attrArn])
            : .init("ArnLike", "aws:SourceArn", ["arn:\(Pseudo.partition):events:\(Pseudo.region):\(Pseudo.accountId):rule/\(rule.stack.stackName)-\(rule.logicalId)-*"])
        addToResourcePolicy(PolicyStatement(sid: sid, principals: [.service("events.amazonaws.com")], actions: ["sns:Publish"],
                                            resources: [arn], conditions: [condition]))
    }
}
