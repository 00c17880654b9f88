@testable import AWSResources
import CloudFormation
import Foundation
import XCTest

/// Each schema rule kind, on real generated types: a bad literal is rejected with path, value and rule; a good one passes;
/// intrinsics are not checked.
final class GeneratedRulesTests: XCTestCase {
    func issues<P: ResourceProperties>(_ properties: P) -> [PropertyIssue] {
        var issues: [PropertyIssue] = []
        properties.validate(&issues)
        return issues
    }

    func testPatternAndLength() {
        XCTAssertEqual(issues(S3.Bucket(bucketName: "good-bucket-name")), [])
        let bad = issues(S3.Bucket(bucketName: "Bad_Name"))
        XCTAssertTrue(bad.contains { $0.property == "BucketName" && $0.value == "\"Bad_Name\"" && $0.rule.hasPrefix("must match pattern") }, "\(bad)")
        let long = issues(SageMaker.Endpoint(endpointConfigName: "c", endpointName: Value(String(repeating: "a", count: 64))))
        XCTAssertTrue(long.contains { $0.property == "EndpointName" && $0.rule == "length must be at most 63" }, "\(long)")
        XCTAssertEqual(issues(SageMaker.Endpoint(endpointConfigName: "c", endpointName: "sentiment-endpoint")), [])
    }

    func testMinimumAndMaximum() {
        let low = issues(Lambda.Function(code: .init(), memorySize: 64, role: "arn:aws:iam::123456789012:role/r"))
        XCTAssertTrue(low.contains { $0.property == "MemorySize" && $0.value == "64" && $0.rule == "must be at least 128" }, "\(low)")
        let high = issues(Lambda.Function(code: .init(), role: "arn:aws:iam::123456789012:role/r", timeout: 901))
        XCTAssertTrue(high.contains { $0.property == "Timeout" && $0.value == "901" && $0.rule == "must be at most 900" }, "\(high)")
        XCTAssertFalse(issues(Lambda.Function(code: .init(), memorySize: 256, role: "arn:aws:iam::123456789012:role/r"))
            .contains { $0.property == "MemorySize" })
    }

    func testNestedPathsAndArrays() {
        let bucket = S3.Bucket(lifecycleConfiguration: .init(rules: [
            .init(objectSizeGreaterThan: "1024", status: .init(.enabled)),
            .init(objectSizeGreaterThan: "big", status: .init(.enabled)),
        ]))
        let found = issues(bucket)
        XCTAssertTrue(found.contains { $0.property == "LifecycleConfiguration.Rules[1].ObjectSizeGreaterThan" && $0.value == "\"big\"" }, "\(found)")
        XCTAssertFalse(found.contains { $0.property.contains("Rules[0]") })
        let dimensions = (0..<31).map { CloudWatch.Alarm.Dimension(name: Value("D\($0)"), value: "v") }
        let alarm = issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), dimensions: dimensions, evaluationPeriods: 1, metricName: "Errors"))
        XCTAssertTrue(alarm.contains { $0.property == "Dimensions" && $0.value == "31 items" && $0.rule == "must have at most 30 items" }, "\(alarm)")
        XCTAssertFalse(issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), dimensions: Array(dimensions.prefix(30)), evaluationPeriods: 1, metricName: "Errors"))
            .contains { $0.property == "Dimensions" })
    }

    func testIntrinsicsAreNotChecked() {
        let app = App()
        let stack = Stack(app, "S")
        let name = Parameter<String>(stack, "Name")
        XCTAssertEqual(issues(S3.Bucket(bucketName: name.value)), [])
        XCTAssertEqual(issues(S3.Bucket(bucketName: "Bad_\(Pseudo.region)")), [])
    }

    func testEnumsAreSwiftEnumsAndRenderTheirRawValue() throws {
        let bucket = S3.Bucket(
            bucketEncryption: .init(serverSideEncryptionConfiguration: [.init(serverSideEncryptionByDefault: .init(sseAlgorithm: .init(.aes256)))]),
            versioningConfiguration: .init(status: .init(.enabled)))
        let json = JSONWriter.write(bucket.templateProperties())
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! NSDictionary
        XCTAssertEqual(parsed, [
            "BucketEncryption": ["ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]],
            "VersioningConfiguration": ["Status": "Enabled"],
        ] as NSDictionary)
        XCTAssertEqual(S3.Bucket.ServerSideEncryptionByDefault.SSEAlgorithm.allCases.map(\.rawValue).sorted(), ["AES256", "aws:kms", "aws:kms:dsse"])
    }

    func testTypesAttributesAndTags() {
        XCTAssertEqual(S3.Bucket.resourceType, "AWS::S3::Bucket")
        XCTAssertTrue(SageMaker.EndpointConfig.attributeNames.contains("EndpointConfigName"))
        XCTAssertTrue(SageMaker.Endpoint.attributeNames.contains("EndpointName"))
        var topic = SNS.Topic(tags: [.init(key: "Owner", value: "me")])
        topic.addTags([("Owner", "other"), ("Project", "p")])
        XCTAssertEqual(topic.tags?.compactMap { $0.key.literal }, ["Owner", "Project"])
        XCTAssertEqual(topic.tags?.first?.value.literal, "me", "existing tags win")
    }

    /// Every pattern the generated code enforces compiles with NSRegularExpression.
    func testEveryGeneratedPatternCompiles() throws {
        let generated = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/AWSResources/Generated")
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: generated.path) {
            let text = try String(contentsOf: generated.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("pattern: \"") {
                let start = line.range(of: "pattern: \"")!.upperBound
                var literal = ""
                var escaped = false
                for character in line[start...] {
                    if escaped { literal.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { break }
                    literal.append(character)
                }
                count += 1
                XCTAssertTrue(SchemaRules.compiles(literal), "\(name): \(literal)")
            }
        }
        XCTAssertGreaterThan(count, 50)
    }
}
