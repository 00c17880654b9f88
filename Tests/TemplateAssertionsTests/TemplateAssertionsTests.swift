import AWSResources
import CloudFormation
import TemplateAssertions
import Testing
import XCTest

let sample = """
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"CodeKey": {"Type": "String", "Default": "lambda/app.zip"}},
  "Resources": {
    "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Suspended"}}},
    "Data": {
      "Type": "AWS::S3::Bucket",
      "DependsOn": ["Logs"],
      "Properties": {
        "BucketName": "data-bucket",
        "VersioningConfiguration": {"Status": "Enabled"},
        "Tags": [{"Key": "Project", "Value": "demo"}, {"Key": "Owner", "Value": "ml"}, {"Key": "Stage", "Value": "prod"}],
        "Size": 3
      },
      "DeletionPolicy": "Retain"
    },
    "Queue": {"Type": "AWS::SQS::Queue"}
  },
  "Outputs": {"DataArn": {"Value": {"Fn::GetAtt": ["Data", "Arn"]}, "Export": {"Name": "S:DataArn"}}}
}
"""

/// The assertions library itself: matching semantics (CDK's), counts, outputs, and the failure messages.
final class TemplateAssertionsTests: XCTestCase {
    var template: Template!

    override func setUpWithError() throws { template = try Template(json: sample) }

    func failure(_ body: () throws -> Void) -> TemplateAssertionError? {
        do { try body() } catch let error as TemplateAssertionError { return error } catch { XCTFail("\(error)") }
        return nil
    }

