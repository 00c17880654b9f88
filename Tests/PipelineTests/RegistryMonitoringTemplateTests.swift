import CloudFormation
@testable import Pipeline
import XCTest

/// The model registry (LambdaStack, S3Stack) and the monitoring stack, asserted on the synthesized templates.
final class RegistryMonitoringTemplateTests: XCTestCase {
    var config: PipelineConfig!

    override func setUpWithError() throws {
        config = try PipelineConfig.load(from: PipelineTemplateTests.configPath)
    }

    func templates(_ config: PipelineConfig? = nil) throws -> [String: Template] { try PipelineTemplateTests.synthesize(config ?? self.config) }

    func registrarStatements(_ lambda: Template) throws -> [JSON] {
        let role = try XCTUnwrap(lambda.resources["ModelRegistrarServiceRole"]?["Properties"])
        return try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
    }

    func statement(_ statements: [JSON], action: Any) throws -> JSON {
        try XCTUnwrap(statements.first { Match.matches(action, $0["Action"]!) }, "no statement for \(Match.render(action))")
    }

    // MARK: registry

    func testRegistrarRegistryPermissionsAreLimitedToTheGroupAndTheMetricsFiles() throws {
        let statements = try registrarStatements(try templates()["LambdaStack"]!)
        let packages = ["Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/sentiment-models/*"]
        XCTAssertTrue(Match.matches([["Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/sentiment-models"], packages],
                                    try statement(statements, action: "sagemaker:CreateModelPackage")["Resource"]!))
        XCTAssertTrue(Match.matches(packages, try statement(statements, action: ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"])["Resource"]!))
        // The one wildcard: ListModelPackages has no resource-level permissions.
        XCTAssertEqual(try statement(statements, action: "sagemaker:ListModelPackages")["Resource"], .string("*"))
        XCTAssertTrue(Match.matches([
            ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}/models/*/metrics.json"],
            ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}/models/metrics.json"],
        ], try statement(statements, action: "s3:GetObject")["Resource"]!), "metrics files only, never the archives")
        let list = try statement(statements, action: "s3:ListBucket")
        XCTAssertTrue(Match.matches(["StringLike": ["s3:prefix": "models/*"]], list["Condition"]!))
        XCTAssertTrue(Match.matches(["Ref": "AlarmTopic"], try statement(statements, action: "sns:Publish")["Resource"]!))
        XCTAssertTrue(Match.matches(["Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url"],
                                    try statement(statements, action: "ssm:GetParameter")["Resource"]!), "reads only the parameter it writes")
        for item in statements where item["Resource"] == .string("*") {
            XCTAssertTrue(["sagemaker:ListModelPackages", "cloudwatch:PutMetricData"].contains(item["Action"]?.string ?? ""), Match.render(item))
        }
    }

    func testRegistrarEnvironmentNamesTheGroupTheRegionalImageAndTheRule() throws {
        let lambda = try templates()["LambdaStack"]!
        lambda.hasResource(type: "AWS::Lambda::Function", properties: ["Environment": ["Variables": Match.objectLike([
            "MODEL_PACKAGE_GROUP": "sentiment-models", "PRIMARY_METRIC": "f1", "HIGHER_IS_BETTER": "true", "MINIMUM_IMPROVEMENT": "0",
            "REQUIRE_METRICS": "false", "METRICS_WAIT_SECONDS": "10", "METRICS_FILE_NAME": "metrics.json", "ALARM_TOPIC_ARN": ["Ref": "AlarmTopic"],
            "MODEL_IMAGE_URI": ["Fn::Sub": ["${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04",
                                            ["V0": ["Fn::FindInMap": ["RegistryImageRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]]]],
        ])]])
        XCTAssertEqual(lambda.json["Mappings"]?["RegistryImageRegistryAccounts"]?["eu-west-1"]?["Account"], .string("763104351884"))
        lambda.hasResource(type: "AWS::SageMaker::ModelPackageGroup", properties: ["ModelPackageGroupName": "sentiment-models"])
    }

    func testApprovalRuleInvokesTheRegistrarWithAPermissionLimitedToTheRule() throws {
        let lambda = try templates()["LambdaStack"]!
        let id = "RegistryApprovalRule"
        let rule = try XCTUnwrap(lambda.resources[id])
        XCTAssertEqual(rule["Properties"]?["EventPattern"], try JSON(parsing: """
            {"source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
             "detail": {"ModelPackageGroupName": ["sentiment-models"], "ModelApprovalStatus": ["Approved"]}}
            """))
        XCTAssertTrue(Match.matches([["Arn": ["Fn::GetAtt": ["ModelRegistrar", "Arn"]], "Id": "ModelRegistrarTarget"]], rule["Properties"]!["Targets"]!))
        lambda.hasResource(type: "AWS::Lambda::Permission", properties: [
            "Principal": "events.amazonaws.com", "Action": "lambda:InvokeFunction", "FunctionName": ["Fn::GetAtt": ["ModelRegistrar", "Arn"]],
            "SourceArn": ["Fn::GetAtt": [id, "Arn"]], "SourceAccount": ["Ref": "AWS::AccountId"],
        ])
    }

    func testRegistryOffKeepsTheGroupButNoRuleNoMetricsTrigger() throws {
        config.registry.enabled = false
        let templates = try templates()
        XCTAssertNil(templates["LambdaStack"]!.resources["RegistryApprovalRule"])
        templates["LambdaStack"]!.resourceCountIs("AWS::SageMaker::ModelPackageGroup", 1)
        let statements = try registrarStatements(templates["LambdaStack"]!)
        XCTAssertFalse(statements.contains { Match.render($0).contains("sagemaker:") })
        let bucket = try XCTUnwrap(templates["S3Stack"]!.resources["ModelBucket"])
        XCTAssertEqual(bucket["Properties"]?["NotificationConfiguration"]?["LambdaConfigurations"]?.array?.count, 1)
    }

    // MARK: monitoring

    /// The dashboard body with `Fn::Join` resolved (the region as `REGION`), parsed.
    func dashboardBody(_ monitoring: Template) throws -> JSON {
        let (_, dashboard) = try monitoring.onlyResource(type: "AWS::CloudWatch::Dashboard")
        XCTAssertEqual(dashboard["DashboardName"], .string("sentiment-pipeline"))
        let parts = try XCTUnwrap(dashboard["DashboardBody"]?["Fn::Join"]?[1]?.array)
        let text = parts.map { $0.string ?? ($0 == .object(["Ref": .string("AWS::Region")]) ? "REGION" : "?") }.joined()
        return try JSON(parsing: text)
    }

    func testDashboardGraphsEndpointRegistryRolloutAndFunctions() throws {
        let body = try dashboardBody(try templates()["MonitoringStack"]!)
        let widgets = try XCTUnwrap(body["widgets"]?.array)
        let titles = widgets.compactMap { $0["properties"]?["title"]?.string }
        XCTAssertEqual(titles, ["Invocations and errors", "Model latency (µs)", "CPU and memory (% per instance, CPU summed over vCPUs)",
                                "Instances in service (while traffic flows)", "Registry outcomes", "Rollout outcomes",
                                "Registrar function: errors and throttles", "Registrar function: duration (ms)",
                                "Rollout function: errors and throttles", "Rollout function: duration (ms)"])
        func metrics(_ title: String) -> [JSON] { widgets.first { $0["properties"]?["title"]?.string == title }?["properties"]?["metrics"]?.array ?? [] }
        XCTAssertEqual(metrics("Model latency (µs)").compactMap { $0[6]?["stat"]?.string }, ["p50", "p90", "p99"])
        XCTAssertEqual(metrics("Invocations and errors").compactMap { $0[1]?.string }, ["Invocations", "Invocation4XXErrors", "Invocation5XXErrors"])
        XCTAssertEqual(metrics("Rollout outcomes").compactMap { $0[1]?.string }, ["ModelRolloutStarted", "ModelRolloutSucceeded", "ModelRolloutFailed"])
        XCTAssertEqual(metrics("Rollout outcomes").first?[0], .string("MLOps/ModelRollout"), "the rollout's namespace (rollout.metricsNamespace)")
        XCTAssertEqual(metrics("Registry outcomes").first?[0], .string("MLOps/ModelRegistry"))
        XCTAssertEqual(metrics("Instances in service (while traffic flows)").first?[0]?["expression"], .string("i0 / p0"))
        XCTAssertEqual(metrics("CPU and memory (% per instance, CPU summed over vCPUs)").first?[0], .string("/aws/sagemaker/Endpoints"))
        for widget in widgets where widget["type"] == .string("metric") {
            XCTAssertEqual(widget["properties"]?["region"], .string("REGION"))
            XCTAssertLessThanOrEqual((widget["x"]?.number ?? 99) + (widget["width"]?.number ?? 99), 24)
        }
        XCTAssertFalse(titles.contains { $0.hasPrefix("Prediction API") }, "no prediction function configured")

        config.monitoring.predictionFunctionName = "sentiment-predict"
        let withApi = try dashboardBody(try templates()["MonitoringStack"]!)
        let apiWidget = try XCTUnwrap(withApi["widgets"]?.array?.first { $0["properties"]?["title"]?.string == "Prediction API function: errors and throttles" })
        XCTAssertEqual(apiWidget["properties"]?["metrics"]?[2], try JSON(parsing: #"["AWS/Lambda","Throttles","FunctionName","sentiment-predict",{"label":"throttles","stat":"Sum"}]"#))
    }

    func testDataQualityScheduleIsHourlyOnTheCapturedDataWithALeastPrivilegeRole() throws {
        let monitoring = try templates()["MonitoringStack"]!
        let (definitionId, definition) = try monitoring.onlyResource(type: "AWS::SageMaker::DataQualityJobDefinition")
        XCTAssertTrue(Match.matches([
            "DataQualityAppSpecification": ["ImageUri": ["Fn::Sub": ["${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-model-monitor-analyzer",
                                                                     ["V0": ["Fn::FindInMap": ["ModelMonitorRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]]]]],
            "DataQualityJobInput": ["EndpointInput": ["EndpointName": "sentiment-endpoint"]],
            "DataQualityJobOutputConfig": ["KmsKeyId": ["Fn::ImportValue": "SentimentEndpointStack:KeyArn"]],
            "JobResources": ["ClusterConfig": ["InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20]],
            "StoppingCondition": ["MaxRuntimeInSeconds": 1800],
            "DataQualityBaselineConfig": Match.absent,
        ], definition), Match.render(definition))
        XCTAssertEqual(monitoring.json["Mappings"]?["ModelMonitorRegistryAccounts"]?["us-east-1"]?["Account"], .string("156813124566"))
        let name = try XCTUnwrap(definition["JobDefinitionName"]?.string)
        XCTAssertTrue(name.hasPrefix("sentiment-endpoint-dq-"), name)
        let (scheduleId, schedule) = try monitoring.onlyResource(type: "AWS::SageMaker::MonitoringSchedule")
        XCTAssertTrue(Match.matches([
            "EndpointName": "sentiment-endpoint", "MonitoringScheduleName": "sentiment-endpoint-data-quality",
            "MonitoringScheduleConfig": ["MonitoringJobDefinitionName": name, "MonitoringType": "DataQuality",
                                         "ScheduleConfig": ["ScheduleExpression": "cron(0 * ? * * *)"]],
        ], schedule), Match.render(schedule))
        XCTAssertEqual(monitoring.resources[scheduleId]?["DependsOn"], .array([.string(definitionId)]))

        // The role: the captured data read, the reports written, the endpoint's key, nothing else of the bucket.
        let (_, role) = try XCTUnwrap(monitoring.findResources(type: "AWS::IAM::Role").first)
        let statements = try XCTUnwrap(role["Properties"]?["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
        XCTAssertTrue(Match.matches(["Fn::Sub": ["${V0}/data-capture/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]],
                                    try statement(statements, action: "s3:GetObject")["Resource"]!))
        XCTAssertTrue(Match.matches(["Fn::Sub": ["${V0}/monitoring/data-quality/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]],
                                    try statement(statements, action: "s3:PutObject")["Resource"]!))
        XCTAssertTrue(Match.matches(["StringLike": ["s3:prefix": ["data-capture/*", "monitoring/data-quality/*"]]],
                                    try statement(statements, action: "s3:ListBucket")["Condition"]!))
        XCTAssertTrue(Match.matches(["StringEquals": ["cloudwatch:namespace": "/aws/sagemaker/Endpoints/data-metric"]],
                                    try statement(statements, action: "cloudwatch:PutMetricData")["Condition"]!))
        XCTAssertTrue(Match.matches(["Service": "sagemaker.amazonaws.com"], role["Properties"]!["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!))
        for item in statements where item["Resource"] == .string("*") {
            XCTAssertEqual(item["Action"], .string("cloudwatch:PutMetricData"), Match.render(item))
        }
    }

    func testViolationsGoToTheAlarmTopicWhichAcceptsEventBridge() throws {
        let templates = try templates()
        let monitoring = templates["MonitoringStack"]!
        let (_, rule) = try monitoring.onlyResource(type: "AWS::Events::Rule")
        XCTAssertTrue(Match.matches([
            "source": ["aws.sagemaker"], "detail-type": ["SageMaker Processing Job State Change"],
            "detail": ["MonitoringScheduleArn": [["Fn::GetAtt": ["DataQualitySchedule", "MonitoringScheduleArn"]]],
                       "ExitMessage": [["prefix": "CompletedWithViolations"]]],
        ], rule["EventPattern"]!), Match.render(rule["EventPattern"]!))
        let target = try XCTUnwrap(rule["Targets"]?[0])
        XCTAssertEqual(target["Arn"], .object(["Fn::ImportValue": .string("LambdaStack:AlarmTopicRef")]))
        XCTAssertTrue(target["InputTransformer"]?["InputTemplate"]?.string?.contains("found violations: <message>") == true)
        let lambda = templates["LambdaStack"]!
        lambda.hasResource(type: "AWS::SNS::TopicPolicy", properties: [
            "Topics": [["Ref": "AlarmTopic"]],
            "PolicyDocument": Match.objectLike(["Statement": Match.arrayWith([Match.objectLike([
                "Principal": ["Service": "events.amazonaws.com"], "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"],
                "Condition": ["ArnLike": ["aws:SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/MonitoringStack-DataQualityViolationsRule-*"]]],
            ])])]),
        ])
        lambda.hasResource(type: "AWS::KMS::Key", properties: ["KeyPolicy": Match.objectLike(["Statement": Match.arrayWith([Match.objectLike([
            "Sid": "AllowEventBridge", "Principal": ["Service": "events.amazonaws.com"], "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        ])])])])
        lambda.resourceCountIs("AWS::SNS::TopicPolicy", 1)
        let (_, key) = try XCTUnwrap(lambda.findResources(type: "AWS::KMS::Key").first)
        let sids = key["Properties"]?["KeyPolicy"]?["Statement"]?.array?.compactMap { $0["Sid"]?.string } ?? []
        XCTAssertEqual(sids.count, Set(sids).count, "statement ids are unique in a key policy: \(sids)")
    }

    func testBaselineIsUsedWhenConfigured() throws {
        config.monitoring.baselineUri = "s3://baselines-bucket/sentiment/v1/"
        let monitoring = try templates()["MonitoringStack"]!
        let (_, definition) = try monitoring.onlyResource(type: "AWS::SageMaker::DataQualityJobDefinition")
        XCTAssertTrue(Match.matches(["ConstraintsResource": ["S3Uri": "s3://baselines-bucket/sentiment/v1/constraints.json"],
                                     "StatisticsResource": ["S3Uri": "s3://baselines-bucket/sentiment/v1/statistics.json"]],
                                    definition["DataQualityBaselineConfig"]!))
        let (_, role) = try XCTUnwrap(monitoring.findResources(type: "AWS::IAM::Role").first)
        XCTAssertTrue(Match.render(role).contains("arn:${AWS::Partition}:s3:::baselines-bucket/sentiment/v1/constraints.json"))
        // Another baseline is another job definition (a new name), so CloudFormation can replace it under the schedule.
        let name = definition["JobDefinitionName"]?.string
        config.monitoring.baselineUri = nil
        let (_, other) = try templates()["MonitoringStack"]!.onlyResource(type: "AWS::SageMaker::DataQualityJobDefinition")
        XCTAssertNotEqual(other["JobDefinitionName"]?.string, name)
    }

    func testServerlessOrNoCaptureWarnsAndCreatesNoSchedule() throws {
        config.endpoint.mode = .serverless
        config.endpoint.dataCapture.enabled = false
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertTrue(synthesis.warnings.contains {
            $0.path == "MonitoringStack" && $0.property == "DataQualitySchedule" && $0.rule.contains("serverless endpoints capture no data")
        }, "\(synthesis.warnings)")
        let monitoring = try Template(body: try XCTUnwrap(synthesis.stacks.first { $0.name == "MonitoringStack" }).body)
        monitoring.resourceCountIs("AWS::SageMaker::MonitoringSchedule", 0)
        monitoring.resourceCountIs("AWS::SageMaker::DataQualityJobDefinition", 0)
        monitoring.resourceCountIs("AWS::CloudWatch::Dashboard", 1)
        let titles = try dashboardBody(monitoring)["widgets"]?.array?.compactMap { $0["properties"]?["title"]?.string } ?? []
        XCTAssertTrue(titles.contains("Serverless cold starts (ModelSetupTime, µs)"))
        XCTAssertFalse(titles.contains { $0.hasPrefix("CPU") })

        config.endpoint.mode = .instance
        let noCapture = try PipelineApp.make(config: config).synthesize()
        XCTAssertTrue(noCapture.warnings.contains { $0.rule.contains("endpoint.dataCapture.enabled is false") }, "\(noCapture.warnings)")
        config.monitoring.dataQuality = false
        XCTAssertTrue(try PipelineApp.make(config: config).synthesize().warnings.filter { $0.path.hasPrefix("MonitoringStack") }.isEmpty,
                      "switched off on purpose: no warning")
    }

    func testDefaultMonitoringHasNoWarnings() throws {
        XCTAssertEqual(try PipelineApp.make(config: config).synthesize().warnings.filter { $0.path.hasPrefix("MonitoringStack") }, [])
    }
}
