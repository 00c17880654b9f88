import CloudFormation
import QuickstartApp
import TemplateAssertions
import Testing
import XCTest

final class QuickstartTests: XCTestCase {
    func templates() throws -> [String: Template] {
        let synthesis = try Quickstart.makeApp().synthesize()
        XCTAssertEqual(synthesis.stacks.map(\.name), ["QuickstartData", "QuickstartAudit"])
        return try Dictionary(uniqueKeysWithValues: synthesis.stacks.map { ($0.name, try Template(artifact: $0)) })
    }

    func testDataStack() throws {
        let data = try XCTUnwrap(templates()["QuickstartData"])
        try data.hasResourceProperties("AWS::S3::Bucket", [
            "BucketEncryption": Match.anyValue, "VersioningConfiguration": ["Status": "Enabled"], "BucketName": Match.absent,
        ])
        try data.hasResourceProperties("AWS::Lambda::Function", [
            "Runtime": "provided.al2023", "Handler": "bootstrap", "FunctionName": Match.absent,
            "Environment": ["Variables": ["DATA_BUCKET": ["Ref": "Data"]]],
        ])
        try data.hasResourceProperties("AWS::IAM::Role", ["Policies": [["PolicyDocument": ["Statement": Match.arrayWith([
            ["Action": "s3:GetObject", "Resource": ["Fn::Sub": ["${V0}/input/*", ["V0": ["Fn::GetAtt": ["Data", "Arn"]]]]]],
        ])]]]])
        try data.hasResourceProperties("AWS::SageMaker::EndpointConfig", [
            "ProductionVariants": [["ServerlessConfig": ["MemorySizeInMB": 2048, "MaxConcurrency": 5], "VariantName": "AllTraffic"]],
            "KmsKeyId": Match.absent,
        ])
        try data.resourceCountIs("AWS::KMS::Key", 0)
        try data.hasOutput("EndpointName", ["Value": ["Fn::GetAtt": ["SentimentEndpoint", "EndpointName"]]])
    }

    func testAuditStackImportsTheBucketArn() throws {
        let all = try templates()
        try all["QuickstartData"]!.hasOutput("*", ["Export": ["Name": "QuickstartData:DataArn"]])
        try all["QuickstartAudit"]!.hasResourceProperties("AWS::IAM::Role", ["Policies": [["PolicyDocument": ["Statement": [
            ["Action": "s3:GetObject", "Resource": ["Fn::Sub": ["${V0}/reports/*", ["V0": ["Fn::ImportValue": "QuickstartData:DataArn"]]]]],
        ]]]]])
    }
}

/// The same assertions from Swift Testing: a failed one throws, which fails the test with its message.
@Test func serverlessEndpointHasNoKeyAndNoCapture() throws {
    let app = Quickstart.makeApp()
    let data = try #require(app.stacks.first { $0.stackName == "QuickstartData" })
    let template = try Template(stack: data)
    try template.hasResourceProperties("AWS::SageMaker::EndpointConfig", ["DataCaptureConfig": Match.absent, "KmsKeyId": Match.absent])
    try template.hasResourceProperties("AWS::SageMaker::Endpoint", ["EndpointName": "QuickstartData-Sentiment"])
}
