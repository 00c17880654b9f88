import AWSResources
import CloudFormation
import Constructs

/// The registrar (the Swift `bootstrap` function that registers each uploaded model and records the S3 URI of the
/// model to serve in SSM, directly or once the registry approves it) and the rollout of that parameter to the endpoint
/// stack, with their key, log groups, dead-letter queues, the alarm topic and the error alarms. Like every pipeline stack, a small
/// type that owns its `Stack` and builds its constructs in the initializer, so they are `let`s, never optionals.
public struct LambdaStack {
    public let stack: Stack
    public let key: EncryptionKey
    public let function: Function
    public let alarmTopic: Topic
    /// The automatic rollout of a newly recorded model to the endpoint stack.
    public let rollout: ModelRolloutResources
    public let modelParameter: StringParameter
    /// The model package group, the registrar's registry settings and grants, the approval rule.
    public let registry: ModelRegistryWiring

    public init(_ app: App, _ id: String = "LambdaStack", config: PipelineConfig) {
        modelParameter = StringParameter(name: config.modelParameterName)
        stack = Stack(app, id, description: "Model registrar and rollout: S3 upload -> model registry -> SSM parameter -> endpoint stack update")
        let codeBucket = Parameter<String>(stack, "CodeBucket", description: "S3 bucket holding the handlers' deployment package (ModelRegistrar.zip: the registrar and the rollout)",
                                           allowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", minLength: 3, maxLength: 63)
        let codeKey = Parameter<String>(stack, "CodeKey", description: "S3 key of the deployment package",
                                        default: "lambda/ModelRegistrar.zip", minLength: 1, maxLength: 1024)
        key = EncryptionKey(stack, "Key", description: "Encrypts the registrar's and the rollout's logs, environments and dead-letter queues, and the alarm topic")
        let registrar = config.registrar
        function = Function(stack, "ModelRegistrar", handler: "registrar", settings: .init(
            functionName: registrar.functionName,
            description: config.registry.enabled
                ? "Registers each uploaded model in \(config.endpoint.modelPackageGroupName) and records the approved model's S3 URI in \(config.modelParameterName)"
                : "Records the S3 URI of each uploaded model in \(config.modelParameterName)",
            architecture: registrar.architecture.function,
            memoryMiB: registrar.memoryMiB, timeoutSeconds: registrar.timeoutSeconds,
            reservedConcurrency: registrar.reservedConcurrency, logRetentionDays: registrar.logRetentionDays,
            maximumRetryAttempts: registrar.maximumRetryAttempts, maximumEventAgeSeconds: registrar.maximumEventAgeSeconds),
            code: .init(bucket: codeBucket.value, key: codeKey.value), key: key)
        function.addEnvironment("SSM_PARAMETER_NAME", Value(config.modelParameterName))
        function.addEnvironment("MODEL_SUFFIX", Value(config.modelBucket.modelSuffix))
        modelParameter.grantWrite(function)
        if let namespace = registrar.metricsNamespace {
            function.addEnvironment("METRICS_NAMESPACE", Value(namespace))
            MetricGrants.grantPutMetricData(function, namespace: namespace)
        }
        CheckSuppression.checkov(function.resource, "CKV_AWS_117",
                                 reason: "The function only calls AWS APIs (SSM, CloudWatch, and with the registry S3, SageMaker and SNS); a VPC would add NAT or endpoints and cold-start cost for no isolation gain.")
        alarmTopic = Topic(stack, "AlarmTopic", displayName: "Sentiment pipeline alarms", key: key, email: config.alarms.email)
        Alarm(stack, "RegistrarErrorsAlarm", description: "The model registrar failed; check its logs and dead-letter queue",
              metric: Metric(namespace: "AWS/Lambda", name: "Errors", dimensions: [("FunctionName", function.name)], statistic: .sum),
              threshold: Double(config.alarms.registrarErrors), periodSeconds: config.alarms.periodSeconds,
              evaluationPeriods: 1, notify: alarmTopic)
        if let queue = function.deadLetterQueue {
            Alarm(stack, "DeadLetterQueueAlarm", description: "Model upload events reached the dead-letter queue after all retries",
                  metric: Metric(namespace: "AWS/SQS", name: "ApproximateNumberOfMessagesVisible",
                                 dimensions: [("QueueName", queue.resource.attrQueueName)], statistic: .maximum),
                  threshold: 1, periodSeconds: 300, evaluationPeriods: 1, notify: alarmTopic)
        }
        rollout = ModelRolloutResources(stack, "Rollout", config: config, code: .init(bucket: codeBucket.value, key: codeKey.value), key: key,
                                        alarmTopic: alarmTopic, modelParameter: modelParameter)
        registry = ModelRegistryWiring(stack, "Registry", function: function, topic: alarmTopic, parameter: modelParameter, config: config)
        Tagging.apply(config.tags, to: stack)
    }
}
