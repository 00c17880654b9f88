import CloudFormation
@testable import Pipeline
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

    static func sub(_ text: String) -> JSON { .object(["Fn::Sub": .string(text)]) }

    func testRolloutFunction() throws {
        let function = try XCTUnwrap(lambda.resources["RolloutFunction"]?["Properties"])
        XCTAssertTrue(Match.matches([
            "FunctionName": "sentiment-model-rollout", "Handler": "rollout", "Runtime": "provided.al2023", "Architectures": ["x86_64"],
            "ReservedConcurrentExecutions": 1, "Timeout": 900, "MemorySize": 128,
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "DeadLetterConfig": ["TargetArn": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
        ], function), Match.render(function))
        XCTAssertEqual(function["Environment"]?["Variables"], .object([
            "ENDPOINT_STACK_NAME": "SentimentEndpointStack", "SSM_PARAMETER_NAME": "/mlops/sentiment/model-data-url",
            "MODEL_BUCKET": Self.sub("sentiment-models-${AWS::AccountId}-${AWS::Region}"), "MODEL_PREFIX": "models/", "MODEL_SUFFIX": ".tar.gz",
            "ALARM_TOPIC_ARN": .object(["Ref": "AlarmTopic"]), "METRICS_NAMESPACE": "MLOps/ModelRollout",
        ]))
        lambda.hasResource(type: "AWS::Lambda::EventInvokeConfig", properties: [
            "FunctionName": ["Ref": "RolloutFunction"], "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600,
        ])
        XCTAssertEqual(lambda.resourceCount(type: "AWS::Lambda::Function"), 2, "registrar and rollout: one package, two handlers")
    }

    func testTriggerRuleAndPermission() throws {
        let rule = try XCTUnwrap(lambda.resources["RolloutTrigger"]?["Properties"])
        XCTAssertEqual(rule["EventPattern"], .object([
            "source": ["aws.ssm"], "detail-type": ["Parameter Store Change"],
            "detail": .object(["name": ["/mlops/sentiment/model-data-url"], "operation": ["Create", "Update"]]),
        ]))
        XCTAssertEqual(rule["State"], "ENABLED")
        XCTAssertEqual(rule["Targets"], .array([.object([
            "Arn": .object(["Fn::GetAtt": ["RolloutFunction", "Arn"]]), "Id": "ModelRollout",
            "DeadLetterConfig": .object(["Arn": .object(["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]])]),
            "RetryPolicy": .object(["MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 185]),
        ])]))
        let permission = try XCTUnwrap(lambda.resources["RolloutInvokePermission"]?["Properties"])
        XCTAssertEqual(permission, .object([
            "Action": "lambda:InvokeFunction", "FunctionName": .object(["Fn::GetAtt": ["RolloutFunction", "Arn"]]),
            "Principal": "events.amazonaws.com", "SourceAccount": .object(["Ref": "AWS::AccountId"]),
            "SourceArn": .object(["Fn::GetAtt": ["RolloutTrigger", "Arn"]]),
        ]))
        let queuePolicy = try XCTUnwrap(lambda.resources["RolloutDeadLetterQueuePolicy"]?["Properties"])
        XCTAssertEqual(queuePolicy["Queues"], .array([.object(["Ref": "RolloutFunctionDeadLetterQueue"])]))
        XCTAssertEqual(queuePolicy["PolicyDocument"]?["Statement"], .array([.object([
            "Sid": "AllowEventBridgeDeadLetters", "Effect": "Allow", "Principal": .object(["Service": "events.amazonaws.com"]),
            "Action": "sqs:SendMessage", "Resource": .object(["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]),
            "Condition": .object(["ArnEquals": .object(["aws:SourceArn": [.object(["Fn::GetAtt": ["RolloutTrigger", "Arn"]]),
                                                                           .object(["Fn::GetAtt": ["RolloutStackStatusRule", "Arn"]])]])]),
        ])]))
    }

    func testRolloutRoleIsExactlyLeastPrivilege() throws {
        let role = try XCTUnwrap(lambda.resources["RolloutFunctionServiceRole"]?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"])
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
        let arn = { (rest: String) in Self.sub("arn:${AWS::Partition}:\(rest)") }
        let expected: [JSON] = [
            .object(["Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": .object(["Fn::GetAtt": ["RolloutFunctionLogGroup", "Arn"]])]),
            .object(["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": .object(["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]])]),
            .object(["Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": .object(["Fn::GetAtt": ["Key", "Arn"]])]),
            .object(["Effect": "Allow", "Action": "kms:Decrypt", "Resource": .object(["Fn::GetAtt": ["Key", "Arn"]])]),
            .object(["Sid": "UpdateTheEndpointStackOnly", "Effect": "Allow",
                     "Action": ["cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks", "cloudformation:UpdateStack"],
                     "Resource": arn("cloudformation:${AWS::Region}:${AWS::AccountId}:stack/SentimentEndpointStack/*")]),
            .object(["Sid": "ReadTheModelParameter", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                     "Resource": arn("ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url")]),
            .object(["Sid": "PassTheExecutionRoleToSageMaker", "Effect": "Allow", "Action": "iam:PassRole",
                     "Resource": arn("iam::${AWS::AccountId}:role/sentiment-endpoint/*"),
                     "Condition": .object(["StringEquals": .object(["iam:PassedToService": "sagemaker.amazonaws.com"])])]),
            .object(["Sid": "ReplaceModelAndEndpointConfig", "Effect": "Allow",
                     "Action": ["sagemaker:AddTags", "sagemaker:CreateEndpointConfig", "sagemaker:CreateModel", "sagemaker:DeleteEndpointConfig",
                                "sagemaker:DeleteModel", "sagemaker:DeleteTags", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel", "sagemaker:ListTags"],
                     "Resource": [arn("sagemaker:${AWS::Region}:${AWS::AccountId}:model/*"), arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*")]]),
            .object(["Sid": "UpdateTheEndpoint", "Effect": "Allow",
                     "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:DescribeEndpoint", "sagemaker:ListTags", "sagemaker:UpdateEndpoint"],
                     "Resource": arn("sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/sentiment-endpoint")]),
            .object(["Sid": "EndpointKeyGrantThroughSageMaker", "Effect": "Allow", "Action": ["kms:CreateGrant", "kms:DescribeKey"],
                     "Resource": arn("kms:${AWS::Region}:${AWS::AccountId}:key/*"),
                     "Condition": .object(["StringEquals": .object(["kms:ViaService": Self.sub("sagemaker.${AWS::Region}.amazonaws.com")])])]),
            .object(["Sid": "ReadTheRollbackAlarms", "Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
                     "Resource": arn("cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:SentimentEndpointStack-*")]),
            .object(["Sid": "ReportOnTheAlarmTopic", "Effect": "Allow", "Action": "sns:Publish", "Resource": .object(["Ref": "AlarmTopic"])]),
            .object(["Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                     "Condition": .object(["StringEquals": .object(["cloudwatch:namespace": "MLOps/ModelRollout"])])]),
        ]
        XCTAssertEqual(statements.count, expected.count, statements.map(Match.render).joined(separator: "\n"))
        for (index, statement) in expected.enumerated() where index < statements.count {
            XCTAssertEqual(statements[index], statement, "statement \(index): \(Match.render(statements[index]))")
        }
        // No CloudFormation service role, nothing that could apply another template or touch another stack.
        XCTAssertFalse(Match.render(role).contains("cloudformation:CreateStack"))
        XCTAssertFalse(Match.render(role).contains("cloudformation:ExecuteChangeSet"))
        XCTAssertNil(lambda.resources.values.first { Match.render($0).contains("\"cloudformation.amazonaws.com\"") })
    }

    func testStackStatusRuleReportsOnTheEncryptedTopic() throws {
        let rule = try XCTUnwrap(lambda.resources["RolloutStackStatusRule"]?["Properties"])
        XCTAssertEqual(rule["EventPattern"], .object([
            "source": ["aws.cloudformation"], "detail-type": ["CloudFormation Stack Status Change"],
            "detail": .object([
                "stack-id": [.object(["prefix": Self.sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/SentimentEndpointStack/")])],
                "status-details": .object(["status": ["UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED"]]),
            ]),
        ]))
        let target = try XCTUnwrap(rule["Targets"]?[0])
        XCTAssertEqual(target["Arn"], .object(["Ref": "AlarmTopic"]))
        XCTAssertEqual(target["InputTransformer"]?["InputPathsMap"], .object([
            "stack": "$.detail.stack-id", "status": "$.detail.status-details.status", "reason": "$.detail.status-details.status-reason",
        ]))
        XCTAssertEqual(target["DeadLetterConfig"]?["Arn"], .object(["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "Arn"]]))
        // The topic's one policy: the rollout's two statements, then the data-quality violations rule's (MonitoringStack).
        let policy = try XCTUnwrap(lambda.resources["AlarmTopicPolicy"]?["Properties"])
        XCTAssertEqual(policy["Topics"], .array([.object(["Ref": "AlarmTopic"])]))
        XCTAssertEqual(policy["PolicyDocument"]?["Statement"], .array([
            .object(["Sid": "AllowCloudWatchAlarms", "Effect": "Allow", "Principal": .object(["Service": "cloudwatch.amazonaws.com"]),
                     "Action": "sns:Publish", "Resource": .object(["Ref": "AlarmTopic"]),
                     "Condition": .object(["StringEquals": .object(["aws:SourceAccount": .object(["Ref": "AWS::AccountId"])])])]),
            .object(["Sid": "AllowEndpointStackStatus", "Effect": "Allow", "Principal": .object(["Service": "events.amazonaws.com"]),
                     "Action": "sns:Publish", "Resource": .object(["Ref": "AlarmTopic"]),
                     "Condition": .object(["ArnEquals": .object(["aws:SourceArn": .object(["Fn::GetAtt": ["RolloutStackStatusRule", "Arn"]])])])]),
            .object(["Sid": "AllowDataQualityViolationsRule", "Effect": "Allow", "Principal": .object(["Service": "events.amazonaws.com"]),
                     "Action": "sns:Publish", "Resource": .object(["Ref": "AlarmTopic"]),
                     "Condition": .object(["ArnLike": .object(["aws:SourceArn": .object(["Fn::Sub": .string(
                        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/MonitoringStack-DataQualityViolationsRule-*")])])])]),
        ]))
        let keyStatements = try XCTUnwrap(lambda.resources["Key"]?["Properties"]?["KeyPolicy"]?["Statement"]?.array)
        XCTAssertTrue(keyStatements.contains(.object([
            "Sid": "AllowEventBridge", "Effect": "Allow", "Principal": .object(["Service": "events.amazonaws.com"]),
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
            "Condition": .object(["StringEquals": .object(["aws:SourceAccount": .object(["Ref": "AWS::AccountId"])])]),
        ])), keyStatements.map(Match.render).joined(separator: "\n"))
        lambda.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
            "Namespace": "AWS/SQS", "Dimensions": [["Name": "QueueName", "Value": ["Fn::GetAtt": ["RolloutFunctionDeadLetterQueue", "QueueName"]]]],
        ])
    }

    func testDeploymentConfigCanaryWithAutoRollbackOnTheEndpointAlarms() throws {
        let properties = try XCTUnwrap(endpoint.resources["SentimentEndpoint"]?["Properties"])
        XCTAssertEqual(properties["DeploymentConfig"], .object([
            "AutoRollbackConfiguration": .object(["Alarms": [.object(["AlarmName": .object(["Ref": "Invocation5XXErrorsAlarm"])]),
                                                             .object(["AlarmName": .object(["Ref": "ModelLatencyAlarm"])])]]),
            "BlueGreenUpdatePolicy": .object([
                "MaximumExecutionTimeoutInSeconds": 1800, "TerminationWaitInSeconds": 0,
                "TrafficRoutingConfiguration": .object(["Type": "CANARY", "CanarySize": .object(["Type": "CAPACITY_PERCENT", "Value": 10]),
                                                        "WaitIntervalInSeconds": 300]),
            ]),
        ]))
        // Variant names are literals from the config: a new model keeps them (SageMaker's blue/green requires it).
        let variants = try XCTUnwrap(endpoint.resources["SentimentEndpointConfig"]?["Properties"]?["ProductionVariants"]?.array)
        XCTAssertEqual(variants.map { $0["VariantName"] }, [.string("AllTraffic")])
        // The alarms name the endpoint literally (a GetAtt would make a cycle with the rollback configuration).
        endpoint.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
            "MetricName": "Invocation5XXErrors", "Dimensions": [["Name": "EndpointName", "Value": "sentiment-endpoint"], ["Name": "VariantName", "Value": "AllTraffic"]],
        ])
        // The execution role lives under the path the rollout may pass.
        endpoint.hasResource(type: "AWS::IAM::Role", properties: ["Path": "/sentiment-endpoint/"])
    }

    func testLinearAllAtOnceAndNoRollback() throws {
        config.endpoint.rollout.strategy = .linear
        config.endpoint.rollout.linearStepPercent = 25
        config.endpoint.rollout.terminationWaitSeconds = 120
        var deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resources["SentimentEndpoint"]?["Properties"]?["DeploymentConfig"])
        XCTAssertEqual(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], .object([
            "Type": "LINEAR", "LinearStepSize": .object(["Type": "CAPACITY_PERCENT", "Value": 25]), "WaitIntervalInSeconds": 300,
        ]))
        XCTAssertEqual(deployment["BlueGreenUpdatePolicy"]?["TerminationWaitInSeconds"], 120)
        config.endpoint.rollout.strategy = .allAtOnce
        config.endpoint.rollout.autoRollback = false
        deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resources["SentimentEndpoint"]?["Properties"]?["DeploymentConfig"])
        XCTAssertEqual(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], .object(["Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300]))
        XCTAssertNil(deployment["AutoRollbackConfiguration"])
    }

    func testTwoVariantsRollBackOnFourAlarms() throws {
        config.endpoint.variants = [
            .init(name: "Current", weight: 0.9, instanceType: "ml.m5.large", initialInstanceCount: 1),
            .init(name: "Candidate", weight: 0.1, instanceType: "ml.m5.large", initialInstanceCount: 1),
        ]
        let deployment = try XCTUnwrap(PipelineTemplateTests.synthesize(config)["SentimentEndpointStack"]?.resources["SentimentEndpoint"]?["Properties"]?["DeploymentConfig"])
        XCTAssertEqual(deployment["AutoRollbackConfiguration"]?["Alarms"]?.array?.compactMap { $0["AlarmName"]?["Ref"]?.string },
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
        let deployment = try XCTUnwrap(Template(body: endpointStack.body).resources["SentimentEndpoint"]?["Properties"]?["DeploymentConfig"])
        XCTAssertEqual(deployment["BlueGreenUpdatePolicy"]?["TrafficRoutingConfiguration"], .object(["Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300]))
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

/// Literals for expected template fragments (`"a"`, `1`, `["a", "b"]`) in these tests.
extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
}
