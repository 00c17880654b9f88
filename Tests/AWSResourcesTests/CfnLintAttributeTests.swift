import AWSResources
import CloudFormation
import Foundation
import XCTest

/// Every `Fn::GetAtt` attribute a generated type declares is one cfn-lint accepts, so a template using the typed
/// `attr…` accessors passes the cfn-lint step of CI. (The registry's readOnlyProperties and cfn-lint's GetAtt data
/// differ for a few types; the generator follows cfn-lint.)
final class CfnLintAttributeTests: XCTestCase {
    static var types: [any ResourceProperties.Type] { [
        S3.Bucket.self, S3.BucketPolicy.self,
        Lambda.Function.self, Lambda.Permission.self, Lambda.EventInvokeConfig.self,
        IAM.Role.self, IAM.Policy.self, IAM.ManagedPolicy.self,
        SSM.Parameter.self,
        SageMaker.Model.self, SageMaker.EndpointConfig.self, SageMaker.Endpoint.self, SageMaker.ModelPackageGroup.self,
        ApplicationAutoScaling.ScalableTarget.self, ApplicationAutoScaling.ScalingPolicy.self,
        CloudWatch.Alarm.self, SNS.Topic.self, SQS.Queue.self, Logs.LogGroup.self, KMS.Key.self,
    ] }

    func testEveryDeclaredAttributeIsOneCfnLintAccepts() throws {
        let names = Self.types.map { $0.resourceType }
        XCTAssertEqual(Set(names).count, 20)
        // One python run answers for all types: "type<TAB>attribute" when cfn-lint rejects it, "ok" at the end.
        let query = Self.types.map { type in [type.resourceType] + type.attributeNames.sorted() }
        let script = """
            import json, sys
            from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m
            for row in json.loads(sys.argv[1]):
                atts = m.get_resource_schema('us-east-1', row[0]).get_atts
                for name in row[1:]:
                    if atts.get(name) is None: print(row[0] + '\\t' + name)
            print('ok')
            """
        let data = try JSONSerialization.data(withJSONObject: query)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(decoding: data, as: UTF8.self)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("python3 is not available") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, output.hasSuffix("ok\n") else {
            throw XCTSkip("cfn-lint is not importable; CI installs it")
        }
        let rejected = output.split(separator: "\n").dropLast()
        XCTAssertEqual(Array(rejected), [], "attributes cfn-lint's GetAtt rule would reject")
    }
}
