import CloudFormation
@testable import Pipeline
import XCTest

/// The prediction API in SentimentEndpointStack: the function URL, the function, its exact role, alarms, output and
/// the `api` config section.
final class PredictionAPITemplateTests: XCTestCase {
    var config: PipelineConfig!

    override func setUpWithError() throws {
        config = try PipelineConfig.load(from: PipelineTemplateTests.configPath)
    }

    func endpointStack(_ config: PipelineConfig) throws -> (Template, Synthesis) {
        let synthesis = try PipelineApp.make(config: config).synthesize()
        let stack = try XCTUnwrap(synthesis.stacks.first { $0.name == "SentimentEndpointStack" })
        return (try Template(body: stack.body), synthesis)
    }

    func testFunctionURLIsIAMAuthenticatedByDefault() throws {
        let (template, synthesis) = try endpointStack(config)
        let (id, url) = try template.onlyResource(type: "AWS::Lambda::Url")
        XCTAssertEqual(id, "PredictionApiFunctionUrl")
        XCTAssertEqual(url, .object([
            "AuthType": .string("AWS_IAM"), "InvokeMode": .string("BUFFERED"),
            "TargetFunctionArn": .object(["Fn::GetAtt": .array([.string("PredictionApiFunction"), .string("Arn")])]),
        ]), "no CORS unless origins are configured")
        XCTAssertTrue(template.findResources(type: "AWS::Lambda::Permission").isEmpty, "no resource policy: only IAM principals of the account")
        XCTAssertTrue(synthesis.warnings.isEmpty, "\(synthesis.warnings)")
    }

    func testPublicURLOnlyByExplicitConfigWithAWarning() throws {
        config = try PipelineConfig.decode(try String(contentsOfFile: PipelineTemplateTests.configPath, encoding: .utf8)
            .replacingOccurrences(of: "\"authType\": \"AWS_IAM\"", with: "\"authType\": \"NONE\""))
        XCTAssertEqual(config.api.authType, .none)
        let (template, synthesis) = try endpointStack(config)
        template.hasResource(type: "AWS::Lambda::Url", properties: ["AuthType": "NONE"])
        template.hasResource(type: "AWS::Lambda::Permission", properties: [
            "Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE",
            "FunctionName": ["Fn::GetAtt": ["PredictionApiFunction", "Arn"]],
        ])
        template.hasResource(type: "AWS::Lambda::Permission", properties: [
            "Action": "lambda:InvokeFunction", "Principal": "*", "InvokedViaFunctionUrl": true,
        ])
        template.resourceCountIs("AWS::Lambda::Permission", 2)
        XCTAssertEqual(synthesis.warnings.count, 1, "\(synthesis.warnings)")
        let warning = try XCTUnwrap(synthesis.warnings.first)
        XCTAssertEqual(warning.path, "SentimentEndpointStack/PredictionApi/FunctionUrl/Resource")
        XCTAssertEqual(warning.property, "AuthType")
        XCTAssertEqual(warning.value, "NONE")
        XCTAssertTrue(warning.description.hasPrefix("warning: "), warning.description)
        XCTAssertTrue(warning.rule.contains("public"), warning.rule)
    }

    func testCORSOrigins() throws {
        config.api.corsAllowOrigins = ["https://app.example.com", "http://localhost:3000"]
        let (template, _) = try endpointStack(config)
        template.hasResource(type: "AWS::Lambda::Url", properties: ["Cors": [
            "AllowOrigins": ["https://app.example.com", "http://localhost:3000"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"], "MaxAge": 300,
        ]])
    }

    func testFunctionSettingsAndEncryptedEnvironmentAndLogs() throws {
        let (template, _) = try endpointStack(config)
        template.hasResource(type: "AWS::Lambda::Function", properties: [
            "FunctionName": "sentiment-prediction-api", "Handler": "predict", "Runtime": "provided.al2023", "Architectures": ["x86_64"],
            "MemorySize": 256, "Timeout": 30, "ReservedConcurrentExecutions": 5,
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
            "LoggingConfig": ["LogFormat": "Text", "LogGroup": ["Ref": "PredictionApiFunctionLogGroup"]],
            "Environment": ["Variables": [
                "ENDPOINT_NAME": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]], "API_MAX_ITEMS": "16", "API_MAX_CHARS": "5000",
            ]],
        ])
        template.hasResource(type: "AWS::Logs::LogGroup", properties: [
            "LogGroupName": "/aws/lambda/sentiment-prediction-api", "RetentionInDays": 30, "KmsKeyId": ["Fn::GetAtt": ["Key", "Arn"]],
        ])
        // The same package as the registrar's: the same parameters as LambdaStack's.
        XCTAssertEqual(template.parameters["CodeBucket"]?["Type"], .string("String"))
        XCTAssertEqual(template.parameters["CodeKey"]?["Default"], .string("lambda/ModelRegistrar.zip"))

