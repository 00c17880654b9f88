import AWSResources
import CloudFormation
import XCTest

/// Rules on the items of lists of strings, on map keys, `uniqueItems`, the simple presence combinators
/// (`requiredXor`, `anyOf`/`oneOf` of single `required`s), and typed attribute accessors.
final class ListMapAndPresenceRulesTests: XCTestCase {
    private func issues<P: ResourceProperties>(_ properties: P) -> [PropertyIssue] {
        var issues: [PropertyIssue] = []
        properties.validate(&issues)
        return issues
    }

    private let role: Value<String> = "arn:aws:iam::123456789012:role/r"

    func testEachStringItemOfAListIsChecked() {
        let layer: Value<String> = "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"
        let bad = issues(Lambda.Function(code: .init(zipFile: "x"), layers: [layer, "deps:3"], role: role))
        XCTAssertEqual(bad.map(\.property), ["Layers[1]"])
        XCTAssertEqual(bad.first?.value, "\"deps:3\"")
        XCTAssertTrue(bad.first?.rule.hasPrefix("must match pattern ^(arn:") == true, "\(bad)")
        XCTAssertEqual(issues(Lambda.Function(code: .init(zipFile: "x"), layers: [layer], role: role)), [])

        let empty = issues(CloudWatch.Alarm(alarmActions: [""], comparisonOperator: .init(.greaterThanThreshold), evaluationPeriods: 1, metricName: "Errors"))
        XCTAssertEqual(empty, [PropertyIssue(property: "AlarmActions[0]", value: "\"\"", rule: "length must be at least 1")])
    }

    func testUniqueItems() {
        let arn: Value<String> = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        let twice = issues(IAM.Role(assumeRolePolicyDocument: .object([]), managedPolicyArns: [arn, arn]))
        XCTAssertEqual(twice, [PropertyIssue(property: "ManagedPolicyArns[1]", value: "\"arn:aws:iam::aws:policy/ReadOnlyAccess\"", rule: "items must be unique")])
        XCTAssertEqual(issues(IAM.Role(assumeRolePolicyDocument: .object([]), managedPolicyArns: [arn, "arn:aws:iam::aws:policy/PowerUserAccess"])), [])
    }

    func testMapKeysMatchThePatternPropertiesKey() {
        let bad = issues(Lambda.Function(code: .init(zipFile: "x"), environment: .init(variables: ["_1": "x", "GOOD_NAME": "y"]), role: role))
        XCTAssertEqual(bad, [PropertyIssue(property: "Environment.Variables._1", value: "\"_1\"", rule: "key must match pattern [a-zA-Z][a-zA-Z0-9_]+")])
        XCTAssertEqual(issues(Lambda.Function(code: .init(zipFile: "x"), environment: .init(variables: ["GOOD_NAME": "y"]), role: role)), [])
        let tags = issues(SSM.Parameter(tags: ["team": "ml", "bad#key": "x"], type: .init(.string), value: "v"))
        XCTAssertEqual(tags.map(\.property), ["Tags.bad#key"])
    }

    func testExactlyOneOfRequiredXor() {
        let neither = issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), evaluationPeriods: 1))
        XCTAssertEqual(neither, [PropertyIssue(property: "MetricName|Metrics", value: "none set", rule: "exactly one of MetricName, Metrics must be set")])
        let both = issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), evaluationPeriods: 1, metricName: "Errors",
                                           metrics: [.init(id: "m1", returnData: true)]))
        XCTAssertEqual(both.map(\.value), ["MetricName and Metrics set"])
        XCTAssertEqual(issues(CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), evaluationPeriods: 1, metricName: "Errors")), [])
        // Fn::If may leave either out: only deploy time knows.
        let app = App()
        let stack = Stack(app, "S")
        let condition = Condition(stack, "UseMetric", .equals(Pseudo.region.node, "us-east-1"))
        let conditional = CloudWatch.Alarm(comparisonOperator: .init(.greaterThanThreshold), evaluationPeriods: 1,
                                           metricName: Value(node: .if(condition, "Errors", .pseudo(.noValue))))
        XCTAssertEqual(issues(conditional), [])
    }

    func testAtLeastOneOfAnyOfRequired() {
        let document: TemplateValue = .object([("Version", "2012-10-17")])
        let none = issues(IAM.Policy(policyDocument: document, policyName: "p"))
        XCTAssertEqual(none, [PropertyIssue(property: "Groups|Roles|Users", value: "none set", rule: "at least one of Groups, Roles, Users must be set")])
        XCTAssertEqual(issues(IAM.Policy(policyDocument: document, policyName: "p", roles: ["r"], users: ["u"])), [])
    }

    func testAttributeAccessorsAreTypedFromTheSchema() {
        let app = App()
        let stack = Stack(app, "S")
        let policy = Resource(stack, "P", IAM.ManagedPolicy(policyDocument: .object([])))
        let count: Value<Int> = policy.attrAttachmentCount
        let attachable: Value<Bool> = policy.attrIsAttachable
        XCTAssertEqual(count.node.debugDescription, "GetAtt(S/P.AttachmentCount)")
        XCTAssertEqual(attachable.node.debugDescription, "GetAtt(S/P.IsAttachable)")
        let parameter = Resource(stack, "Param", SSM.Parameter(type: .init(.string), value: "v"))
        XCTAssertEqual(parameter.attrValue.node.debugDescription, "GetAtt(S/Param.Value)")
        XCTAssertEqual(SSM.Parameter.attributeNames, ["Type", "Value"])
    }
}
