import AWSResources
import CloudFormation

/// An EventBridge rule on the default bus that matches an event pattern and delivers to a Lambda function or an SNS
/// topic. A function target gets its `AWS::Lambda::Permission` for `events.amazonaws.com` limited to this rule's ARN
/// (and account); a topic target gets a statement in the topic's policy for this rule (`Topic.allowEventBridge(rule:sid:)`).
public final class EventPatternRule: Construct {
    public var resource: Resource<Events.Rule> { storedResource }
    private var storedResource: Resource<Events.Rule>!
    private var targets: [Events.Rule.Target] = []

    /// `pattern` is the event pattern as CloudFormation takes it (an object).
    @discardableResult
    public init(_ scope: Construct, _ id: String, description: String, pattern: TemplateValue) {
        super.init(scope, id)
        storedResource = Resource(self, "Resource", Events.Rule(description: Value(description), eventPattern: pattern, state: .init(.enabled)))
    }

    public var arn: Value<String> { resource.attrArn }

    /// Invokes `function` with the matched event.
    public func addTarget(_ function: Function) {
        targets.append(Events.Rule.Target(arn: function.arn, id: Value("\(LogicalID.sanitize(function.id))Target")))
        resource.properties.targets = targets
        Resource(self, "Allow\(LogicalID.sanitize(function.id))", Lambda.Permission(
            action: "lambda:InvokeFunction", functionName: function.arn, principal: "events.amazonaws.com",
            sourceAccount: Pseudo.accountId, sourceArn: arn))
    }

    /// Publishes to `topic`: the text of `template` with `<name>` placeholders filled from the event at `paths`
    /// (an input transformer), so the message reads as a sentence instead of raw JSON.
    public func addTarget(_ topic: Topic, message template: String, paths: [String: String]) {
        topic.allowEventBridge(rule: resource, sid: "Allow\(LogicalID.sanitize(id))")
        targets.append(Events.Rule.Target(
            arn: topic.arn, id: Value("\(LogicalID.sanitize(topic.id))Target"),
            inputTransformer: .init(inputPathsMap: paths.mapValues { Value($0) }, inputTemplate: Value(JoinWriter.escape(template)))))
        resource.properties.targets = targets
    }
}