        config.api.memoryMiB = 512
        config.api.timeoutSeconds = 10
        config.api.reservedConcurrency = 20
        config.api.maxItems = 4
        config.api.maxChars = 100
        config.registrar.architecture = .arm64
        let (changed, _) = try endpointStack(config)
        changed.hasResource(type: "AWS::Lambda::Function", properties: [
            "Handler": "predict", "MemorySize": 512, "Timeout": 10, "ReservedConcurrentExecutions": 20, "Architectures": ["arm64"],
            "Environment": ["Variables": Match.objectLike(["API_MAX_ITEMS": "4", "API_MAX_CHARS": "100"])],
        ])
    }

    func testRoleMayOnlyInvokeAndDescribeThisEndpoint() throws {
        let (template, _) = try endpointStack(config)
        let role = try XCTUnwrap(template.resources["PredictionApiFunctionServiceRole"]?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"])
        let statements = try XCTUnwrap(role["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.array)
        let getAtt = { (id: String) -> [String: Any] in ["Fn::GetAtt": [id, "Arn"]] }
        let expected: [[String: Any]] = [
            ["Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": getAtt("PredictionApiFunctionLogGroup")],
            ["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": getAtt("PredictionApiFunctionDeadLetterQueue")],
            ["Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": getAtt("Key")],
            ["Effect": "Allow", "Action": "kms:Decrypt", "Resource": getAtt("Key")],
            ["Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"], "Resource": ["Ref": "SentimentEndpoint"]],
        ]
        XCTAssertEqual(statements.count, expected.count, Match.render(JSON.array(statements)))
        for (statement, pattern) in zip(statements, expected) {
            XCTAssertTrue(Match.matches(pattern, statement), "\(Match.render(pattern)) vs \(Match.render(statement))")
            XCTAssertEqual(statement.object?.keys.sorted(), ["Action", "Effect", "Resource"], "no extra keys: \(Match.render(statement))")
        }
        XCTAssertFalse(Match.render(JSON.array(statements)).contains("\"*\""), "no wildcard anywhere")
    }

    func testAlarmsOnErrorsAndThrottlesToTheAlarmTopic() throws {
        let (template, _) = try endpointStack(config)
        for metric in ["Errors", "Throttles"] {
            template.hasResource(type: "AWS::CloudWatch::Alarm", properties: [
                "MetricName": metric, "Namespace": "AWS/Lambda", "Statistic": "Sum", "Threshold": 1, "Period": 60, "EvaluationPeriods": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
                "Dimensions": [["Name": "FunctionName", "Value": ["Ref": "PredictionApiFunction"]]],
                "AlarmActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]], "OKActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]],
            ])
        }
        config.api.errorsAlarmThreshold = 3
        config.api.throttlesAlarmThreshold = 7
        let (changed, _) = try endpointStack(config)
        changed.hasResource(type: "AWS::CloudWatch::Alarm", properties: ["MetricName": "Errors", "Namespace": "AWS/Lambda", "Threshold": 3])
        changed.hasResource(type: "AWS::CloudWatch::Alarm", properties: ["MetricName": "Throttles", "Threshold": 7])
    }

    func testOutputWithTheURL() throws {
        let (template, synthesis) = try endpointStack(config)
        XCTAssertTrue(Match.matches(["Value": ["Fn::GetAtt": ["PredictionApiFunctionUrl", "FunctionUrl"]]], try XCTUnwrap(template.outputs["PredictionApiUrl"])))
        let manifest = try XCTUnwrap(synthesis.stacks.first { $0.name == "SentimentEndpointStack" })
        XCTAssertTrue(manifest.outputs.contains { $0.name == "PredictionApiUrl" })
    }
}
