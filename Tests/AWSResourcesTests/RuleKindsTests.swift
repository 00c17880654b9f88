import AWSResources
import CloudFormation
import XCTest

/// The rule kinds added on top of pattern/length/range/items: enum, list of enum values, required (explicit null),
/// lengths in Unicode scalars, lookbehind patterns, and paths through lists of nested structs.
final class RuleKindsTests: XCTestCase {
    private func issues<P: ResourceProperties>(_ properties: P) -> [PropertyIssue] {
        var issues: [PropertyIssue] = []
        properties.validate(&issues)
        return issues
    }

    private let role: Value<String> = "arn:aws:iam::123456789012:role/r"

    func testEnumRejectsAValueOutsideTheSchemaAndAcceptsACase() {
        let bad = issues(CloudWatch.Alarm(comparisonOperator: Value(node: "Bigger"), evaluationPeriods: 1, metricName: "Errors"))
        XCTAssertEqual(bad.first { $0.property == "ComparisonOperator" }?.value, "\"Bigger\"")
        XCTAssertTrue(bad.contains { $0.property == "ComparisonOperator" && $0.rule.hasPrefix("must be one of ") && $0.rule.contains("GreaterThanOrEqualToThreshold") }, "\(bad)")
        XCTAssertEqual(issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanOrEqualToThreshold), evaluationPeriods: 1, metricName: "Errors", statistic: .init(.average))), [])
    }

    func testListOfEnumValuesChecksEachLiteralItem() {
        let bad = issues(Lambda.Function(architectures: ["arm65"], code: .init(zipFile: "x"), role: role))
        XCTAssertEqual(bad, [PropertyIssue(property: "Architectures[0]", value: "\"arm65\"", rule: "must be one of x86_64, arm64")])
        XCTAssertEqual(issues(Lambda.Function(architectures: ["arm64"], code: .init(zipFile: "x"), role: role)), [])
    }

    func testRequiredRejectsAnExplicitNullWithThePathThroughALists() {
        let config = SageMaker.EndpointConfig(productionVariants: [
            .init(modelName: "m", variantName: "AllTraffic"),
            .init(modelName: "m", variantName: Value(node: .null)),
        ])
        XCTAssertEqual(issues(config), [PropertyIssue(property: "ProductionVariants[1].VariantName", value: "null", rule: "is required")])
        XCTAssertEqual(issues(IAM.Role(assumeRolePolicyDocument: .null)).map(\.property), ["AssumeRolePolicyDocument"])
        XCTAssertEqual(issues(IAM.Role(assumeRolePolicyDocument: .object([("Version", "2012-10-17")]))), [])
    }

    func testMinimumLengthCountsUnicodeScalars() {
        let short = issues(IAM.Role(assumeRolePolicyDocument: .object([]), permissionsBoundary: "arn:aws:iam::1"))
        XCTAssertTrue(short.contains { $0.property == "PermissionsBoundary" && $0.rule == "length must be at least 20" }, "\(short)")
        XCTAssertFalse(issues(IAM.Role(assumeRolePolicyDocument: .object([]), permissionsBoundary: "arn:aws:iam::aws:policy/Boundary"))
            .contains { $0.property == "PermissionsBoundary" })
        // 63 scalars (an é is one scalar, two UTF-8 bytes) is within SageMaker's 63.
        let name = String(repeating: "a", count: 62) + "é"
        XCTAssertFalse(issues(SageMaker.Endpoint(endpointConfigName: "c", endpointName: Value(name))).contains { $0.rule.hasPrefix("length") })
    }

    func testLookbehindPatternIsEnforced() {
        let bad = issues(Lambda.Function(code: .init(s3Bucket: "my-bucket.", s3Key: "k.zip"), role: role))
        XCTAssertTrue(bad.contains { $0.property == "Code.S3Bucket" && $0.value == "\"my-bucket.\"" && $0.rule.hasPrefix("must match pattern") }, "\(bad)")
        XCTAssertEqual(issues(Lambda.Function(code: .init(s3Bucket: "my-bucket", s3Key: "k.zip"), role: role)), [])
    }

    func testIntrinsicsInEnumAndListSlotsAreNotChecked() {
        let stack = Stack(App(), "S")
        let op = Parameter<String>(stack, "Op")
        let alarm = CloudWatch.Alarm(comparisonOperator: Value(node: op.value.node), evaluationPeriods: Value(node: op.value.node), metricName: "Errors")
        XCTAssertEqual(issues(alarm), [])
        let function = Lambda.Function(architectures: Value([op.value]), code: .init(zipFile: "x"), memorySize: Value(node: op.value.node), role: op.value)
        XCTAssertEqual(issues(function), [])
    }

    func testTaggingThroughTheResource() {
        let stack = Stack(App(), "S")
        let queue = Resource(stack, "Q", SQS.Queue())
        let taggable: any AnyResource = queue
        taggable.addTags([("Project", "p"), ("Project", "q")])
        XCTAssertEqual(queue.properties.tags?.map { $0.value.literal }, ["p"])
        XCTAssertEqual(queue.attrArn.node.debugDescription, queue.getAtt("Arn").node.debugDescription)
    }
}
