import CloudFormation
@testable import Pipeline
import TemplateAssertions
import XCTest

/// The automatic rollout in the templates: the function, its trigger and permission, its least-privilege role, the
/// stack-status report, and the endpoint's deployment guardrails with their synth-time rules.
final class RolloutTemplateTests: XCTestCase {
    var config: PipelineConfig!
    var templates: [String: Template]!
    var lambda: Template { templates["LambdaStack"]! }
    var endpoint: Template { templates["SentimentEndpointStack"]! }

    override func setUpWithError() throws {
        config = try PipelineConfig.load(from: PipelineTemplateTests.configPath)
        templates = try PipelineTemplateTests.synthesize(config)
    }

    static func sub(_ text: String) -> Matcher { ["Fn::Sub": Matcher(.string(text))] }

    func testRolloutFunction() throws {
        let function = try XCTUnwrap(lambda.resource("RolloutFunction")?["Properties"])
        try Template.expect(function, matches: [
            "FunctionName": "sentiment-model-rollout", "Handler": "rollout", "Runtime": "provided.al2023", "Architectures": ["x86_64"],
            "ReservedConcurrentExecutions": 1, "Timeout": 900, "MemorySize": 128,
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "DeadLetterConfig": ["TargetArn": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
        ])
        try Template.expect(function["Environment"]?["Variables"], matches: Match.exact([
            "ENDPOINT_STACK_NAME": "SentimentEndpointStack", "SSM_PARAMETER_NAME": "/mlops/sentiment/model-data-url",
            "MODEL_BUCKET": Self.sub("sentiment-models-${AWS::AccountId}-${AWS::Region}"), "MODEL_PREFIX": "models/", "MODEL_SUFFIX": ".tar.gz",
            "ALARM_TOPIC_ARN": ["Ref": "AlarmTopic"], "METRICS_NAMESPACE": "MLOps/ModelRollout",
        ]))
        try lambda.hasResourceProperties("AWS::Lambda::EventInvokeConfig", [
            "FunctionName": ["Ref": "RolloutFunction"], "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600,
        ])
        XCTAssertEqual(lambda.findResources("AWS::Lambda::Function").count, 2, "registrar and rollout: one package, two handlers")
    }

    func testTriggerRuleAndPermission() throws {
        let rule = try XCTUnwrap(lambda.resource("RolloutTrigger")?["Properties"])
        try Template.expect(rule["EventPattern"], matches: Match.exact([
            "source": ["aws.ssm"], "detail-type": ["Parameter Store Change"],
            "detail": ["name": ["/mlops/sentiment/model-data-url"], "operation": ["Create", "Update"]],
        ]))
        XCTAssertEqual(rule["State"]?.stringValue, "ENABLED")
        try Template.expect(rule["Targets"], matches: Match.exact([[
            "Arn": ["Fn::GetAtt": ["RolloutFunction", "Arn"]], "Id": "ModelRollout",
            "DeadLetterConfig": ["Arn": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]],
            "RetryPolicy": ["MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 185],
        ]]))
        let permission = try XCTUnwrap(lambda.resource("RolloutInvokePermission")?["Properties"])
        try Template.expect(permission, matches: Match.exact([
            "Action": "lambda:InvokeFunction", "FunctionName": ["Fn::GetAtt": ["RolloutFunction", "Arn"]],
            "Principal": "events.amazonaws.com", "SourceAccount": ["Ref": "AWS::AccountId"],
            "SourceArn": ["Fn::GetAtt": ["RolloutTrigger", "Arn"]],
        ]))
        let queuePolicy = try XCTUnwrap(lambda.resource("RolloutDeadLetterQueuePolicy")?["Properties"])
        try Template.expect(queuePolicy["Queues"], matches: Match.exact([["Ref": "RolloutFunctionDeadLetterQueue"]]))
        try Template.expect(queuePolicy["PolicyDocument"]?["Statement"], matches: Match.exact([[
            "Sid": "AllowEventBridgeDeadLetters", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
            "Action": "sqs:SendMessage", "Resource": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]],
            "Condition": ["ArnEquals": ["aws:SourceArn": [["Fn::GetAtt": ["RolloutTrigger", "Arn"]],
                                                                           ["Fn::GetAtt": ["RolloutStackStatusRule", "Arn"]]]]],
        ]]))
    }

    func testRolloutRoleIsExactlyLeastPrivilege() throws {
        let role = try XCTUnwrap(lambda.resource("RolloutFunctionServiceRole")?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"])
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue)
        let arn = { (rest: String) in Self.sub("arn:${AWS::Partition}:\(rest)") }
        let expected: Matcher = [
            ["Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": ["Fn::GetAtt": ["RolloutFunctionLogGroup", "Arn"]]],
            ["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]],
            ["Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": ["Fn::GetAtt": ["Key", "Arn"]]],
            ["Sid": "UpdateTheEndpointStackOnly", "Effect": "Allow",
                     "Action": ["cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks", "cloudformation:UpdateStack"],
                     "Resource": arn("cloudformation:${AWS::Region}:${AWS::AccountId}:stack/SentimentEndpointStack/*")],
            ["Sid": "ReadTheModelParameter", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                     "Resource": arn("ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url")],
            ["Sid": "PassTheExecutionRoleToSageMaker", "Effect": "Allow", "Action": "iam:PassRole",
                     "Resource": arn("iam::${AWS::AccountId}:role/sentiment-endpoint/*"),
                     "Condition": ["StringEquals": ["iam:PassedToService": "sagemaker.amazonaws.com"]]],
            ["Sid": "ReplaceModelAndEndpointConfig", "Effect": "Allow",
                     "Action": ["sagemaker:AddTags", "sagemaker:CreateEndpointConfig", "sagemaker:CreateModel", "sagemaker:DeleteEndpointConfig",
                                "sagemaker:DeleteModel", "sagemaker:DeleteTags", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel", "sagemaker:ListTags"],
                     "Resource": [arn("sagemaker:${AWS::Region}:${AWS::AccountId}:model/*"), arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*")]],
            ["Sid": "UpdateTheEndpoint", "Effect": "Allow",
                     "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:DescribeEndpoint", "sagemaker:ListTags"],
                     "Resource": arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/sentiment-endpoint")],
            ["Sid": "SwitchTheEndpointToANewConfig", "Effect": "Allow", "Action": "sagemaker:UpdateEndpoint",
                     "Resource": [arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/sentiment-endpoint"),
                                  arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*")]],
            ["Sid": "EndpointKeyGrantThroughSageMaker", "Effect": "Allow", "Action": ["kms:CreateGrant", "kms:DescribeKey"],
                     "Resource": arn("kms:${AWS::Region}:${AWS::AccountId}:key/*"),
                     "Condition": ["StringEquals": ["kms:ViaService": Self.sub("sagemaker.${AWS::Region}.amazonaws.com")]]],
            ["Sid": "ReadTheRollbackAlarms", "Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
                     "Resource": arn("cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:SentimentEndpointStack-*")],
            ["Sid": "ReportOnTheAlarmTopic", "Effect": "Allow", "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"]],
            ["Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                     "Condition": ["StringEquals": ["cloudwatch:namespace": "MLOps/ModelRollout"]]],
        ]
        // Every statement exactly, in order (a duplicate `kms:Decrypt` for the queue's key is merged by `Role`).
        try Template.expect(.array(statements), matches: Match.exact(expected))
        // No CloudFormation service role, nothing that could apply another template or touch another stack.
        XCTAssertFalse(role.debugDescription.contains("cloudformation:CreateStack"))
        XCTAssertFalse(role.debugDescription.contains("cloudformation:ExecuteChangeSet"))
        XCTAssertNil(lambda.resources.first { $0.value.debugDescription.contains("\"cloudformation.amazonaws.com\"") })
    }

    func testStackStatusRuleReportsOnTheEncryptedTopic() throws {
        let rule = try XCTUnwrap(lambda.resource("RolloutStackStatusRule")?["Properties"])
        try Template.expect(rule["EventPattern"], matches: Match.exact([
            "source": ["aws.cloudformation"], "detail-type": ["CloudFormation Stack Status Change"],
            "detail": [
                "stack-id": [["prefix": Self.sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/SentimentEndpointStack/")]],
                "status-details": ["status": ["UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED"]],
            ],
        ]))
        let target = try XCTUnwrap(rule["Targets"]?[0])
        try Template.expect(target["Arn"], matches: Match.exact(["Ref": "AlarmTopic"]))
        try Template.expect(target["InputTransformer"]?["InputPathsMap"], matches: Match.exact([
            "stack": "$.detail.stack-id", "status": "$.detail.status-details.status", "reason": "$.detail.status-details.status-reason",
        ]))
        try Template.expect(target["DeadLetterConfig"]?["Arn"], matches: Match.exact(["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]))
        let policy = try XCTUnwrap(lambda.resource("AlarmTopicPolicy")?["Properties"])
        try Template.expect(policy["Topics"], matches: Match.exact([["Ref": "AlarmTopic"]]))
        try Template.expect(policy["PolicyDocument"]?["Statement"], matches: Match.exact([
            ["Sid": "AllowCloudWatchAlarms", "Effect": "Allow", "Principal": ["Service": "cloudwatch.amazonaws.com"],
                     "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"],
                     "Condition": ["StringEquals": ["aws:SourceAccount": ["Ref": "AWS::AccountId"]]]],
            ["Sid": "AllowEndpointStackStatus", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
                     "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"],
                     "Condition": ["ArnEquals": ["aws:SourceArn": ["Fn::GetAtt": ["RolloutStackStatusRule", "Arn"]]]]],
            ["Sid": "AllowDataQualityViolationsRule", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
             "Action": "sns:Publish", "Resource": ["Ref": "AlarmTopic"],
             "Condition": ["ArnLike": ["aws:SourceArn": ["Fn::Sub":
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/MonitoringStack-DataQualityViolationsRule-*"]]]],
        ]))
        let keyStatements = try XCTUnwrap(lambda.resource("Key")?["Properties"]?["KeyPolicy"]?["Statement"]?.arrayValue)
        try Template.expect(.array(keyStatements), matches: Match.arrayWith([Match.exact([
            "Sid": "AllowEventBridge", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
            "Condition": ["StringEquals": ["aws:SourceAccount": ["Ref": "AWS::AccountId"]]],
        ])]))
        try lambda.hasResourceProperties("AWS::CloudWatch::Alarm", [
            "Namespace": "AWS/SQS", "Dimensions": [["Name": "QueueName", "Value": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "QueueName"]]]],
        ])
    }

    func testDeploymentConfigCanaryWithAutoRollbackOnTheEndpointAlarms() throws {
        let properties = try XCTUnwrap(endpoint.resource("SentimentEndpoint")?["Properties"])
        try Template.expect(properties["DeploymentConfig"], matches: Match.exact([
            "AutoRollbackConfiguration": ["Alarms": [["AlarmName": ["Ref": "Invocation5XXErrorsAlarm"]],
                                                             ["AlarmName": ["Ref": "ModelLatencyAlarm"]]]],
            "BlueGreenUpdatePolicy": [
                "MaximumExecutionTimeoutInSeconds": 1800, "TerminationWaitInSeconds": 0,
                "TrafficRoutingConfiguration": ["Type": "CANARY", "CanarySize": ["Type": "CAPACITY_PERCENT", "Value": 10],
                                                        "WaitIntervalInSeconds": 300],
            ],
        ]))
        // Variant names are literals from the config: a new model keeps them (SageMaker's blue/green requires it).
        let variants = try XCTUnwrap(endpoint.resource("SentimentEndpointConfig")?["Properties"]?["ProductionVariants"]?.arrayValue)
        XCTAssertEqual(variants.map { $0["VariantName"]?.stringValue }, ["AllTraffic"])
        // The alarms name the endpoint literally (a GetAtt would make a cycle with the rollback configuration).
        try endpoint.hasResourceProperties("AWS::CloudWatch::Alarm", [
            "MetricName": "Invocation5XXErrors", "Dimensions": [["Name": "EndpointName", "Value": "sentiment-endpoint"], ["Name": "VariantName", "Value": "AllTraffic"]],
        ])
        // The execution role lives under the path the rollout may pass.
        try endpoint.hasResourceProperties("AWS::IAM::Role", ["Path": "/sentiment-endpoint/"])
    }

    func testLinearAllAtOnceAndNoRollback() throws {
        config.endpoint.rollout.strategy = .linear
        config.endpoint.rollout.linearStepPercent = 25
        config.endpoint.rollout.terminationWaitSeconds = 120
        var deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resource("SentimentEndpoint")?["Properties"]?["DeploymentConfig"])
        try Template.expect(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], matches: Match.exact([
            "Type": "LINEAR", "LinearStepSize": ["Type": "CAPACITY_PERCENT", "Value": 25], "WaitIntervalInSeconds": 300,
        ]))
        try Template.expect(deployment["BlueGreenUpdatePolicy"]?["TerminationWaitInSeconds"], matches: 120)
        config.endpoint.rollout.strategy = .allAtOnce
        config.endpoint.rollout.autoRollback = false
        deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resource("SentimentEndpoint")?["Properties"]?["DeploymentConfig"])
        try Template.expect(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], matches: Match.exact(["Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300]))
        XCTAssertNil(deployment["AutoRollbackConfiguration"])
    }

    func testTwoVariantsRollBackOnFourAlarms() throws {
        config.endpoint.variants = [
            .init(name: "Current", weight: 0.9, instanceType: "ml.m5.large", initialInstanceCount: 1),
            .init(name: "Candidate", weight: 0.1, instanceType: "ml.m5.large", initialInstanceCount: 1),
        ]
        let deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resource("SentimentEndpoint")?["Properties"]?["DeploymentConfig"])
        XCTAssertEqual(deployment["AutoRollbackConfiguration"]?["Alarms"]?.arrayValue?.compactMap { $0["AlarmName"]?["Ref"]?.stringValue },
                       ["Invocation5XXErrorsAlarmCurrent", "ModelLatencyAlarmCurrent", "Invocation5XXErrorsAlarmCandidate", "ModelLatencyAlarmCandidate"])
    }

    /// The construct's own checks, for values that bypass the config's (a library user setting them directly).
    func testSynthTimeRulesOfTheGuardrails() throws {
        let cases: [(change: (inout PipelineConfig) -> Void, property: String, rule: String)] = [
            ({ $0.endpoint.rollout.canaryPercent = 60 }, "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Value",
             "a canary must be 1 to 50 % of the new fleet's capacity"),
            ({ $0.endpoint.rollout.strategy = .linear; $0.endpoint.rollout.linearStepPercent = 5 },
             "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.LinearStepSize.Value", "a linear step must be 10 to 50 %"),
            ({ $0.endpoint.rollout.waitIntervalSeconds = 4000 }, "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds",
             "must be between 0 and 3600"),
            ({ $0.endpoint.rollout.terminationWaitSeconds = -5 }, "DeploymentConfig.BlueGreenUpdatePolicy.TerminationWaitInSeconds", "must be between 0 and 3600"),
            ({ $0.endpoint.rollout.maximumExecutionTimeoutSeconds = 30000 }, "DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds",
             "must be between 600 and 28800"),
            ({ $0.endpoint.rollout.maximumExecutionTimeoutSeconds = 600 }, "DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds",
             "must be longer than the deployment's waits (2 × 300 s + 0 s = 600 s)"),
            ({ $0.endpoint.variants = (1...6).map { .init(name: "V\($0)", weight: 1, instanceType: "ml.m5.large", initialInstanceCount: 1) } },
             "DeploymentConfig.AutoRollbackConfiguration.Alarms", "must have at most 10 alarms"),
        ]
        for testCase in cases {
            var bad = config!
            testCase.change(&bad)
            XCTAssertThrowsError(try PipelineApp.make(config: bad).synthesize(), testCase.rule) { error in
                let errors = (error as? SynthesisError)?.errors ?? []
                XCTAssertTrue(errors.contains { $0.path.hasPrefix("SentimentEndpointStack/Sentiment/Endpoint") && $0.property == testCase.property
                        && $0.rule.contains(testCase.rule) && !$0.value.isEmpty }, "\(testCase.rule): \(error)")
            }
        }
    }

    func testFunctionTimeoutShorterThanTheMaximumDeploymentIsAWarning() throws {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(synthesis.warnings.map(\.property), ["Timeout"])
        XCTAssertTrue(synthesis.warnings.first?.rule.contains("maximumExecutionTimeoutSeconds 1800 s") == true)
        config.endpoint.rollout.maximumExecutionTimeoutSeconds = 900
        XCTAssertTrue(try PipelineApp.make(config: config).synthesize().warnings.isEmpty, "900 s function, 900 s deployment: no warning")
    }

    func testServerlessAppliesAllAtOnceAndWarnsAboutTheIgnoredCanary() throws {
        config.endpoint.mode = .serverless
        config.endpoint.dataCapture.enabled = false
        config.endpoint.rollout.maximumExecutionTimeoutSeconds = 900
        config.monitoring.dataQuality = false  // (else MonitoringStack warns that serverless captures nothing to monitor)
        let synthesis = try PipelineApp.make(config: config).synthesize()
        let endpointStack = try XCTUnwrap(synthesis.stacks.first { $0.name == "SentimentEndpointStack" })
        let deployment = try XCTUnwrap(Template(artifact: endpointStack).resource("SentimentEndpoint")?["Properties"]?["DeploymentConfig"])
        try Template.expect(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], matches: Match.exact(["Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300]))
        XCTAssertNotNil(deployment["AutoRollbackConfiguration"], "the serverless variant's alarms still roll back")
        XCTAssertEqual(synthesis.warnings.count, 1)
        XCTAssertTrue(synthesis.warnings.first?.rule.contains("serverless endpoint has no instance capacity to shift in steps") == true, "\(synthesis.warnings)")
        XCTAssertTrue(synthesis.warnings.first?.value.contains("canary") == true)
        config.endpoint.rollout.strategy = .allAtOnce
        XCTAssertTrue(try PipelineApp.make(config: config).synthesize().warnings.isEmpty)
    }

    func testNoCycleAndTheSameOrder() throws {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(synthesis.stacks.map(\.name), ["LambdaStack", "S3Stack", "SentimentEndpointStack", "MonitoringStack"])
        XCTAssertEqual(synthesis.stacks.first?.dependencies, [], "LambdaStack refers to the endpoint stack by name only")
    }
}
