import AWSResources
import CloudFormation
import Constructs

/// Monitoring that runs: the pipeline's CloudWatch dashboard and, in instance mode with data capture on, an hourly
/// SageMaker Model Monitor data-quality schedule on the captured requests, whose violations are sent to the alarm topic.
/// Deployed after the endpoint stack (the schedule needs the endpoint). Owns its `Stack` (`stack`), as every pipeline
/// stack does; the warning for a skipped schedule is a rule added with `addValidation`.
public struct MonitoringStack {
    public let stack: Stack
    public let dashboard: Dashboard
    /// The data-quality schedule's role, nil when there is no schedule.
    public let role: Role?
    public let jobDefinition: Resource<SageMaker.DataQualityJobDefinition>?
    public let schedule: Resource<SageMaker.MonitoringSchedule>?
    public let violationsRule: EventPatternRule?

    @discardableResult
    public init(_ app: App, _ id: String = "MonitoringStack", lambdaStack: LambdaStack, storage: S3Stack,
                endpointStack: SentimentEndpointStack, config: PipelineConfig) {
        let settings = config.monitoring
        let capture = config.endpoint.dataCapture
        let scheduleSkippedReason = !settings.dataQuality ? nil
            : config.endpoint.mode == .serverless ? "serverless endpoints capture no data, so there is nothing for a data-quality schedule to read"
            : !capture.enabled ? "endpoint.dataCapture.enabled is false, so there is nothing for a data-quality schedule to read"
            : nil
        stack = Stack(app, id, description: "Monitoring: the pipeline dashboard and the endpoint's data-quality schedule")
        stack.addDependency(endpointStack.stack)
        dashboard = Dashboard(stack, "Dashboard", name: settings.dashboardName, periodSeconds: 60,
                              widgets: Self.widgets(config: config, lambdaStack: lambdaStack, endpointStack: endpointStack))
        let dataQuality = settings.dataQuality && scheduleSkippedReason == nil
            ? Self.addDataQualitySchedule(to: stack, config: config, lambdaStack: lambdaStack, storage: storage, endpointStack: endpointStack)
            : nil
        role = dataQuality?.role
        jobDefinition = dataQuality?.definition
        schedule = dataQuality?.schedule
        violationsRule = dataQuality?.rule
        if let scheduleSkippedReason {
            let path = stack.path
            stack.addValidation { report in
                report.warning(path: path, property: "DataQualitySchedule", value: "not created",
                               rule: "monitoring.dataQuality is true but \(scheduleSkippedReason); the dashboard and alarms still monitor the endpoint")
            }
        }
        Tagging.apply(config.tags, to: stack)
    }

