import AWSResources
import CloudFormation
import Constructs

/// Names both stacks agree on without referring to each other (the endpoint stack is deployed after LambdaStack, so a
/// reference from LambdaStack to it would be a cycle): ARNs built from configured names.
enum RolloutNames {
    /// The IAM path of the endpoint's SageMaker execution role: the rollout may pass only roles under it. A path (not a
    /// fixed role name) keeps the role's generated name, so the stack deploys in several regions of one account.
    static func executionRolePath(_ config: PipelineConfig) -> String { "/\(config.endpoint.name)/" }

    static func endpointStackArn(_ config: PipelineConfig) -> Value<String> {
        "arn:\(Pseudo.partition):cloudformation:\(Pseudo.region):\(Pseudo.accountId):stack/\(config.rollout.endpointStackName)/*"
    }
}

/// The automatic rollout in LambdaStack: the rollout function (same package as the registrar, `_HANDLER=rollout`,
/// reserved concurrency 1), the EventBridge rule that invokes it when the model parameter is created or updated, its
/// permission, the dead-letter queue's policy, and a second rule that reports the endpoint stack's terminal update states
/// on the alarm topic (with the topic and key policies that let EventBridge publish to the encrypted topic).
///
/// A small type owning its construct-tree node (`node`, at `<scope>/<id>`), as the pipeline's stacks own theirs.
public struct ModelRolloutResources {
    public let node: Construct
    public let function: Function
    public let trigger: Resource<Events.Rule>
    public let permission: Resource<Lambda.Permission>
    public let stackStatusRule: Resource<Events.Rule>
    public let queuePolicy: Resource<SQS.QueuePolicy>

