import CloudFormation
@testable import Pipeline
import TemplateAssertions
import XCTest

/// Assertions on the synthesized pipeline templates (the original exercise's seven checks, made least-privilege, and more),
/// written with the `TemplateAssertions` product.
final class PipelineTemplateTests: XCTestCase {
    static let configPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/pipeline.json").path

    static func synthesize(_ config: PipelineConfig) throws -> [String: Template] {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        var templates: [String: Template] = [:]
        for stack in synthesis.stacks { templates[stack.name] = try Template(artifact: stack) }
        return templates
    }

    var config: PipelineConfig!
    var templates: [String: Template]!
    var lambda: Template { templates["LambdaStack"]! }
    var storage: Template { templates["S3Stack"]! }
    var endpoint: Template { templates["SentimentEndpointStack"]! }

    override func setUpWithError() throws {
        config = try PipelineConfig.load(from: Self.configPath)
        templates = try Self.synthesize(config)
    }

    /// The single resource of a type: its logical ID and properties.
    func onlyResource(_ template: Template, _ type: String) throws -> (id: String, properties: TemplateValue) {
        try template.resourceCountIs(type, 1)
        let entry = try XCTUnwrap(template.findResources(type).first)
        return (entry.key, entry.value["Properties"] ?? .object([]))
    }

