import AWSResources
import CloudFormation
@testable import Constructs
import TemplateAssertions
import XCTest

/// What a newcomer gets from the L2 constructs with nothing but an id: secure defaults that cost nothing,
/// no key or name unless given, no permission for what is not used, no duplicate statement.
final class ConstructDefaultsTests: XCTestCase {
    func template(_ build: (Stack) -> Void) throws -> Template {
        let app = App()
        let stack = Stack(app, "S")
        build(stack)
        return try Template(stack: stack)
    }

    func testBucketWithNothingButAnId() throws {
        let template = try self.template { _ = Bucket($0, "Data") }
        try template.hasResource("AWS::S3::Bucket", [
            "Properties": Match.objectEquals([
                "BucketEncryption": ["ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]],
                "LifecycleConfiguration": Match.anyValue,
                "OwnershipControls": ["Rules": [["ObjectOwnership": "BucketOwnerEnforced"]]],
                "PublicAccessBlockConfiguration": ["BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true],
                "VersioningConfiguration": ["Status": "Enabled"],
            ]),
            "DeletionPolicy": "Retain",
        ])
        try template.hasResourceProperties("AWS::S3::BucketPolicy", [
            "Bucket": ["Ref": "Data"],
            "PolicyDocument": ["Statement": [["Effect": "Deny", "Action": "s3:*", "Condition": ["Bool": ["aws:SecureTransport": "false"]]]]],
        ])
        // Access logging is opt-in.
        let logged = try self.template { stack in
            let logs = Bucket(stack, "Logs", purpose: .accessLogs)
            _ = Bucket(stack, "Data", purpose: .data(accessLogs: logs))
        }
        try logged.hasResourceProperties("AWS::S3::Bucket", ["LoggingConfiguration": ["DestinationBucketName": ["Ref": "Logs"], "LogFilePrefix": "Data/"]])
    }

    func testFunctionWithNothingButCode() throws {
        let template = try self.template { stack in
            _ = Function(stack, "Worker", code: .init(bucket: "code-bucket", key: "worker.zip"))
        }
        try template.hasResourceProperties("AWS::Lambda::Function", [
            "Runtime": "provided.al2023", "Handler": "bootstrap",
            "FunctionName": Match.absent, "KmsKeyArn": Match.absent, "ReservedConcurrentExecutions": Match.absent,
            "LoggingConfig": ["LogGroup": ["Ref": "WorkerLogGroup"]],
        ])
        try template.hasResourceProperties("AWS::Logs::LogGroup", Match.objectEquals(["RetentionInDays": 30]))
        try template.hasResourceProperties("AWS::SQS::Queue", ["SqsManagedSseEnabled": true, "KmsMasterKeyId": Match.absent])
        try template.resourceCountIs("AWS::KMS::Key", 0)
        let role = try XCTUnwrap(template.findResources("AWS::IAM::Role").first?.value)
        XCTAssertFalse(JSONWriter.write(role).contains("kms:"), JSONWriter.write(role))
        try template.hasResourceProperties("AWS::IAM::Role", ["Description": "Execution role of S/Worker: only the permissions its grants add"])
    }

    func testFunctionOtherRuntimesAndKey() throws {
        let python = try template { stack in
            _ = Function(stack, "Py", code: .init(bucket: "code-bucket", key: "k"), runtime: .python312, handler: "app.handler")
        }
        try python.hasResourceProperties("AWS::Lambda::Function", ["Runtime": "python3.12", "Handler": "app.handler"])
        XCTAssertThrowsError(try template { _ = Function($0, "Py", code: .init(bucket: "code-bucket", key: "k"), runtime: .python312) }) { error in
            XCTAssertTrue("\(error)".contains("S/Py/Resource: Handler = (none): runtime python3.12 needs a handler (only the provided runtimes default to bootstrap)"), "\(error)")
        }
        // With a key: environment, logs and queue use it; the role gets one KMS statement, not two.
        let keyed = try template { stack in
            _ = Function(stack, "Worker", code: .init(bucket: "code-bucket", key: "k"), key: EncryptionKey(stack, "Key", description: "k"))
        }
        try keyed.hasResourceProperties("AWS::Lambda::Function", ["KmsKeyArn": ["Fn::GetAtt": ["Key", "Arn"]]])
        try keyed.hasResourceProperties("AWS::SQS::Queue", ["KmsMasterKeyId": ["Fn::GetAtt": ["Key", "Arn"]], "SqsManagedSseEnabled": Match.absent])
        let role = try XCTUnwrap(keyed.findResources("AWS::IAM::Role").first?.value)
        let kms = (role["Properties"]?["Policies"]?[0]?["PolicyDocument"]?["Statement"]?.arrayValue ?? []).filter { JSONWriter.write($0).contains("kms:") }
        XCTAssertEqual(kms.count, 1, JSONWriter.write(role))
        try Template.expect(kms.first, matches: ["Action": ["kms:Decrypt", "kms:GenerateDataKey"]])
    }

    func testRoleMergesStatementsOnOneResource() throws {
        let template = try template { stack in
            let key = EncryptionKey(stack, "Key", description: "k")
            let first = Role(stack, "First", assumedBy: "lambda.amazonaws.com")
            key.grantDecrypt(first)
            key.grantEncryptDecrypt(first)   // extends the first statement
            key.grantDecrypt(first)          // already covered
            let second = Role(stack, "Second", assumedBy: "lambda.amazonaws.com")
            key.grantEncryptDecrypt(second)
            key.grantDecrypt(second)
            second.addToPolicy(PolicyStatement(actions: ["kms:Decrypt"], resources: ["arn:aws:kms:eu-west-1:123456789012:key/other"]))
        }
        try template.hasResourceProperties("AWS::IAM::Role", ["Policies": [["PolicyName": "FirstPermissions", "PolicyDocument": ["Statement": [
            ["Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": ["Fn::GetAtt": ["Key", "Arn"]]],
        ]]]]])
        try template.hasResourceProperties("AWS::IAM::Role", ["Policies": [["PolicyName": "SecondPermissions", "PolicyDocument": ["Statement": [
            ["Action": ["kms:Decrypt", "kms:GenerateDataKey"]],
            ["Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/other"],
        ]]]]])
    }

    func testServerlessEndpointWithoutKeyOrCapture() throws {
        let template = try template { stack in
            let endpoint = SageMakerEndpoint(stack, "Sentiment", image: .huggingFacePyTorchInference(), modelData: "s3://b/model.tar.gz",
                                             serving: .serverless(variantName: "AllTraffic", memoryMiB: 2048, maxConcurrency: 5))
            Output(stack, "EndpointName", value: endpoint.name)
        }
        try template.hasResourceProperties("AWS::SageMaker::EndpointConfig", ["KmsKeyId": Match.absent, "DataCaptureConfig": Match.absent])
        try template.hasResourceProperties("AWS::SageMaker::Endpoint", ["EndpointName": "S-Sentiment"])
        try template.hasOutput("EndpointName", ["Value": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]]])
        let role = try XCTUnwrap(template.findResources("AWS::IAM::Role").first?.value)
        XCTAssertFalse(JSONWriter.write(role).contains("kms:"), JSONWriter.write(role))
        try template.hasResourceProperties("AWS::IAM::Role", ["Policies": [["PolicyDocument": ["Statement": Match.arrayWith([
            ["Action": Match.arrayWith(["logs:CreateLogStream"]), "Resource": Match.arrayWith([
                ["Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/Endpoints/S-Sentiment"],
            ])],
        ])]]]])
    }

    func testDefaultEndpointNameFollowsSageMakersRule() {
        XCTAssertEqual(SageMakerEndpoint.defaultName(stack: "Serving", id: "Sentiment_Model"), "Serving-Sentiment-Model")
        let long = SageMakerEndpoint.defaultName(stack: String(repeating: "A", count: 60), id: "Endpoint")
        XCTAssertEqual(long.count, 63)
        XCTAssertFalse(long.hasSuffix("-"))
    }
}
