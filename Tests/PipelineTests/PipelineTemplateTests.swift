import CloudFormation
@testable import Pipeline
import XCTest

/// Assertions on the synthesized pipeline templates (the original exercise's seven checks, made least-privilege, and more).
final class PipelineTemplateTests: XCTestCase {
    static let configPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/pipeline.json").path

    static func synthesize(_ config: PipelineConfig) throws -> [String: Template] {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        var templates: [String: Template] = [:]
        for stack in synthesis.stacks { templates[stack.name] = try Template(body: stack.body) }
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

    // 1. Bucket: name, encryption, versioning (plus the rest of the secure defaults).
    func testModelBucket() throws {
        storage.hasResource(type: "AWS::S3::Bucket", properties: [
            "BucketName": ["Fn::Sub": "sentiment-models-${AWS::AccountId}-${AWS::Region}"],
            "BucketEncryption": ["ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]],
            "VersioningConfiguration": ["Status": "Enabled"],
            "PublicAccessBlockConfiguration": ["BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true],
            "OwnershipControls": ["Rules": [["ObjectOwnership": "BucketOwnerEnforced"]]],
            "LoggingConfiguration": ["LogFilePrefix": "ModelBucket/"],
        ])
        storage.resourceCountIs("AWS::S3::Bucket", 2)
        // TLS-only policy on both buckets.
        let policies = storage.findResources(type: "AWS::S3::BucketPolicy", properties: [
            "PolicyDocument": Match.objectLike(["Statement": Match.arrayWith([Match.objectLike([
                "Effect": "Deny", "Action": "s3:*", "Condition": ["Bool": ["aws:SecureTransport": "false"]],
            ])])]),
        ])
        XCTAssertEqual(policies.count, 2)
    }

    // 2. Function: handler, runtime, environment, timeout.
    func testFunction() throws {
        lambda.hasResource(type: "AWS::Lambda::Function", properties: [
            "Handler": "registrar",
            "Runtime": "provided.al2023",
            "Architectures": ["x86_64"],
            "Timeout": 30,
            "MemorySize": 256,
            "FunctionName": "sentiment-model-registrar",
            "ReservedConcurrentExecutions": 5,
            "Environment": ["Variables": [
                "SSM_PARAMETER_NAME": "/mlops/sentiment/model-data-url",
                "MODEL_SUFFIX": ".tar.gz",
                "METRICS_NAMESPACE": "MLOps/ModelRegistry",
            ]],
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
            "DeadLetterConfig": ["TargetArn": ["Fn::GetAtt": ["ModelRegistrarDeadLetterQueue", "Arn"]]],
        ])
        lambda.hasResource(type: "AWS::Lambda::EventInvokeConfig", properties: [
            "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600, "Qualifier": "$LATEST",
        ])
        lambda.hasResource(type: "AWS::Logs::LogGroup", properties: [
            "LogGroupName": "/aws/lambda/sentiment-model-registrar", "RetentionInDays": 30,
            "KmsKeyId": ["Fn::GetAtt": ["Key", "Arn"]],
        ])
    }

    // 3. Role permissions: least privilege, the exact actions and resources, no FullAccess policy.
    func testRegistrarRoleIsLeastPrivilege() throws {
        // The registrar's role (the rollout function's is asserted in RolloutTemplateTests).
        let role = try XCTUnwrap(lambda.resources["ModelRegistrarServiceRole"]?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"], "no managed policies at all, FullAccess or otherwise")
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
        let byAction = Dictionary(statements.map { (Match.render($0["Action"]!), $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(byAction.keys), [
            "[\"logs:CreateLogStream\", \"logs:PutLogEvents\"]", "\"sqs:SendMessage\"", "[\"kms:Decrypt\", \"kms:GenerateDataKey\"]",
            "\"kms:Decrypt\"", "\"ssm:PutParameter\"", "\"cloudwatch:PutMetricData\"",
            // The registry's (asserted resource by resource in RegistryTemplateTests).
            "\"sagemaker:CreateModelPackage\"", "[\"sagemaker:DescribeModelPackage\", \"sagemaker:UpdateModelPackage\"]",
            "\"sagemaker:ListModelPackages\"", "\"s3:GetObject\"", "\"s3:ListBucket\"", "\"sns:Publish\"", "\"ssm:GetParameter\"",
        ])
        XCTAssertTrue(Match.matches(["Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/mlops/sentiment/model-data-url"],
                                    byAction["\"ssm:PutParameter\""]!["Resource"]!))
        XCTAssertTrue(Match.matches(["StringEquals": ["cloudwatch:namespace": "MLOps/ModelRegistry"]],
                                    byAction["\"cloudwatch:PutMetricData\""]!["Condition"]!))
        for template in templates.values {
            for (_, resource) in template.resources {
                let text = Match.render(resource)
                XCTAssertFalse(text.contains("FullAccess"))
                XCTAssertFalse(text.contains("\"Action\": \"*\""))
            }
        }
        lambda.hasResource(type: "AWS::IAM::Role", properties: [
            "AssumeRolePolicyDocument": Match.objectLike(["Statement": [Match.objectLike([
                "Principal": ["Service": "lambda.amazonaws.com"], "Action": "sts:AssumeRole",
                "Condition": ["StringEquals": ["aws:SourceAccount": ["Ref": "AWS::AccountId"]]],
            ])]]),
        ])
    }

    // 4. Endpoint: name (stable) and tags.
    func testEndpoint() throws {
        endpoint.hasResource(type: "AWS::SageMaker::Endpoint", properties: [
            "EndpointName": "sentiment-endpoint",
            "EndpointConfigName": ["Fn::GetAtt": ["SentimentEndpointConfig", "EndpointConfigName"]],
            "RetainAllVariantProperties": true,
            "Tags": Match.arrayWith([["Key": "Project", "Value": "sentiment-analysis"], ["Key": "ManagedBy", "Value": "swift-synth"]]),
        ])
    }

    // 5. Endpoint config: instance type, count, model, variant; no fixed name so a new model deploys as an update.
    func testEndpointConfig() throws {
        let (_, config) = try endpoint.onlyResource(type: "AWS::SageMaker::EndpointConfig")
        XCTAssertNil(config["EndpointConfigName"])
        XCTAssertTrue(Match.matches([[
            "InstanceType": "ml.m5.large", "InitialInstanceCount": 1, "InitialVariantWeight": 1, "VariantName": "AllTraffic",
            "ModelName": ["Fn::GetAtt": ["SentimentModel", "ModelName"]],
        ]], config["ProductionVariants"]!), Match.render(config))
        XCTAssertTrue(Match.matches([
            "EnableCapture": true, "InitialSamplingPercentage": 20,
            "DestinationS3Uri": ["Fn::Sub": "s3://sentiment-models-${AWS::AccountId}-${AWS::Region}/data-capture/"],
        ], config["DataCaptureConfig"]!), Match.render(config["DataCaptureConfig"]!))
    }

    // 6. Model: image (region-aware) and model data URL from the SSM-typed parameter.
    func testModel() throws {
        let (_, model) = try endpoint.onlyResource(type: "AWS::SageMaker::Model")
        XCTAssertNil(model["ModelName"])
        XCTAssertEqual(model["EnableNetworkIsolation"], .bool(true))
        XCTAssertTrue(Match.matches([
            "Image": ["Fn::Sub": [
                "${V0}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04",
                ["V0": ["Fn::FindInMap": ["SentimentImageRegistryAccounts", ["Ref": "AWS::Region"], "Account"]]],
            ]],
            "ModelDataUrl": ["Ref": "ModelDataUrl"],
            "Environment": ["HF_TASK": "text-classification"],
        ], model["PrimaryContainer"]!), Match.render(model["PrimaryContainer"]!))
        XCTAssertEqual(endpoint.parameters["ModelDataUrl"]?["Type"], .string("AWS::SSM::Parameter::Value<String>"))
        XCTAssertEqual(endpoint.parameters["ModelDataUrl"]?["Default"], .string("/mlops/sentiment/model-data-url"))
        XCTAssertFalse(Match.render(endpoint.json).contains("{{resolve:"), "no dynamic references: they would not pick up new models")
    }

    // 7. Scaling policy: target, target value, metric, cooldowns.
    func testScaling() throws {
        endpoint.hasResource(type: "AWS::ApplicationAutoScaling::ScalableTarget", properties: [
            "MinCapacity": 1, "MaxCapacity": 4, "ServiceNamespace": "sagemaker",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ResourceId": ["Fn::Sub": ["endpoint/${V0}/variant/AllTraffic", ["V0": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]]]]],
        ])
        endpoint.hasResource(type: "AWS::ApplicationAutoScaling::ScalingPolicy", properties: [
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
        let roles = endpoint.findResources(type: "AWS::IAM::Role")
        XCTAssertEqual(roles.count, 1)
        let statements = try XCTUnwrap(roles.first?.value["Properties"]?["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
        let read = try XCTUnwrap(statements.first { $0["Action"] == .string("s3:GetObject") })
        XCTAssertTrue(Match.matches(["Fn::Sub": ["${V0}/models/*", ["V0": ["Fn::ImportValue": "S3Stack:ModelBucketArn"]]]], read["Resource"]!),
                      Match.render(read))
        let exports = storage.outputs.compactMap { $0.value["Export"]?["Name"]?.string }
        XCTAssertTrue(exports.contains("S3Stack:ModelBucketArn"))
        XCTAssertFalse(statements.contains { Match.render($0).contains("\"Resource\": \"*\"") && $0["Action"] != .string("ecr:GetAuthorizationToken") && $0["Action"] != .string("cloudwatch:PutMetricData") })
    }

    func testNotificationAndPermissionWithoutCycle() throws {
        storage.hasResource(type: "AWS::Lambda::Permission", properties: [
            "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
            "FunctionName": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
            "SourceAccount": ["Ref": "AWS::AccountId"],
            "SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:s3:::sentiment-models-${AWS::AccountId}-${AWS::Region}"],
        ])
        let bucket = try XCTUnwrap(storage.resources["ModelBucket"])
        XCTAssertEqual(bucket["DependsOn"], .array([.string("ModelBucketAllowNotifyModelRegistrar")]))
        // The archive and, with the registry on, the metrics file beside it; one permission for both.
        XCTAssertTrue(Match.matches(["LambdaConfigurations": [[
            "Event": "s3:ObjectCreated:*",
            "Function": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
            "Filter": ["S3Key": ["Rules": [["Name": "prefix", "Value": "models/"], ["Name": "suffix", "Value": ".tar.gz"]]]],
        ], [
            "Event": "s3:ObjectCreated:*",
            "Function": ["Fn::ImportValue": "LambdaStack:ModelRegistrarArn"],
            "Filter": ["S3Key": ["Rules": [["Name": "prefix", "Value": "models/"], ["Name": "suffix", "Value": "metrics.json"]]]],
        ]]], bucket["Properties"]!["NotificationConfiguration"]!), Match.render(bucket["Properties"]!["NotificationConfiguration"]!))
        storage.resourceCountIs("AWS::Lambda::Permission", 1)
        XCTAssertEqual(storage.resourceCount(type: "AWS::Lambda::Function"), 0, "no custom-resource Lambda for the notification")
    }

    func testCrossStackExportsImportsAndOrder() throws {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(synthesis.stacks.map(\.name), ["LambdaStack", "S3Stack", "SentimentEndpointStack", "MonitoringStack"])
        XCTAssertEqual(synthesis.stacks.map(\.dependencies), [[], ["LambdaStack"], ["LambdaStack", "S3Stack"], ["LambdaStack", "S3Stack", "SentimentEndpointStack"]])
        let lambdaExports = Set(lambda.outputs.compactMap { $0.value["Export"]?["Name"]?.string })
        XCTAssertTrue(lambdaExports.isSuperset(of: ["LambdaStack:ModelRegistrarArn", "LambdaStack:AlarmTopicRef"]), "\(lambdaExports)")
        XCTAssertTrue(Match.render(endpoint.json).contains("\"Fn::ImportValue\": \"LambdaStack:AlarmTopicRef\""))
    }

    func testAlarms() throws {
        endpoint.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
            "MetricName": "Invocation5XXErrors", "Namespace": "AWS/SageMaker", "Statistic": "Sum", "Threshold": 1,
            "AlarmActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]], "TreatMissingData": "notBreaching",
        ])
        endpoint.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
            "MetricName": "ModelLatency", "ExtendedStatistic": "p90", "Threshold": 1_000_000,
        ])
        lambda.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
            "MetricName": "Errors", "Namespace": "AWS/Lambda", "Dimensions": [["Name": "FunctionName", "Value": ["Ref": "ModelRegistrar"]]],
        ])
        // The group is with the registrar, which needs it before the endpoint stack can exist.
        lambda.hasResource(type: "AWS::SageMaker::ModelPackageGroup", properties: ["ModelPackageGroupName": "sentiment-models"])
        endpoint.resourceCountIs("AWS::SageMaker::ModelPackageGroup", 0)
    }

    func testServerlessMode() throws {
        config.endpoint.mode = .serverless
        config.endpoint.dataCapture.enabled = false
        let templates = try Self.synthesize(config)
        let endpoint = try XCTUnwrap(templates["SentimentEndpointStack"])
        let (_, endpointConfig) = try endpoint.onlyResource(type: "AWS::SageMaker::EndpointConfig")
        XCTAssertTrue(Match.matches([["VariantName": "AllTraffic", "ServerlessConfig": ["MemorySizeInMB": 2048, "MaxConcurrency": 5],
                                      "InstanceType": Match.absent, "InitialInstanceCount": Match.absent]],
                                    endpointConfig["ProductionVariants"]!), Match.render(endpointConfig))
        XCTAssertNil(endpointConfig["DataCaptureConfig"])
        XCTAssertNil(endpointConfig["KmsKeyId"], "serverless endpoints take no volume key")
        endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalableTarget", 0)
        endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 0)
    }

    func testABVariants() throws {
        config.endpoint.variants = [
            .init(name: "Current", weight: 0.9, instanceType: "ml.m5.large", initialInstanceCount: 1),
            .init(name: "Candidate", weight: 0.1, instanceType: "ml.c5.xlarge", initialInstanceCount: 1),
        ]
        let endpoint = try XCTUnwrap(Self.synthesize(config)["SentimentEndpointStack"])
        let (_, endpointConfig) = try endpoint.onlyResource(type: "AWS::SageMaker::EndpointConfig")
        XCTAssertTrue(Match.matches([
            ["VariantName": "Current", "InitialVariantWeight": 0.9, "InstanceType": "ml.m5.large"],
            ["VariantName": "Candidate", "InitialVariantWeight": 0.1, "InstanceType": "ml.c5.xlarge"],
        ], endpointConfig["ProductionVariants"]!), Match.render(endpointConfig["ProductionVariants"]!))
        endpoint.resourceCountIs("AWS::ApplicationAutoScaling::ScalableTarget", 2)
        // 70 % of 4 vCPUs for ml.c5.xlarge.
        endpoint.hasResource(type: "AWS::ApplicationAutoScaling::ScalingPolicy", properties: [
            "TargetTrackingScalingPolicyConfiguration": Match.objectLike(["TargetValue": 280]),
        ])
        endpoint.resourceCountIs("AWS::CloudWatch::Alarm", 4)
    }

    func testExplicitBucketNameAndImageUri() throws {
        config.modelBucket.name = "my-models-bucket"
        config.endpoint.image = .uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/sentiment:1.0")
        let templates = try Self.synthesize(config)
        templates["S3Stack"]!.hasResource(type: "AWS::S3::Bucket", properties: ["BucketName": "my-models-bucket"])
        templates["S3Stack"]!.hasResource(type: "AWS::S3::Bucket", properties: ["BucketName": "my-models-bucket-logs"])
        let (_, model) = try templates["SentimentEndpointStack"]!.onlyResource(type: "AWS::SageMaker::Model")
        XCTAssertEqual(model["PrimaryContainer"]?["Image"], .string("123456789012.dkr.ecr.eu-west-1.amazonaws.com/sentiment:1.0"))
        XCTAssertNil(templates["SentimentEndpointStack"]!.json["Mappings"])
    }
}
