import CloudFormation
@testable import Pipeline
import TemplateAssertions
import XCTest

/// The model registry (LambdaStack, S3Stack) and the monitoring stack, asserted on the synthesized templates.
final class RegistryMonitoringTemplateTests: XCTestCase {
    var config: PipelineConfig!

    override func setUpWithError() throws {
        config = try PipelineConfig.load(from: PipelineTemplateTests.configPath)
    }

    func templates(_ config: PipelineConfig? = nil) throws -> [String: Template] { try PipelineTemplateTests.synthesize(config ?? self.config) }

    /// The single resource of a type: its logical ID and properties.
    func onlyResource(_ template: Template, _ type: String) throws -> (id: String, properties: TemplateValue) {
        try template.resourceCountIs(type, 1)
        let entry = try XCTUnwrap(template.findResources(type).first)
        return (entry.key, entry.value["Properties"] ?? .object([]))
    }

    func registrarStatements(_ lambda: Template) throws -> [TemplateValue] {
        let role = try XCTUnwrap(lambda.resource("ModelRegistrarServiceRole")?["Properties"])
        return try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue)
    }

    /// The first statement whose `Action` matches `action`.
    func statement(_ statements: [TemplateValue], action: Matcher) throws -> TemplateValue {
        try XCTUnwrap(statements.first { action.matches($0["Action"] ?? .null) }, "no statement for \(action.description)")
    }

    static func int(_ value: TemplateValue?) -> Int? {
        switch value {
        case .integer(let i)?: i
        case .double(let d)?: Int(exactly: d)
        default: nil
        }
    }

    // MARK: registry

    func testRegistrarRegistryPermissionsAreLimitedToTheGroupAndTheMetricsFiles() throws {
        let statements = try registrarStatements(try templates()["LambdaStack"]!)
        let packages: Matcher = ["Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/sentiment-models/*"]
        try Template.expect(try statement(statements, action: "sagemaker:CreateModelPackage")["Resource"],
                            matches: [["Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/sentiment-models"], packages])
        try Template.expect(try statement(statements, action: ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"])["Resource"], matches: packages)
        // The one wildcard: ListModelPackages has no resource-level permissions.
        XCTAssertEqual(try statement(statements, action: "sagemaker:ListModelPackages")["Resource"]?.stringValue, "*")
        // Metrics files only, never the archives.
        try Template.expect(try statement(statements, action: "s3:GetObject")["Resource"], matches: [
            ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}/models/*/metrics.json"],
            ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}/models/metrics.json"],
        ])
        let list = try statement(statements, action: "s3:ListBucket")
        try Template.expect(list["Condition"], matches: ["StringLike": ["s3:prefix": "models/*"]])
        try Template.expect(try statement(statements, action: "sns:Publish")["Resource"], matches: ["Ref": "AlarmTopic"])
        // Reads only the parameter it writes.
        try Template.expect(try statement(statements, action: "ssm:GetParameter")["Resource"],
                            matches: ["Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url"])
        for item in statements where item["Resource"]?.stringValue == "*" {
            XCTAssertTrue(["sagemaker:ListModelPackages", "cloudwatch:PutMetricData"].contains(item["Action"]?.stringValue ?? ""), item.debugDescription)
        }
    }

    func testRegistrarEnvironmentNamesTheGroupTheRegionalImageAndTheRule() throws {
        let lambda = try templates()["LambdaStack"]!
        try lambda.hasResourceProperties("AWS::Lambda::Function", ["Environment": ["Variables": [
            "MODEL_PACKAGE_GROUP": "sentiment-models", "PRIMARY_METRIC": "f1", "HIGHER_IS_BETTER": "true", "MINIMUM_IMPROVEMENT": "0",
            "REQUIRE_METRICS": "false", "METRICS_WAIT_SECONDS": "10", "METRICS_FILE_NAME": "metrics.json", "ALARM_TOPIC_ARN": ["Ref": "AlarmTopic"],
            "MODEL_IMAGE_URI": ["Fn::Sub": ["${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04",
                                            ["V0": ["Fn::FindInMap": ["RegistryImageRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]]]],
        ]]])
        XCTAssertEqual(lambda.json["Mappings"]?["RegistryImageRegistryAccounts"]?["eu-west-1"]?["Account"]?.stringValue, "763104351884")
        try lambda.hasResourceProperties("AWS::SageMaker::ModelPackageGroup", ["ModelPackageGroupName": "sentiment-models"])
    }

    func testApprovalRuleInvokesTheRegistrarWithAPermissionLimitedToTheRule() throws {
        let lambda = try templates()["LambdaStack"]!
        let id = "RegistryApprovalRule"
        let rule = try XCTUnwrap(lambda.resource(id))
        try Template.expect(rule["Properties"]?["EventPattern"], matches: Match.exact([
            "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
            "detail": ["ModelPackageGroupName": ["sentiment-models"], "ModelApprovalStatus": ["Approved"]],
        ]))
        try Template.expect(rule["Properties"]?["Targets"], matches: [["Arn": ["Fn::GetAtt": ["ModelRegistrar", "Arn"]], "Id": "ModelRegistrarTarget"]])
        try lambda.hasResourceProperties("AWS::Lambda::Permission", [
            "Principal": "events.amazonaws.com", "Action": "lambda:InvokeFunction", "FunctionName": ["Fn::GetAtt": ["ModelRegistrar", "Arn"]],
            "SourceArn": ["Fn::GetAtt": [Matcher(.string(id)), "Arn"]], "SourceAccount": ["Ref": "AWS::AccountId"],
        ])
    }

    func testRegistryOffKeepsTheGroupButNoRuleNoMetricsTrigger() throws {
        config.registry.enabled = false
        let templates = try templates()
        XCTAssertNil(templates["LambdaStack"]!.resource("RegistryApprovalRule"))
        try templates["LambdaStack"]!.resourceCountIs("AWS::SageMaker::ModelPackageGroup", 1)
        let statements = try registrarStatements(templates["LambdaStack"]!)
        XCTAssertFalse(statements.contains { $0.debugDescription.contains("sagemaker:") })
        let bucket = try XCTUnwrap(templates["S3Stack"]!.resource("ModelBucket"))
        XCTAssertEqual(bucket["Properties"]?["NotificationConfiguration"]?["LambdaConfigurations"]?.arrayValue?.count, 1)
    }

    // MARK: monitoring

    /// The dashboard body's `Fn::Sub` resolved (the region as `REGION`, its only placeholder), parsed.
    func dashboardBody(_ monitoring: Template) throws -> TemplateValue {
        let (_, dashboard) = try onlyResource(monitoring, "AWS::CloudWatch::Dashboard")
        XCTAssertEqual(dashboard["DashboardName"]?.stringValue, "sentiment-pipeline")
        let body = try XCTUnwrap(dashboard["DashboardBody"]?["Fn::Sub"]?.stringValue)
        let text = body.replacingOccurrences(of: "${AWS::Region}", with: "REGION")
        XCTAssertFalse(text.contains("${"), "no other placeholder: \(text)")
        return try Template(json: text).json
    }

    func testDashboardGraphsEndpointRegistryRolloutAndFunctions() throws {
        let body = try dashboardBody(try templates()["MonitoringStack"]!)
        let widgets = try XCTUnwrap(body["widgets"]?.arrayValue)
        let titles = widgets.compactMap { $0["properties"]?["title"]?.stringValue }
        XCTAssertEqual(titles, ["Invocations and errors", "Model latency (µs)", "CPU and memory (% per instance, CPU summed over vCPUs)",
                                "Instances in service (while traffic flows)", "Registry outcomes", "Rollout outcomes",
                                "Registrar function: errors and throttles", "Registrar function: duration (ms)",
                                "Rollout function: errors and throttles", "Rollout function: duration (ms)",
                                "Prediction API function: errors and throttles", "Prediction API function: duration (ms)"])
        func metrics(_ title: String) -> [TemplateValue] {
            widgets.first { $0["properties"]?["title"]?.stringValue == title }?["properties"]?["metrics"]?.arrayValue ?? []
        }
        XCTAssertEqual(metrics("Model latency (µs)").compactMap { $0[6]?["stat"]?.stringValue }, ["p50", "p90", "p99"])
        XCTAssertEqual(metrics("Invocations and errors").compactMap { $0[1]?.stringValue }, ["Invocations", "Invocation4XXErrors", "Invocation5XXErrors"])
        XCTAssertEqual(metrics("Rollout outcomes").compactMap { $0[1]?.stringValue }, ["ModelRolloutStarted", "ModelRolloutSucceeded", "ModelRolloutFailed"])
        XCTAssertEqual(metrics("Rollout outcomes").first?[0]?.stringValue, "MLOps/ModelRollout", "the rollout's namespace (rollout.metricsNamespace)")
        XCTAssertEqual(metrics("Registry outcomes").first?[0]?.stringValue, "MLOps/ModelRegistry")
        XCTAssertEqual(metrics("Instances in service (while traffic flows)").first?[0]?["expression"]?.stringValue, "i0 / p0")
        XCTAssertEqual(metrics("CPU and memory (% per instance, CPU summed over vCPUs)").first?[0]?.stringValue, "/aws/sagemaker/Endpoints")
        for widget in widgets where widget["type"]?.stringValue == "metric" {
            XCTAssertEqual(widget["properties"]?["region"]?.stringValue, "REGION")
            XCTAssertLessThanOrEqual((Self.int(widget["x"]) ?? 99) + (Self.int(widget["width"]) ?? 99), 24)
        }

        // The prediction API function (api.functionName) is always graphed.
        XCTAssertEqual(config.api.functionName, "sentiment-prediction-api")
        let apiWidget = try XCTUnwrap(widgets.first { $0["properties"]?["title"]?.stringValue == "Prediction API function: errors and throttles" })
        try Template.expect(apiWidget["properties"]?["metrics"]?[2],
                            matches: Match.exact(["AWS/Lambda", "Throttles", "FunctionName", "sentiment-prediction-api", ["label": "throttles", "stat": "Sum"]]))
    }

    func testDataQualityScheduleIsHourlyOnTheCapturedDataWithALeastPrivilegeRole() throws {
        let monitoring = try templates()["MonitoringStack"]!
        let (definitionId, definition) = try onlyResource(monitoring, "AWS::SageMaker::DataQualityJobDefinition")
        try Template.expect(definition, matches: [
            "DataQualityAppSpecification": ["ImageUri": ["Fn::Sub": ["${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-model-monitor-analyzer",
                                                                     ["V0": ["Fn::FindInMap": ["ModelMonitorRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]]]]],
            "DataQualityJobInput": ["EndpointInput": ["EndpointName": "sentiment-endpoint"]],
            "DataQualityJobOutputConfig": ["KmsKeyId": ["Fn::ImportValue": "SentimentEndpointStack:KeyArn"]],
            "JobResources": ["ClusterConfig": ["InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20]],
            "StoppingCondition": ["MaxRuntimeInSeconds": 1800],
            "DataQualityBaselineConfig": Match.absent,
        ])
        XCTAssertEqual(monitoring.json["Mappings"]?["ModelMonitorRegistryAccounts"]?["us-east-1"]?["Account"]?.stringValue, "156813124566")
        let name = try XCTUnwrap(definition["JobDefinitionName"]?.stringValue)
        XCTAssertTrue(name.hasPrefix("sentiment-endpoint-dq-"), name)
        let (scheduleId, schedule) = try onlyResource(monitoring, "AWS::SageMaker::MonitoringSchedule")
        try Template.expect(schedule, matches: [
            "EndpointName": "sentiment-endpoint", "MonitoringScheduleName": "sentiment-endpoint-data-quality",
            "MonitoringScheduleConfig": ["MonitoringJobDefinitionName": Matcher(.string(name)), "MonitoringType": "DataQuality",
                                         "ScheduleConfig": ["ScheduleExpression": "cron(0 * ? * * *)"]],
        ])
        try Template.expect(monitoring.resource(scheduleId)?["DependsOn"], matches: Match.exact([Matcher(.string(definitionId))]))

        // The role: the captured data read, the reports written, the endpoint's key, nothing else of the bucket.
        let (_, role) = try onlyResource(monitoring, "AWS::IAM::Role")
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue)
        try Template.expect(try statement(statements, action: "s3:GetObject")["Resource"],
                            matches: ["Fn::Sub": ["${V0}/data-capture/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]])
        try Template.expect(try statement(statements, action: "s3:PutObject")["Resource"],
                            matches: ["Fn::Sub": ["${V0}/monitoring/data-quality/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]])
        try Template.expect(try statement(statements, action: "s3:ListBucket")["Condition"],
                            matches: ["StringLike": ["s3:prefix": ["data-capture/*", "monitoring/data-quality/*"]]])
        try Template.expect(try statement(statements, action: "cloudwatch:PutMetricData")["Condition"],
                            matches: ["StringEquals": ["cloudwatch:namespace": "/aws/sagemaker/Endpoints/data-metric"]])
        try Template.expect(role["AssumeRolePolicyDocument"]?["Statement"]?[0]?["Principal"], matches: ["Service": "sagemaker.amazonaws.com"])
        // The endpoint's key as the endpoint's own role has it: grants only for AWS resources.
        let key: Matcher = ["Fn::ImportValue": "SentimentEndpointStack:KeyArn"]
        try Template.expect(try statement(statements, action: ["kms:Decrypt", "kms:GenerateDataKey"]), matches: Match.exact([
            "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key]))
        try Template.expect(try statement(statements, action: "kms:CreateGrant"), matches: Match.exact([
            "Effect": "Allow", "Action": "kms:CreateGrant", "Resource": key, "Condition": ["Bool": ["kms:GrantIsForAWSResource": "true"]]]))
        try Template.expect(try statement(statements, action: "kms:DescribeKey"), matches: Match.exact([
            "Effect": "Allow", "Action": "kms:DescribeKey", "Resource": key]))
        for item in statements where item["Resource"]?.stringValue == "*" {
            XCTAssertEqual(item["Action"]?.stringValue, "cloudwatch:PutMetricData", item.debugDescription)
        }
    }

    func testViolationsGoToTheAlarmTopicWhichAcceptsEventBridge() throws {
        let templates = try templates()
        let monitoring = templates["MonitoringStack"]!
        let (_, rule) = try onlyResource(monitoring, "AWS::Events::Rule")
        try Template.expect(rule["EventPattern"], matches: [
            "source": ["aws.sagemaker"], "detail-type": ["SageMaker Processing Job State Change"],
            "detail": ["MonitoringScheduleArn": [["Fn::GetAtt": ["DataQualitySchedule", "MonitoringScheduleArn"]]],
                       "ExitMessage": [["prefix": "CompletedWithViolations"]]],
        ])
        let target = try XCTUnwrap(rule["Targets"]?[0])
        try Template.expect(target["Arn"], matches: Match.exact(["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]))
        XCTAssertTrue(target["InputTransformer"]?["InputTemplate"]?.stringValue?.contains("found violations: <message>") == true)
        let lambda = templates["LambdaStack"]!
        try lambda.hasResourceProperties("AWS::SNS::TopicPolicy", [
            "Topics": [["Ref": "AlarmTopic"]],
            "PolicyDocument": ["Statement": Match.arrayWith([[
                "Principal": ["Service": "events.amazonaws.com"], "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"],
                "Condition": ["ArnLike": ["aws:SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/MonitoringStack-DataQualityViolationsRule-*"]]],
            ]])],
        ])
        try lambda.hasResourceProperties("AWS::KMS::Key", ["KeyPolicy": ["Statement": Match.arrayWith([[
            "Sid": "AllowEventBridge", "Principal": ["Service": "events.amazonaws.com"], "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        ]])]])
        try lambda.resourceCountIs("AWS::SNS::TopicPolicy", 1)
        let (_, key) = try onlyResource(lambda, "AWS::KMS::Key")
        let sids = key["KeyPolicy"]?["Statement"]?.arrayValue?.compactMap { $0["Sid"]?.stringValue } ?? []
        XCTAssertEqual(sids.count, Set(sids).count, "statement ids are unique in a key policy: \(sids)")
    }

    func testBaselineIsUsedWhenConfigured() throws {
        config.monitoring.baselineUri = "s3://baselines-bucket/sentiment/v1/"
        let monitoring = try templates()["MonitoringStack"]!
        let (_, definition) = try onlyResource(monitoring, "AWS::SageMaker::DataQualityJobDefinition")
        try Template.expect(definition["DataQualityBaselineConfig"], matches: [
            "ConstraintsResource": ["S3Uri": "s3://baselines-bucket/sentiment/v1/constraints.json"],
            "StatisticsResource": ["S3Uri": "s3://baselines-bucket/sentiment/v1/statistics.json"],
        ])
        let (_, role) = try onlyResource(monitoring, "AWS::IAM::Role")
        XCTAssertTrue(role.debugDescription.contains("arn:${AWS::Partition}:s3:::baselines-bucket/sentiment/v1/constraints.json"))
        // Another baseline is another job definition (a new name), so CloudFormation can replace it under the schedule.
        let name = definition["JobDefinitionName"]?.stringValue
        config.monitoring.baselineUri = nil
        let (_, other) = try onlyResource(try templates()["MonitoringStack"]!, "AWS::SageMaker::DataQualityJobDefinition")
        XCTAssertNotNil(name)
        XCTAssertNotEqual(other["JobDefinitionName"]?.stringValue, name)
    }

    func testServerlessOrNoCaptureWarnsAndCreatesNoSchedule() throws {
        config.endpoint.mode = .serverless
        config.endpoint.dataCapture.enabled = false
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertTrue(synthesis.warnings.contains {
            $0.path == "MonitoringStack" && $0.property == "DataQualitySchedule" && $0.rule.contains("serverless endpoints capture no data")
        }, "\(synthesis.warnings)")
        let monitoring = try Template(artifact: try XCTUnwrap(synthesis.stacks.first { $0.name == "MonitoringStack" }))
        try monitoring.resourceCountIs("AWS::SageMaker::MonitoringSchedule", 0)
        try monitoring.resourceCountIs("AWS::SageMaker::DataQualityJobDefinition", 0)
        try monitoring.resourceCountIs("AWS::CloudWatch::Dashboard", 1)
        let titles = try dashboardBody(monitoring)["widgets"]?.arrayValue?.compactMap { $0["properties"]?["title"]?.stringValue } ?? []
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