    /// Every statement of the first inline policy of a role.
    func statements(_ role: TemplateValue) throws -> [TemplateValue] {
        try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue)
    }

    // 1. Bucket: name, encryption, versioning (plus the rest of the secure defaults).
    func testModelBucket() throws {
        try storage.hasResourceProperties("AWS::S3::Bucket", [
            "BucketName": ["Fn::Sub": "sentiment-models-${AWS::AccountId}-${AWS::Region}"],
            "BucketEncryption": ["ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]],
            "VersioningConfiguration": ["Status": "Enabled"],
            "PublicAccessBlockConfiguration": ["BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true],
            "OwnershipControls": ["Rules": [["ObjectOwnership": "BucketOwnerEnforced"]]],
            "LoggingConfiguration": ["LogFilePrefix": "ModelBucket/"],
        ])
        try storage.resourceCountIs("AWS::S3::Bucket", 2)
        // TLS-only policy on both buckets.
        let policies = storage.findResources("AWS::S3::BucketPolicy", ["Properties": [
            "PolicyDocument": ["Statement": Match.arrayWith([[
                "Effect": "Deny", "Action": "s3:*", "Condition": ["Bool": ["aws:SecureTransport": "false"]],
            ]])],
        ]])
        XCTAssertEqual(policies.count, 2)
    }

    // 2. Function: handler, runtime, environment, timeout.
    func testFunction() throws {
        try lambda.hasResourceProperties("AWS::Lambda::Function", [
            "Handler": "registrar",
            "Runtime": "provided.al2023",
            "Architectures": ["x86_64"],
            "Timeout": 30,
            "MemorySize": 256,
            "FunctionName": "sentiment-model-registrar",
            "ReservedConcurrentExecutions": 5,
            // The registry's variables are asserted in RegistryMonitoringTemplateTests.
            "Environment": ["Variables": [
                "SSM_PARAMETER_NAME": "/mlops/sentiment/model-data-url",
                "MODEL_SUFFIX": ".tar.gz",
                "METRICS_NAMESPACE": "MLOps/ModelRegistry",
            ]],
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
            "DeadLetterConfig": ["TargetArn": ["Fn::GetAtt": ["ModelRegistrarDeadLetterQueue", "Arn"]]],
        ])
        try lambda.hasResourceProperties("AWS::Lambda::EventInvokeConfig", [
            "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600, "Qualifier": "$LATEST",
        ])
        try lambda.hasResourceProperties("AWS::Logs::LogGroup", [
            "LogGroupName": "/aws/lambda/sentiment-model-registrar", "RetentionInDays": 30,
            "KmsKeyId": ["Fn::GetAtt": ["Key", "Arn"]],
        ])
    }

    // 3. Role permissions: least privilege, the exact actions and resources, no FullAccess policy, no duplicate statement.
    func testRegistrarRoleIsLeastPrivilege() throws {
        // The registrar's role (the rollout function's is asserted in RolloutTemplateTests).
        let role = try XCTUnwrap(lambda.resource("ModelRegistrarServiceRole")?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"], "no managed policies at all, FullAccess or otherwise")
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue)
        // The registrar's own statements, exactly and in order (one KMS statement: the dead-letter queue's grant already
        // covers the environment's kms:Decrypt); the registry's are asserted resource by resource in RegistryMonitoringTemplateTests.
        try Template.expect(.array(statements), matches: Match.arrayWith([
            Match.exact(["Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": ["Fn::GetAtt": ["ModelRegistrarLogGroup", "Arn"]]]),
            Match.exact(["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ["Fn::GetAtt": ["ModelRegistrarDeadLetterQueue", "Arn"]]]),
            Match.exact(["Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": ["Fn::GetAtt": ["Key", "Arn"]]]),
            Match.exact(["Effect": "Allow", "Action": "ssm:PutParameter",
                         "Resource": ["Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url"]]),
            Match.exact(["Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                         "Condition": ["StringEquals": ["cloudwatch:namespace": "MLOps/ModelRegistry"]]]),
        ]))
        XCTAssertEqual(Set(statements.compactMap { $0["Action"]?.debugDescription }), [
            "[\"logs:CreateLogStream\", \"logs:PutLogEvents\"]", "\"sqs:SendMessage\"", "[\"kms:Decrypt\", \"kms:GenerateDataKey\"]",
            "\"ssm:PutParameter\"", "\"cloudwatch:PutMetricData\"",
            "\"sagemaker:CreateModelPackage\"", "[\"sagemaker:DescribeModelPackage\", \"sagemaker:UpdateModelPackage\"]",
            "\"sagemaker:ListModelPackages\"", "\"s3:GetObject\"", "\"s3:ListBucket\"", "\"sns:Publish\"", "\"ssm:GetParameter\"",
        ])
        for template in templates.values {
            for (_, resource) in template.resources {
                let text = JSONWriter.write(resource)
                XCTAssertFalse(text.contains("FullAccess"))
                XCTAssertFalse(text.contains("\"Action\": \"*\""))
            }
        }
        try lambda.hasResourceProperties("AWS::IAM::Role", [
            "AssumeRolePolicyDocument": ["Statement": [[
                "Principal": ["Service": "lambda.amazonaws.com"], "Action": "sts:AssumeRole",
                "Condition": ["StringEquals": ["aws:SourceAccount": ["Ref": "AWS::AccountId"]]],
            ]]],
        ])
    }

    // Findings of outside linters (cfn-lint -c I, parliament, cfripper), issue 10.

    /// cfn-lint I3011: the dead-letter queue holds the failed events; deleting or replacing it must not lose them.
    func testDeadLetterQueueIsRetained() throws {
        try Template.expect(lambda.resource("ModelRegistrarDeadLetterQueue"),
                            matches: ["Type": "AWS::SQS::Queue", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"])
        for (stack, template) in templates {
            for (id, queue) in template.findResources("AWS::SQS::Queue") {
                XCTAssertEqual(queue["DeletionPolicy"]?.stringValue, "Retain", "\(stack) \(id)")
                XCTAssertEqual(queue["UpdateReplacePolicy"]?.stringValue, "Retain", "\(stack) \(id)")
            }
        }
    }

    /// parliament UNKNOWN_CONDITION_FOR_ACTION: `kms:DescribeKey` carries no encryption context, so the log-group condition
    /// is only on the cryptographic actions and DescribeKey has a statement of its own.
    func testLogsKeyPolicyKeepsTheEncryptionContextOffDescribeKey() throws {
        let (_, key) = try onlyResource(lambda, "AWS::KMS::Key")
        let statements = try XCTUnwrap(key["KeyPolicy"]?["Statement"]?.arrayValue)
        let logs = statements.filter { $0["Sid"]?.stringValue?.hasPrefix("AllowLogs") == true }
        try Template.expect(.array(logs), matches: Match.exact([
            ["Sid": "AllowLogsForModelRegistrar", "Effect": "Allow",
             "Principal": ["Service": ["Fn::Sub": "logs.${AWS::Region}.amazonaws.com"]],
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey"],
             "Resource": "*",
             "Condition": ["ArnEquals": ["kms:EncryptionContext:aws:logs:arn":
                ["Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/sentiment-model-registrar"]]]],
            ["Sid": "AllowLogsDescribeKey", "Effect": "Allow",
             "Principal": ["Service": ["Fn::Sub": "logs.${AWS::Region}.amazonaws.com"]],
             "Action": "kms:DescribeKey", "Resource": "*"],
            ["Sid": "AllowLogsForRolloutFunction", "Effect": "Allow",
             "Principal": ["Service": ["Fn::Sub": "logs.${AWS::Region}.amazonaws.com"]],
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey"],
             "Resource": "*",
             "Condition": ["ArnEquals": ["kms:EncryptionContext:aws:logs:arn":
                ["Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/sentiment-model-rollout"]]]],
        ]))
        for (stack, template) in templates {
            for (id, key) in template.findResources("AWS::KMS::Key") {
                for statement in key["Properties"]?["KeyPolicy"]?["Statement"]?.arrayValue ?? [] where statement["Condition"] != nil {
                    let actions = statement["Action"]?.arrayValue?.compactMap(\.stringValue) ?? [statement["Action"]?.stringValue].compactMap { $0 }
                    XCTAssertFalse(actions.contains("kms:DescribeKey"), "\(stack) \(id): \(actions)")
                }
            }
        }
    }

    /// cfripper: SageMaker may create grants on the key only for AWS resources (the endpoint's volumes).
    func testExecutionRoleCreatesGrantsOnlyForAWSResources() throws {
        let role = try XCTUnwrap(endpoint.resource("SentimentExecutionRole")?["Properties"])
        let kms = try statements(role).filter {
            let action = $0["Action"]?.stringValue
            return action == "kms:CreateGrant" || action == "kms:DescribeKey"
        }
        try Template.expect(.array(kms), matches: Match.exact([
            ["Effect": "Allow", "Action": "kms:CreateGrant", "Resource": ["Fn::GetAtt": ["Key", "Arn"]],
             "Condition": ["Bool": ["kms:GrantIsForAWSResource": "true"]]],
            ["Effect": "Allow", "Action": "kms:DescribeKey", "Resource": ["Fn::GetAtt": ["Key", "Arn"]]],
        ]))
    }

    // 4. Endpoint: name (stable) and tags.
    func testEndpoint() throws {
        try endpoint.hasResourceProperties("AWS::SageMaker::Endpoint", [
            "EndpointName": "sentiment-endpoint",
            "EndpointConfigName": ["Fn::GetAtt": ["SentimentEndpointConfig", "EndpointConfigName"]],
            "RetainAllVariantProperties": true,
            "Tags": Match.arrayWith([["Key": "Project", "Value": "sentiment-analysis"], ["Key": "ManagedBy", "Value": "swift-synth"]]),
        ])
    }

    // 5. Endpoint config: instance type, count, model, variant; no fixed name so a new model deploys as an update.
    func testEndpointConfig() throws {
        try endpoint.hasResourceProperties("AWS::SageMaker::EndpointConfig", [
            "EndpointConfigName": Match.absent,
            "ProductionVariants": [[
                "InstanceType": "ml.m5.large", "InitialInstanceCount": 1, "InitialVariantWeight": 1, "VariantName": "AllTraffic",
                "ModelName": ["Fn::GetAtt": ["SentimentModel", "ModelName"]],
            ]],
            "DataCaptureConfig": [
                "EnableCapture": true, "InitialSamplingPercentage": 20,
                "DestinationS3Uri": ["Fn::Sub": "s3://sentiment-models-${AWS::AccountId}-${AWS::Region}/data-capture/"],
            ],
        ])
    }

    // 6. Model: image (region-aware) and model data URL from the SSM-typed parameter.
    func testModel() throws {
        try endpoint.hasResourceProperties("AWS::SageMaker::Model", [
            "ModelName": Match.absent,
            "EnableNetworkIsolation": true,
            "PrimaryContainer": [
                "Image": ["Fn::Sub": [
                    "${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04",
                    ["V0": ["Fn::FindInMap": ["SentimentImageRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]],
                ]],
                "ModelDataUrl": ["Ref": "ModelDataUrl"],
                "Environment": ["HF_TASK": "text-classification"],
            ],
        ])
        try endpoint.hasParameter("ModelDataUrl", ["Type": "AWS::SSM::Parameter::Value<String>", "Default": "/mlops/sentiment/model-data-url"])
        XCTAssertFalse(JSONWriter.write(endpoint.json).contains("{{resolve:"), "no dynamic references: they would not pick up new models")
    }

    // 7. Scaling policy: target, target value, metric, cooldowns.
    func testScaling() throws {
        try endpoint.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", [
            "MinCapacity": 1, "MaxCapacity": 4, "ServiceNamespace": "sagemaker",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ResourceId": ["Fn::Sub": ["endpoint/${V0}/variant/AllTraffic", ["V0": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]]]]],
        ])
        try endpoint.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", [
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": ["Ref": "SentimentAllTrafficScalingTarget"],
            "TargetTrackingScalingPolicyConfiguration": [
                "TargetValue": 140, // 70 % of ml.m5.large's 2 vCPUs
                "ScaleInCooldown": 300, "ScaleOutCooldown": 60,
                "CustomizedMetricSpecification": [
                    "MetricName": "CPUUtilization", "Namespace": "/aws/sagemaker/Endpoints", "Statistic": "Average",
                    "Dimensions": [["Name": "EndpointName", "Value": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]]],
                                   ["Name": "VariantName", "Value": "AllTraffic"]],
                ],
            ],
        ])
    }

    func testExecutionRoleReadsOnlyModelsAndImportsTheBucket() throws {
        let role = try XCTUnwrap(endpoint.resource("SentimentExecutionRole")?["Properties"])
        let all = try statements(role)
        try Template.expect(role["Policies"]?[0]?["PolicyDocument"]?["Statement"], matches: Match.arrayWith([
            ["Action": "s3:GetObject", "Resource": ["Fn::Sub": ["${V0}/models/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]]],
        ]))
        try storage.hasOutput("*", ["Export": ["Name": "S3Stack:ModelBucketArn"]])
        let wildcard = all.filter { $0["Resource"]?.stringValue == "*" }.compactMap { $0["Action"]?.stringValue }
        XCTAssertEqual(Set(wildcard), ["ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"])
    }

    func testNotificationAndPermissionWithoutCycle() throws {
        try storage.hasResourceProperties("AWS::Lambda::Permission", [
            "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
            "FunctionName": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
            "SourceAccount": ["Ref": "AWS::AccountId"],
            "SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}"],
        ])
        try Template.expect(storage.resource("ModelBucket"), matches: [
            "DependsOn": ["ModelBucketAllowNotifyModelRegistrar"],
            // The archive and, with the registry on, the metrics file beside it; one permission for both.
            "Properties": ["NotificationConfiguration": ["LambdaConfigurations": [[
                "Event": "s3:ObjectCreated:*",
                "Function": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
                "Filter": ["S3Key": ["Rules": [["Name": "prefix", "Value": "models/"], ["Name": "suffix", "Value": ".tar.gz"]]]],
            ], [
                "Event": "s3:ObjectCreated:*",
                "Function": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
                "Filter": ["S3Key": ["Rules": [["Name": "prefix", "Value": "models/"], ["Name": "suffix", "Value": "metrics.json"]]]],
            ]]]],
        ])
        try storage.resourceCountIs("AWS::Lambda::Permission", 1)
        try storage.resourceCountIs("AWS::Lambda::Function", 0) // no custom-resource Lambda for the notification
    }

    func testCrossStackExportsImportsAndOrder() throws {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(synthesis.stacks.map(\.name), ["LambdaStack", "S3Stack", "SentimentEndpointStack", "MonitoringStack"])
        XCTAssertEqual(synthesis.stacks.map(\.dependencies), [[], ["LambdaStack"], ["LambdaStack", "S3Stack"], ["LambdaStack", "S3Stack", "SentimentEndpointStack"]])
        try lambda.hasOutput("ExportModelRegistrarArn", ["Export": ["Name": "LambdaStack:ModelRegistrarArn"]])
        try lambda.hasOutput("ExportAlarmTopicRef", ["Value": ["Ref": "AlarmTopic"], "Export": ["Name": "LambdaStack:AlarmTopicRef"]])
        XCTAssertTrue(JSONWriter.write(endpoint.json).contains("\"Fn::ImportValue\": \"LambdaStack:AlarmTopicRef\""))
    }

    func testAlarms() throws {
        try endpoint.hasResourceProperties("AWS::CloudWatch::Alarm", [
            "MetricName": "Invocation5XXErrors", "Namespace": "AWS/SageMaker", "Statistic": "Sum", "Threshold": 1,
            "AlarmActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]], "TreatMissingData": "notBreaching",
        ])
        try endpoint.hasResourceProperties("AWS::CloudWatch::Alarm", [
            "MetricName": "ModelLatency", "ExtendedStatistic": "p90", "Threshold": 1_000_000,
        ])
        try lambda.hasResourceProperties("AWS::CloudWatch::Alarm", [
            "MetricName": "Errors", "Namespace": "AWS/Lambda", "Dimensions": [["Name": "FunctionName", "Value": ["Ref": "ModelRegistrar"]]],
        ])
        // The group is with the registrar, which needs it before the endpoint stack can exist.
        try lambda.hasResourceProperties("AWS::SageMaker::ModelPackageGroup", ["ModelPackageGroupName": "sentiment-models"])
        try endpoint.resourceCountIs("AWS::SageMaker::ModelPackageGroup", 0)
    }

    func testServerlessMode() throws {
        config.endpoint.mode = .serverless
        config.endpoint.dataCapture.enabled = false
        let endpoint = try XCTUnwrap(Self.synthesize(config)["SentimentEndpointStack"])
        try endpoint.hasResourceProperties("AWS::SageMaker::EndpointConfig", [
            "ProductionVariants": [["VariantName": "AllTraffic", "ServerlessConfig": ["MemorySizeInMB": 2048, "MaxConcurrency": 5],
                                    "InstanceType": Match.absent, "InitialInstanceCount": Match.absent]],
            "DataCaptureConfig": Match.absent,
            "KmsKeyId": Match.absent, // serverless endpoints take no volume key
        ])
        try endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalableTarget", 0)
        try endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 0)
        // The key is used by nothing, so the execution role gets no KMS statement for it.
        let role = try XCTUnwrap(endpoint.resource("SentimentExecutionRole")?["Properties"])
        XCTAssertFalse(try statements(role).contains { JSONWriter.write($0).contains("kms:") }, JSONWriter.write(role))
    }

    func testABVariants() throws {
        config.endpoint.variants = [
            .init(name: "Current", weight: 0.9, instanceType: "ml.m5.large", initialInstanceCount: 1),
            .init(name: "Candidate", weight: 0.1, instanceType: "ml.c5.xlarge", initialInstanceCount: 1),
        ]
        let endpoint = try XCTUnwrap(Self.synthesize(config)["SentimentEndpointStack"])
        try endpoint.hasResourceProperties("AWS::SageMaker::EndpointConfig", ["ProductionVariants": [
            ["VariantName": "Current", "InitialVariantWeight": 0.9, "InstanceType": "ml.m5.large"],
            ["VariantName": "Candidate", "InitialVariantWeight": 0.1, "InstanceType": "ml.c5.xlarge"],
        ]])
        try endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalableTarget", 2)
        // 70 % of 4 vCPUs for ml.c5.xlarge.
        try endpoint.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", [
            "TargetTrackingScalingPolicyConfiguration": ["TargetValue": 280],
        ])
        try endpoint.resourceCountIs("AWS::CloudWatch::Alarm", 6)  // 2 per variant, 2 for the prediction API
    }

    func testExplicitBucketNameAndImageUri() throws {
        config.modelBucket.name = "my-models-bucket"
        config.endpoint.image = .uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/sentiment:1.0")
        let templates = try Self.synthesize(config)
        try templates["S3Stack"]!.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "my-models-bucket"])
        try templates["S3Stack"]!.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "my-models-bucket-logs"])
        try templates["SentimentEndpointStack"]!.hasResourceProperties("AWS::SageMaker::Model", [
            "PrimaryContainer": ["Image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sentiment:1.0"],
        ])
        try templates["SentimentEndpointStack"]!.templateMatches(["Mappings": Match.absent])
    }
}
