import CloudFormation
@testable import Pipeline
import TemplateAssertions
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
        return (try Template(artifact: stack), synthesis)
    }

    func testFunctionURLIsIAMAuthenticatedByDefault() throws {
        let (template, synthesis) = try endpointStack(config)
        try template.resourceCountIs("AWS::Lambda::Url", 1)
        // No CORS unless origins are configured.
        try Template.expect(template.resource("PredictionApiFunctionUrl")?["Properties"], matches: Match.objectEquals([
            "AuthType": "AWS_IAM", "InvokeMode": "BUFFERED", "TargetFunctionArn": ["Fn::GetAtt": ["PredictionApiFunction", "Arn"]],
        ]))
        XCTAssertTrue(template.findResources("AWS::Lambda::Permission").isEmpty, "no resource policy: only IAM principals of the account")
        XCTAssertFalse(synthesis.warnings.contains { $0.path.contains("PredictionApi") }, "\(synthesis.warnings)")
    }

    func testPublicURLOnlyByExplicitConfigWithAWarning() throws {
        config = try PipelineConfig.decode(try String(contentsOfFile: PipelineTemplateTests.configPath, encoding: .utf8)
            .replacingOccurrences(of: "\"authType\": \"AWS_IAM\"", with: "\"authType\": \"NONE\""))
        XCTAssertEqual(config.api.authType, .none)
        let (template, synthesis) = try endpointStack(config)
        try template.hasResourceProperties("AWS::Lambda::Url", ["AuthType": "NONE"])
        try template.hasResourceProperties("AWS::Lambda::Permission", [
            "Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE",
            "FunctionName": ["Fn::GetAtt": ["PredictionApiFunction", "Arn"]],
        ])
        try template.hasResourceProperties("AWS::Lambda::Permission", [
            "Action": "lambda:InvokeFunction", "Principal": "*", "InvokedViaFunctionUrl": true,
        ])
        try template.resourceCountIs("AWS::Lambda::Permission", 2)
        // The prediction API's one warning (the default config's other one is the rollout's timeout note).
        let apiWarnings = synthesis.warnings.filter { $0.path.hasPrefix("SentimentEndpointStack/") }
        XCTAssertEqual(apiWarnings.count, 1, "\(synthesis.warnings)")
        let warning = try XCTUnwrap(apiWarnings.first)
        XCTAssertEqual(warning.path, "SentimentEndpointStack/PredictionApi/FunctionUrl/Resource")
        XCTAssertEqual(warning.property, "AuthType")
        XCTAssertEqual(warning.value, "NONE")
        XCTAssertTrue(warning.description.hasPrefix("warning: "), warning.description)
        XCTAssertTrue(warning.rule.contains("public"), warning.rule)
    }

    func testCORSOrigins() throws {
        config.api.corsAllowOrigins = ["https://app.example.com", "http://localhost:3000"]
        let (template, _) = try endpointStack(config)
        try template.hasResourceProperties("AWS::Lambda::Url", ["Cors": [
            "AllowOrigins": ["https://app.example.com", "http://localhost:3000"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"], "MaxAge": 300,
        ]])
    }

    func testFunctionSettingsAndEncryptedEnvironmentAndLogs() throws {
        let (template, _) = try endpointStack(config)
        try template.hasResourceProperties("AWS::Lambda::Function", [
            "FunctionName": "sentiment-prediction-api", "Handler": "predict", "Runtime": "provided.al2023", "Architectures": ["x86_64"],
            "MemorySize": 256, "Timeout": 30, "ReservedConcurrentExecutions": 5,
            "Code": ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]],
            "KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]],
            "LoggingConfig": ["LogFormat": "Text", "LogGroup": ["Ref": "PredictionApiFunctionLogGroup"]],
            "Environment": ["Variables": [
                "ENDPOINT_NAME": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]], "API_MAX_ITEMS": "16", "API_MAX_CHARS": "5000",
            ]],
        ])
        try template.hasResourceProperties("AWS::Logs::LogGroup", [
            "LogGroupName": "/aws/lambda/sentiment-prediction-api", "RetentionInDays": 30, "KmsKeyId": ["Fn::GetAtt": ["Key", "Arn"]],
        ])
        // The same package as the registrar's: the same parameters as LambdaStack's.
        try template.hasParameter("CodeBucket", ["Type": "String"])
        try template.hasParameter("CodeKey", ["Default": "lambda/ModelRegistrar.zip"])

        config.api.memoryMiB = 512
        config.api.timeoutSeconds = 10
        config.api.reservedConcurrency = 20
        config.api.maxItems = 4
        config.api.maxChars = 100
        config.registrar.architecture = .arm64
        let (changed, _) = try endpointStack(config)
        try changed.hasResourceProperties("AWS::Lambda::Function", [
            "Handler": "predict", "MemorySize": 512, "Timeout": 10, "ReservedConcurrentExecutions": 20, "Architectures": ["arm64"],
            "Environment": ["Variables": ["API_MAX_ITEMS": "4", "API_MAX_CHARS": "100"]],
        ])
    }

    func testRoleMayOnlyInvokeAndDescribeThisEndpoint() throws {
        let (template, _) = try endpointStack(config)
        let role = try XCTUnwrap(template.resource("PredictionApiFunctionServiceRole")?["Properties"])
        XCTAssertNil(role["ManagedPolicyArns"])
        // Every statement exactly (no extra keys, no wildcard): logs, dead-letter queue, key, and the endpoint.
        try Template.expect(role["Policies"]?[0]?["PolicyDocument"]?["Statement"], matches: Match.exact([
            ["Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": ["Fn::GetAtt": ["PredictionApiFunctionLogGroup", "Arn"]]],
            // The encrypted environment; no dead-letter queue: the function is only invoked synchronously.
            ["Effect": "Allow", "Action": "kms:Decrypt", "Resource": ["Fn::GetAtt": ["Key", "Arn"]]],
            ["Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"], "Resource": ["Ref": "SentimentEndpoint"]],
        ]))
    }

    /// Function URL requests are synchronous: no dead-letter queue or event-invoke config that nothing would ever use.
    func testNoAsynchronousInvocationResources() throws {
        let (template, _) = try endpointStack(config)
        XCTAssertNil(template.resource("PredictionApiFunctionDeadLetterQueue"))
        XCTAssertNil(template.resource("PredictionApiFunctionEventInvokeConfig"))
        try Template.expect(template.resource("PredictionApiFunction")?["Properties"], matches: ["DeadLetterConfig": Match.absent])
        try template.resourceCountIs("AWS::SQS::Queue", 0)
        try template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0)
    }

    func testAlarmsOnErrorsAndThrottlesToTheAlarmTopic() throws {
        let (template, _) = try endpointStack(config)
        for metric in ["Errors", "Throttles"] {
            try template.hasResourceProperties("AWS::CloudWatch::Alarm", [
                "MetricName": Matcher(.string(metric)), "Namespace": "AWS/Lambda", "Statistic": "Sum", "Threshold": 1, "Period": 60, "EvaluationPeriods": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
                "Dimensions": [["Name": "FunctionName", "Value": ["Ref": "PredictionApiFunction"]]],
                "AlarmActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]], "OKActions": [["Fn::ImportValue": "LambdaStack:AlarmTopicRef"]],
            ])
        }
        config.api.errorsAlarmThreshold = 3
        config.api.throttlesAlarmThreshold = 7
        let (changed, _) = try endpointStack(config)
        try changed.hasResourceProperties("AWS::CloudWatch::Alarm", ["MetricName": "Errors", "Namespace": "AWS/Lambda", "Threshold": 3])
        try changed.hasResourceProperties("AWS::CloudWatch::Alarm", ["MetricName": "Throttles", "Threshold": 7])
    }

    func testOutputWithTheURL() throws {
        let (template, synthesis) = try endpointStack(config)
        try template.hasOutput("PredictionApiUrl", ["Value": ["Fn::GetAtt": ["PredictionApiFunctionUrl", "FunctionUrl"]]])
        let manifest = try XCTUnwrap(synthesis.stacks.first { $0.name == "SentimentEndpointStack" })
        XCTAssertTrue(manifest.outputs.contains { $0.name == "PredictionApiUrl" })
    }
}