    /// The dashboard: endpoint traffic, errors, latency, utilization and instances per variant; the registrar's and the
    /// rollout's outcomes; the functions' errors, throttles and duration (the prediction API's when configured).
    static func widgets(config: PipelineConfig, lambdaStack: LambdaStack, endpointStack: SentimentEndpointStack) -> [DashboardWidget] {
        let endpointName = config.endpoint.name
        let variants = endpointStack.endpoint.variantNames
        func perVariant(_ namespace: String, _ name: String, _ statistic: Metric.Statistic, label: (String) -> String) -> [DashboardMetric] {
            variants.map { DashboardMetric(namespace: namespace, name: name, dimensions: [("EndpointName", Value(endpointName)), ("VariantName", Value($0))],
                                           statistic: statistic, label: label($0)) }
        }
        var widgets: [DashboardWidget] = [
            .text(markdown: "# Sentiment pipeline\nEndpoint `\(endpointName)` (\(config.endpoint.mode.rawValue)), model package group `\(config.endpoint.modelPackageGroupName)`, parameter `\(config.modelParameterName)`."),
            .graph(title: "Invocations and errors", metrics:
                perVariant("AWS/SageMaker", "Invocations", .sum) { "\($0) invocations" }
                + perVariant("AWS/SageMaker", "Invocation4XXErrors", .sum) { "\($0) 4XX" }
                + perVariant("AWS/SageMaker", "Invocation5XXErrors", .sum) { "\($0) 5XX" }),
            .graph(title: "Model latency (µs)", metrics:
                perVariant("AWS/SageMaker", "ModelLatency", .percentile(50)) { "\($0) p50" }
                + perVariant("AWS/SageMaker", "ModelLatency", .percentile(90)) { "\($0) p90" }
                + perVariant("AWS/SageMaker", "ModelLatency", .percentile(99)) { "\($0) p99" }),
        ]
        if config.endpoint.mode == .instance {
            widgets.append(.graph(title: "CPU and memory (% per instance, CPU summed over vCPUs)", metrics:
                perVariant("/aws/sagemaker/Endpoints", "CPUUtilization", .average) { "\($0) CPU" }
                + perVariant("/aws/sagemaker/Endpoints", "MemoryUtilization", .average) { "\($0) memory" }))
            // SageMaker publishes no instance count; Invocations / InvocationsPerInstance is the count while traffic flows.
            var metrics: [DashboardMetric] = []
            var expressions: [DashboardExpression] = []
            for (index, variant) in variants.enumerated() {
                let dimensions: [(String, Value<String>)] = [("EndpointName", Value(endpointName)), ("VariantName", Value(variant))]
                metrics.append(DashboardMetric(namespace: "AWS/SageMaker", name: "Invocations", dimensions: dimensions, statistic: .sum, id: "i\(index)", visible: false))
                metrics.append(DashboardMetric(namespace: "AWS/SageMaker", name: "InvocationsPerInstance", dimensions: dimensions, statistic: .sum, id: "p\(index)", visible: false))
                expressions.append(DashboardExpression(id: "n\(index)", "i\(index) / p\(index)", label: "\(variant) instances"))
            }
            widgets.append(.graph(title: "Instances in service (while traffic flows)", metrics: metrics, expressions: expressions))
        } else {
            widgets.append(.graph(title: "Serverless cold starts (ModelSetupTime, µs)", metrics:
                perVariant("AWS/SageMaker", "ModelSetupTime", .average) { "\($0) setup" }))
        }
        if let namespace = config.registrar.metricsNamespace {
            widgets.append(.graph(title: "Registry outcomes", metrics: [
                "ModelRegistered", "ModelApproved", "ModelPendingApproval", "ModelRejected", "ModelApprovedManually",
            ].map { DashboardMetric(namespace: namespace, name: $0, statistic: .sum, label: $0) }))
        }
        if let namespace = config.rollout.metricsNamespace {
            widgets.append(.graph(title: "Rollout outcomes", metrics: ["ModelRolloutStarted", "ModelRolloutSucceeded", "ModelRolloutFailed"]
                .map { DashboardMetric(namespace: namespace, name: $0, statistic: .sum, label: $0) }))
        }
        let functions: [(String, String)] = [("registrar", config.registrar.functionName), ("rollout", config.rollout.functionName),
                                             ("prediction API", config.api.functionName)]
        for (title, name) in functions {
            let dimensions: [(String, Value<String>)] = [("FunctionName", Value(name))]
            widgets.append(.graph(title: "\(title.prefix(1).uppercased() + String(title.dropFirst())) function: errors and throttles", metrics: [
                DashboardMetric(namespace: "AWS/Lambda", name: "Invocations", dimensions: dimensions, statistic: .sum, label: "invocations"),
                DashboardMetric(namespace: "AWS/Lambda", name: "Errors", dimensions: dimensions, statistic: .sum, label: "errors"),
                DashboardMetric(namespace: "AWS/Lambda", name: "Throttles", dimensions: dimensions, statistic: .sum, label: "throttles"),
            ]))
            widgets.append(.graph(title: "\(title.prefix(1).uppercased() + String(title.dropFirst())) function: duration (ms)", metrics: [50, 90, 99].map {
                DashboardMetric(namespace: "AWS/Lambda", name: "Duration", dimensions: dimensions, statistic: .percentile(Double($0)), label: "p\($0)")
            }))
        }
        return widgets
    }