    func testPartialMatchingAtEveryDepthOfALiteralObject() throws {
        try template.hasResourceProperties("AWS::S3::Bucket", ["VersioningConfiguration": ["Status": "Enabled"]])
        try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "data-bucket", "Size": 3.0])
        try template.hasResource("AWS::S3::Bucket", ["DependsOn": ["Logs"], "DeletionPolicy": "Retain"])
        try template.hasResourceProperties("AWS::SQS::Queue", [:])
        XCTAssertNotNil(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "other"]) })
    }

    func testFailureNamesClosestCandidateAndPaths() throws {
        let error = try XCTUnwrap(failure {
            try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "data-bucket", "VersioningConfiguration": ["Status": "Suspended"]])
        })
        XCTAssertEqual(error.closest, "Data")
        XCTAssertEqual(error.mismatches.map(\.description), ["Properties.VersioningConfiguration.Status: expected \"Suspended\", found \"Enabled\""])
        XCTAssertTrue(error.description.contains("closest is Data with 1 mismatch"), error.description)
        XCTAssertTrue(error.description.contains("(2 candidates)"), error.description)
        let none = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::Lambda::Function", [:]) })
        XCTAssertTrue(none.description.contains("no resources of type AWS::Lambda::Function (types present: AWS::S3::Bucket, AWS::SQS::Queue)"), none.description)
    }

    func testArraysLiteralExactArrayWithInOrderSubsequence() throws {
        try template.hasResourceProperties("AWS::S3::Bucket", ["Tags": Match.arrayWith([["Key": "Project"], ["Key": "Stage"]])])
        let order = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["Tags": Match.arrayWith([["Key": "Stage"], ["Key": "Project"]])]) })
        XCTAssertTrue(order.description.contains("Properties.Tags: no item after index 2 matches arrayWith pattern 1: {\"Key\": \"Project\"} (no items to search)"), order.description)
        let value = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["Tags": Match.arrayWith([["Key": "Owner", "Value": "ops"]])]) })
        XCTAssertEqual(value.mismatches.map(\.description), [
            "Properties.Tags: no item matches arrayWith pattern 0: {\"Key\": \"Owner\", \"Value\": \"ops\"}; closest item:",
            "Properties.Tags[1].Value: expected \"ops\", found \"ml\"",
        ])
        let length = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["Tags": [["Key": "Project"]]]) })
        XCTAssertTrue(length.description.contains("Properties.Tags: expected 1 items, found 3"), length.description)
        try template.hasResourceProperties("AWS::S3::Bucket", ["Tags": [["Key": "Project"], ["Key": "Owner"], ["Value": "prod"]]])
    }

    func testObjectEqualsExactAbsentAnyValueRegexpNot() throws {
        try template.hasResourceProperties("AWS::S3::Bucket", ["VersioningConfiguration": Match.objectEquals(["Status": "Enabled"])])
        let extra = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", Match.exact(["BucketName": "data-bucket"])) })
        XCTAssertTrue(extra.description.contains("Properties.VersioningConfiguration: unexpected key"), extra.description)
        try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.absent, "VersioningConfiguration": ["Status": "Suspended"]])
        try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.anyValue, "Size": Match.not(4)])
        let missing = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::SQS::Queue", ["QueueName": Match.anyValue]) })
        XCTAssertEqual(missing.mismatches.map(\.description), ["Properties.QueueName: missing (expected any value)"])
        try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.stringLikeRegexp("^data-[a-z]+$")])
        let regexp = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.stringLikeRegexp("^logs")]) })
        XCTAssertTrue(regexp.description.contains("expected a string matching /^logs/, found \"data-bucket\""), regexp.description)
        let invalid = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.stringLikeRegexp("([")]) })
        XCTAssertTrue(invalid.description.contains("Properties.BucketName: invalid regular expression /([/"), invalid.description)
        // ICU's dialect, as the library's schema rules: \p{L} and a search, not a whole-string match.
        try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.stringLikeRegexp(#"\p{L}+-bucket$"#)])
        let present = try XCTUnwrap(failure { try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": Match.absent, "Size": 3]) })
        XCTAssertEqual(present.closest, "Data")
        XCTAssertEqual(present.mismatches.map(\.description), ["Properties.BucketName: expected absent, found \"data-bucket\""])
    }

    func testCountsFindOutputsParametersAndExpect() throws {
        try template.resourceCountIs("AWS::S3::Bucket", 2)
        let count = try XCTUnwrap(failure { try template.resourceCountIs("AWS::S3::Bucket", 1) })
        XCTAssertEqual(count.description, "expected 1 resources of type AWS::S3::Bucket, found 2: Logs, Data")
        XCTAssertEqual(Set(template.findResources("AWS::S3::Bucket").keys), ["Logs", "Data"])
        XCTAssertEqual(Array(template.findResources("AWS::S3::Bucket", ["Properties": ["BucketName": Match.anyValue]]).keys), ["Data"])
        try template.hasOutput("DataArn", ["Value": ["Fn::GetAtt": ["Data", "Arn"]], "Export": ["Name": "S:DataArn"]])
        try template.hasOutput("*", ["Export": ["Name": "S:DataArn"]])
        XCTAssertNotNil(failure { try template.hasOutput("Other", [:]) })
        XCTAssertEqual(template.findOutputs().count, 1)
        try template.hasParameter("CodeKey", ["Type": "String", "Default": "lambda/app.zip"])
        try Template.expect(template.resource("Data")?["Properties"]?["Tags"]?[1], matches: ["Key": "Owner"])
        XCTAssertThrowsError(try Template.expect(nil, matches: 1, at: "X"))
    }

    func testBadJSONIsAClearError() {
        XCTAssertThrowsError(try Template(json: "{\"a\": 1,}")) { error in
            XCTAssertEqual("\(error)", "the template is not valid JSON: line 1, column 9: expected a key in double quotes")
        }
        XCTAssertThrowsError(try Template(json: "[1]")) { XCTAssertEqual("\($0)", "the template is not a JSON object") }
        XCTAssertThrowsError(try Template(json: "{\"Resources\": {},\n \"Resources\": {}}")) { error in
            XCTAssertEqual("\(error)", "the template is not valid JSON: line 2, column 2: duplicate key \"Resources\"")
        }
        let ordered = try? Template(json: #"{"Resources": {"Z": {"Type": "T"}, "A": {"Type": "T"}}, "Outputs": {"N": {"Value": 1.5}, "M": {"Value": 2}}}"#)
        XCTAssertEqual(ordered?.json["Resources"].flatMap { if case .object(let members) = $0 { members.map(\.0) } else { nil } }, ["Z", "A"], "file order")
        XCTAssertEqual(ordered?.json["Outputs"]?["N"]?["Value"].map { TemplateJSON.compact($0) }, "1.5")
        XCTAssertEqual(ordered?.json["Outputs"]?["M"]?["Value"].map { TemplateJSON.compact($0) }, "2")
    }

    func testFromASynthesizedStack() throws {
        let app = App()
        let stack = Stack(app, "S")
        _ = Resource(stack, "Topic", SNS.Topic(displayName: "alarms"))
        let template = try Template(stack: stack)
        try template.hasResourceProperties("AWS::SNS::Topic", ["DisplayName": "alarms"])
        // An invalid app throws its SynthesisError.
        let bad = App()
        let empty = Stack(bad, "Empty")
        XCTAssertThrowsError(try Template(stack: empty)) { XCTAssertTrue("\($0)".contains("a template must have at least one resource"), "\($0)") }
    }
}

/// The same library from Swift Testing: a thrown `TemplateAssertionError` is the test's failure.
@Suite struct TemplateAssertionsSwiftTesting {
    @Test func matchesAndFailsFromSwiftTesting() throws {
        let template = try Template(json: sample)
        try template.hasResourceProperties("AWS::S3::Bucket", ["VersioningConfiguration": ["Status": "Enabled"]])
        let error = #expect(throws: TemplateAssertionError.self) {
            try template.hasResourceProperties("AWS::S3::Bucket", ["BucketName": "nope"])
        }
        #expect(error?.closest == "Data")
        #expect(error?.mismatches.first?.path == "Properties.BucketName")
    }
}
