import AWSResources
import CloudFormation
import Constructs

/// The real-time sentiment endpoint: the model recorded in SSM (read at deploy time), its endpoint
/// configuration and endpoint, CPU autoscaling and alarms. (The model package group is in LambdaStack, with the registrar.)
/// Owns its `Stack` (`stack`), as every pipeline stack does.
public struct SentimentEndpointStack {
    public let stack: Stack
    public let endpoint: SageMakerEndpoint
    public let modelData: Parameter<String>
    let predictionAPI: PredictionAPI
    /// Encrypts the endpoint's volumes and captured data (monitoring reads the capture with it) and the prediction API's
    /// logs and environment.
    public let key: EncryptionKey

    @discardableResult
    public init(_ app: App, _ id: String = "SentimentEndpointStack", modelBucket: Bucket, lambdaStack: LambdaStack, config: PipelineConfig) {
        stack = Stack(app, id, description: "Sentiment analysis endpoint (torch + transformers) serving the newest registered model")
        let settings = config.endpoint
        modelData = lambdaStack.modelParameter.deployTimeValue(
            in: stack, "ModelDataUrl",
            description: "SSM parameter holding the model archive's S3 URI; CloudFormation reads its current value on every deployment")
        key = EncryptionKey(stack, "Key", description: "Encrypts the endpoint's storage volumes and captured data, and the prediction API's logs and environment")
        let image = settings.image.container
        let serving: SageMakerEndpoint.Serving = switch settings.mode {
        case .instance:
            .instances(settings.variants.map { .init(name: $0.name, weight: $0.weight, instanceType: $0.instanceType, initialInstanceCount: $0.initialInstanceCount) })
        case .serverless:
            .serverless(variantName: settings.variants.first?.name ?? "AllTraffic", memoryMiB: settings.serverless.memorySizeMiB,
                        maxConcurrency: settings.serverless.maxConcurrency)
        }
        let capture = settings.dataCapture
        endpoint = SageMakerEndpoint(
            stack, "Sentiment", endpointName: settings.name, image: image, modelData: modelData.value, serving: serving,
            environment: settings.environment, networkIsolation: settings.networkIsolation, key: key,
            dataCapture: capture.enabled ? .init(bucket: modelBucket, prefix: capture.prefix, samplingPercent: capture.samplingPercent) : nil,
            tags: config.tags.map { ($0.key, $0.value) })
        modelBucket.grantRead(endpoint, prefix: config.modelBucket.modelPrefix)
        if settings.mode == .instance {
            let scaling = settings.autoscaling
            for variant in settings.variants {
                let target = endpoint.autoScaleInstanceCount(variant: variant.name, min: scaling.minCapacity, max: scaling.maxCapacity)
                target.scaleOnCPUUtilization(targetPercent: scaling.cpuTargetPercent, scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
                                             scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds)
                if let invocations = scaling.invocationsPerInstance {
                    target.scaleOnInvocationsPerInstance(invocations, scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
                                                         scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds)
                }
            }
        }
        let alarms = config.alarms
        var rollbackAlarms: [Alarm] = []
        for variant in endpoint.variantNames {
            // The configured name, not GetAtt: the endpoint's rollback configuration names these alarms (a GetAtt would be a cycle).
            let dimensions: [(String, Value<String>)] = [("EndpointName", Value(settings.name)), ("VariantName", Value(variant))]
            let suffix = endpoint.variantNames.count == 1 ? "" : LogicalID.sanitize(variant)
            rollbackAlarms.append(Alarm(stack, "Invocation5XXErrorsAlarm\(suffix)", description: "The endpoint (variant \(variant)) returned 5XX errors",
                  metric: Metric(namespace: "AWS/SageMaker", name: "Invocation5XXErrors", dimensions: dimensions, statistic: .sum),
                  threshold: Double(alarms.endpoint5xxErrors), periodSeconds: alarms.periodSeconds,
                  evaluationPeriods: alarms.evaluationPeriods, notify: lambdaStack.alarmTopic))
            rollbackAlarms.append(Alarm(stack, "ModelLatencyAlarm\(suffix)", description: "p90 model latency of variant \(variant) is above \(alarms.modelLatencyMilliseconds) ms",
                  metric: Metric(namespace: "AWS/SageMaker", name: "ModelLatency", dimensions: dimensions, statistic: .percentile(90)),
                  threshold: Double(alarms.modelLatencyMilliseconds * 1000), periodSeconds: alarms.periodSeconds,
                  evaluationPeriods: alarms.evaluationPeriods, notify: lambdaStack.alarmTopic))
        }
        Self.addRolloutGuardrails(to: endpoint, alarms: rollbackAlarms, config: config)
        // The prediction API runs the registrar's package: its bucket and key are parameters here too (same names, so one
        // --parameter-overrides serves both stacks); an import from LambdaStack would pin LambdaStack's CodeKey while imported.
        let codeBucket = Parameter<String>(stack, "CodeBucket", description: "S3 bucket holding the handler package (ModelRegistrar.zip), as for LambdaStack",
                                           allowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", minLength: 3, maxLength: 63)
        let codeKey = Parameter<String>(stack, "CodeKey", description: "S3 key of the handler package",
                                        default: "lambda/ModelRegistrar.zip", minLength: 1, maxLength: 1024)
        predictionAPI = PredictionAPI(stack, "PredictionApi", endpoint: endpoint, code: .init(bucket: codeBucket.value, key: codeKey.value),
                                      key: key, alarmTopic: lambdaStack.alarmTopic, config: config)
        Output(stack, "PredictionApiUrl", value: predictionAPI.url.url,
               description: "POST <this>predict, GET <this>health; signed with SigV4 for service lambda unless api.authType is NONE")
        Output(stack, "EndpointName", value: endpoint.name, description: "Invoke with: aws sagemaker-runtime invoke-endpoint --endpoint-name <this>")
        Output(stack, "ModelDataUrlInUse", value: modelData.value, description: "The model archive this deployment serves")
        Tagging.apply(config.tags, to: stack)
    }
}