    init(_ scope: Construct, _ id: String, config: PipelineConfig, code: Function.Code, key: EncryptionKey, alarmTopic: Topic,
         modelParameter: StringParameter) {
        node = Construct(scope, id)
        let settings = config.rollout
        let stackName = settings.endpointStackName
        function = Function(node, "Function", handler: "rollout", settings: .init(
            functionName: settings.functionName,
            description: "Rolls the model recorded in \(config.modelParameterName) out to \(stackName) (CloudFormation update, previous template)",
            architecture: config.registrar.architecture.function,
            memoryMiB: settings.memoryMiB, timeoutSeconds: settings.timeoutSeconds,
            // One rollout at a time: two must never race on the stack.
            reservedConcurrency: 1, logRetentionDays: settings.logRetentionDays,
            maximumRetryAttempts: settings.maximumRetryAttempts, maximumEventAgeSeconds: settings.maximumEventAgeSeconds),
            code: code, key: key)
        function.addEnvironment("ENDPOINT_STACK_NAME", Value(stackName))
        function.addEnvironment("SSM_PARAMETER_NAME", Value(config.modelParameterName))
        function.addEnvironment("MODEL_BUCKET", config.modelBucket.bucketName)
        function.addEnvironment("MODEL_PREFIX", Value(config.modelBucket.modelPrefix))
        function.addEnvironment("MODEL_SUFFIX", Value(config.modelBucket.modelSuffix))
        function.addEnvironment("ALARM_TOPIC_ARN", alarmTopic.arn)
        CheckSuppression.checkov(function.resource, "CKV_AWS_117",
                                 reason: "The function only calls CloudFormation, SSM, CloudWatch and SNS APIs; a VPC would add NAT or endpoints and cold-start cost for no isolation gain.")
        Self.grantRollout(function.grantRole, config: config, modelParameter: modelParameter, alarmTopic: alarmTopic)
        if let namespace = settings.metricsNamespace {
            function.addEnvironment("METRICS_NAMESPACE", Value(namespace))
            MetricGrants.grantPutMetricData(function, namespace: namespace)
        }

        // Invoked asynchronously (EventBridge), so the function has a dead-letter queue; the rules' targets share it.
        let deadLetterQueue: Queue = function.deadLetterQueue!
        // Delivery retries (EventBridge to Lambda or SNS), bounded by the event age; the function's own retries are its EventInvokeConfig.
        let retry = Events.Rule.RetryPolicy(maximumEventAgeInSeconds: Value(settings.maximumEventAgeSeconds),
                                            maximumRetryAttempts: Value(185))
        trigger = Resource(node, "Trigger", Events.Rule(
            description: Value("Parameter Store Change of \(config.modelParameterName) (create, update) -> the rollout function"),
            eventPattern: [
                "source": ["aws.ssm"],
                "detail-type": ["Parameter Store Change"],
                "detail": ["name": [.string(config.modelParameterName)], "operation": ["Create", "Update"]],
            ],
            state: .init(.enabled),
            targets: [.init(arn: function.arn, deadLetterConfig: .init(arn: deadLetterQueue.arn), id: "ModelRollout", retryPolicy: retry)]))
        permission = Resource(node, "InvokePermission", Lambda.Permission(
            action: "lambda:InvokeFunction", functionName: function.arn, principal: "events.amazonaws.com",
            sourceAccount: Pseudo.accountId, sourceArn: trigger.attrArn))

        let stackPrefix: Value<String> = "arn:\(Pseudo.partition):cloudformation:\(Pseudo.region):\(Pseudo.accountId):stack/\(stackName)/"
        stackStatusRule = Resource(node, "StackStatusRule", Events.Rule(
            description: Value("Terminal update states of \(stackName) -> the alarm topic (also when a rollout outlasts the function)"),
            eventPattern: [
                "source": ["aws.cloudformation"],
                "detail-type": ["CloudFormation Stack Status Change"],
                "detail": [
                    "stack-id": [["prefix": stackPrefix.node]],
                    "status-details": ["status": ["UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED"]],
                ],
            ],
            state: .init(.enabled),
            targets: [.init(
                arn: alarmTopic.arn, deadLetterConfig: .init(arn: deadLetterQueue.arn), id: "AlarmTopic",
                inputTransformer: .init(
                    inputPathsMap: ["stack": "$.detail.stack-id", "status": "$.detail.status-details.status",
                                    "reason": "$.detail.status-details.status-reason"],
                    inputTemplate: "\"Endpoint stack update ended: <status> (<reason>) <stack>\""),
                retryPolicy: retry)]))

        Alarm(node, "DeadLetterQueueAlarm", description: "Parameter changes or stack-status reports reached the rollout's dead-letter queue after all retries",
              metric: Metric(namespace: "AWS/SQS", name: "ApproximateNumberOfMessagesVisible",
                             dimensions: [("QueueName", deadLetterQueue.resource.attrQueueName)], statistic: .maximum),
              threshold: 1, periodSeconds: 300, evaluationPeriods: 1, notify: alarmTopic)

        // EventBridge delivers to the encrypted queue and topic with the key, and only for these two rules.
        key.allowService("AllowEventBridge", "events.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                         conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId])])
        queuePolicy = Resource(node, "DeadLetterQueuePolicy", SQS.QueuePolicy(
            policyDocument: PolicyDocument([PolicyStatement(
                sid: "AllowEventBridgeDeadLetters", principals: [.service("events.amazonaws.com")], actions: ["sqs:SendMessage"],
                resources: [deadLetterQueue.arn],
                conditions: [.init("ArnEquals", "aws:SourceArn", [trigger.attrArn, stackStatusRule.attrArn])])]).templateValue,
            queues: [deadLetterQueue.resource.ref]))
        alarmTopic.allowEventBridge(rule: stackStatusRule, sid: "AllowEndpointStackStatus")
        let guardrails = config.endpoint.rollout
        if config.rollout.timeoutSeconds < guardrails.maximumExecutionTimeoutSeconds {
            let path = function.resource.path
            node.addValidation { report in
                report.warning(path: path, property: "Timeout", value: String(config.rollout.timeoutSeconds),
                               rule: "shorter than the endpoint's maximum deployment time (endpoint.rollout.maximumExecutionTimeoutSeconds \(guardrails.maximumExecutionTimeoutSeconds) s): a rollout that outlasts the function is reported by the stack-status rule on the alarm topic, not by the function")
            }
        }
    }

    /// Exactly what a model-only update of the endpoint stack needs, on that stack's resources only.
    private static func grantRollout(_ role: Role, config: PipelineConfig, modelParameter: StringParameter, alarmTopic: Topic) {
        let endpointName = config.endpoint.name.lowercased()
        role.addToPolicy(PolicyStatement(
            sid: "UpdateTheEndpointStackOnly",
            actions: ["cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks", "cloudformation:UpdateStack"],
            resources: [RolloutNames.endpointStackArn(config)]))
        // GetParameter: the function reads the value; GetParameters: CloudFormation resolves the SSM-typed parameter as the caller.
        role.addToPolicy(PolicyStatement(sid: "ReadTheModelParameter", actions: ["ssm:GetParameter", "ssm:GetParameters"],
                                         resources: [modelParameter.arn]))
        role.addToPolicy(PolicyStatement(
            sid: "PassTheExecutionRoleToSageMaker", actions: ["iam:PassRole"],
            resources: ["arn:\(Pseudo.partition):iam::\(Pseudo.accountId):role\(RolloutNames.executionRolePath(config))*"],
            conditions: [.init("StringEquals", "iam:PassedToService", ["sagemaker.amazonaws.com"])]))
        // CloudFormation generates the model and endpoint configuration names, so those are any in the account; the endpoint is the one.
        role.addToPolicy(PolicyStatement(
            sid: "ReplaceModelAndEndpointConfig",
            actions: ["sagemaker:AddTags", "sagemaker:CreateEndpointConfig", "sagemaker:CreateModel", "sagemaker:DeleteEndpointConfig",
                      "sagemaker:DeleteModel", "sagemaker:DeleteTags", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel", "sagemaker:ListTags"],
            resources: ["arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):model/*", "arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):endpoint-config/*"]))
        role.addToPolicy(PolicyStatement(
            sid: "UpdateTheEndpoint",
            actions: ["sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:DescribeEndpoint", "sagemaker:ListTags"],
            resources: ["arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):endpoint/\(endpointName)"]))
        // UpdateEndpoint is authorized on the endpoint AND on the endpoint configuration it switches to (service
        // authorization reference; parliament RESOURCE_MISMATCH without it).
        role.addToPolicy(PolicyStatement(
            sid: "SwitchTheEndpointToANewConfig", actions: ["sagemaker:UpdateEndpoint"],
            resources: ["arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):endpoint/\(endpointName)",
                        "arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):endpoint-config/*"]))
        // The endpoint configuration is encrypted with the endpoint stack's key: SageMaker creates a grant on it for the caller.
        role.addToPolicy(PolicyStatement(
            sid: "EndpointKeyGrantThroughSageMaker", actions: ["kms:CreateGrant", "kms:DescribeKey"],
            resources: ["arn:\(Pseudo.partition):kms:\(Pseudo.region):\(Pseudo.accountId):key/*"],
            conditions: [.init("StringEquals", "kms:ViaService", ["sagemaker.\(Pseudo.region).amazonaws.com"])]))
        // Deployment guardrails: the endpoint's rollback alarms (CloudFormation names them <stack>-<logical id>-<suffix>).
        role.addToPolicy(PolicyStatement(
            sid: "ReadTheRollbackAlarms", actions: ["cloudwatch:DescribeAlarms"],
            resources: ["arn:\(Pseudo.partition):cloudwatch:\(Pseudo.region):\(Pseudo.accountId):alarm:\(config.rollout.endpointStackName)-*"]))
        role.addToPolicy(PolicyStatement(sid: "ReportOnTheAlarmTopic", actions: ["sns:Publish"], resources: [alarmTopic.arn]))
    }
}

extension SentimentEndpointStack {
    /// Blue/green guardrails from `endpoint.rollout` with automatic rollback on the endpoint's alarms, and the execution
    /// role under the path the rollout function may pass.
    static func addRolloutGuardrails(to endpoint: SageMakerEndpoint, alarms: [Alarm], config: PipelineConfig) {
        endpoint.role.resource.properties.path = Value(RolloutNames.executionRolePath(config))
        let settings = config.endpoint.rollout
        endpoint.addDeploymentGuardrails(settings.deployment, rollbackAlarms: settings.autoRollback ? alarms : [])
    }
}