    private static func addDataQualitySchedule(
        to stack: Stack, config: PipelineConfig, lambdaStack: LambdaStack, storage: S3Stack, endpointStack: SentimentEndpointStack
    ) -> (role: Role, definition: Resource<SageMaker.DataQualityJobDefinition>, schedule: Resource<SageMaker.MonitoringSchedule>, rule: EventPatternRule) {
        let settings = config.monitoring
        let endpointName = config.endpoint.name
        let bucket = storage.bucket
        let key = endpointStack.key
        let role = Role(stack, "MonitoringRole", assumedBy: "sagemaker.amazonaws.com",
                        description: "Data-quality monitoring of \(endpointName): read the captured data, write the reports")
        let capturePrefix = config.endpoint.dataCapture.prefix
        bucket.grantRead(role, prefix: capturePrefix)
        bucket.grantWrite(role, prefix: settings.reportsPrefix)
        role.addToPolicy(PolicyStatement(actions: ["s3:ListBucket"], resources: [bucket.arn],
                                         conditions: [.init("StringLike", "s3:prefix", [Value("\(capturePrefix)*"), Value("\(settings.reportsPrefix)*")])]))
        if let baseline = settings.baselineUri {
            let path = String(baseline.dropFirst("s3://".count))
            role.addToPolicy(PolicyStatement(actions: ["s3:GetObject"], resources: [
                "arn:\(Pseudo.partition):s3:::\(path)statistics.json", "arn:\(Pseudo.partition):s3:::\(path)constraints.json",
            ]))
        }
        // Captured data, reports and the job's volume are encrypted with the endpoint's key.
        key.grantSageMakerUse(role)
        MetricGrants.grantPutMetricData(role, namespace: "/aws/sagemaker/Endpoints/data-metric")
        role.addToPolicy(PolicyStatement(
            actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources: ["arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:/aws/sagemaker/ProcessingJobs",
                        "arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:/aws/sagemaker/ProcessingJobs:log-stream:*"]))
        role.addToPolicy(PolicyStatement(actions: ["sagemaker:DescribeEndpoint"],
                                         resources: ["arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):endpoint/\(endpointName.lowercased())"]))

        let image = ModelMonitorImages.uri(in: stack)
        // Every property replaces the job definition, and the schedule refers to it by name: the name carries a
        // fingerprint of the settings, so a change deploys as "create the new one, switch, delete the old one".
        let fingerprint = Self.fingerprint([endpointName, settings.instanceType, String(settings.volumeSizeGB), String(settings.maxRuntimeSeconds),
                                            settings.baselineUri ?? "-", settings.reportsPrefix, capturePrefix, config.modelBucket.name ?? config.modelBucket.namePrefix])
        let definitionName = String(endpointName.prefix(45)) + "-dq-" + fingerprint
        let reports: Value<String> = "s3://\(bucket.name)/\(settings.reportsPrefix)"
        let definition = Resource(stack, "DataQualityJobDefinition", SageMaker.DataQualityJobDefinition(
            dataQualityAppSpecification: .init(environment: ["publish_cloudwatch_metrics": "Enabled"], imageUri: image),
            dataQualityBaselineConfig: settings.baselineUri.map { baseline in
                .init(constraintsResource: .init(s3Uri: Value("\(baseline)constraints.json")), statisticsResource: .init(s3Uri: Value("\(baseline)statistics.json")))
            },
            dataQualityJobInput: .init(endpointInput: .init(endpointName: Value(endpointName), localPath: "/opt/ml/processing/input/endpoint",
                                                            s3DataDistributionType: .init(.fullyReplicated), s3InputMode: .init(.file))),
            dataQualityJobOutputConfig: .init(kmsKeyId: key.arn, monitoringOutputs: [
                .init(s3Output: .init(localPath: "/opt/ml/processing/output", s3UploadMode: .init(.endOfJob), s3Uri: reports)),
            ]),
            endpointName: Value(endpointName),
            jobDefinitionName: Value(definitionName),
            jobResources: .init(clusterConfig: .init(instanceCount: 1, instanceType: Value(node: .string(settings.instanceType)),
                                                     volumeKmsKeyId: key.arn, volumeSizeInGB: Value(settings.volumeSizeGB))),
            networkConfig: .init(enableInterContainerTrafficEncryption: true),
            roleArn: role.arn,
            stoppingCondition: .init(maxRuntimeInSeconds: Value(settings.maxRuntimeSeconds))))
        let schedule = Resource(stack, "DataQualitySchedule", SageMaker.MonitoringSchedule(
            endpointName: Value(endpointName),
            monitoringScheduleConfig: .init(monitoringJobDefinitionName: Value(definitionName), monitoringType: .init(.dataQuality),
                                            scheduleConfig: .init(scheduleExpression: "cron(0 * ? * * *)")),
            monitoringScheduleName: Value(String(endpointName.prefix(50)) + "-data-quality")))
        schedule.addDependency(definition)

        // Model Monitor ends a run that found violations with the exit message "CompletedWithViolations: …".
        let rule = EventPatternRule(stack, "DataQualityViolationsRule", description: "Data-quality monitoring of \(endpointName) found violations",
                                    pattern: [
                                        "source": ["aws.sagemaker"],
                                        "detail-type": ["SageMaker Processing Job State Change"],
                                        "detail": ["MonitoringScheduleArn": .array([schedule.attrMonitoringScheduleArn.node]),
                                                   "ExitMessage": [["prefix": "CompletedWithViolations"]]],
                                    ])
        rule.addTarget(lambdaStack.alarmTopic,
                       message: "Data-quality monitoring of \(endpointName) found violations: <message> (processing job <job>; reports under \(settings.reportsPrefix) in the model bucket)",
                       paths: ["message": "$.detail.ExitMessage", "job": "$.detail.ProcessingJobName"])
        return (role, definition, schedule, rule)
    }

    /// 8 hex digits of FNV-1a over the parts: a stable, deterministic name suffix.
    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        // The parts joined by U+001F, byte by byte (no joined string).
        for (index, part) in parts.enumerated() {
            if index > 0 { mix(0x1F) }
            for byte in part.utf8 { mix(byte) }
        }
        let hex = String(hash & 0xffff_ffff, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
