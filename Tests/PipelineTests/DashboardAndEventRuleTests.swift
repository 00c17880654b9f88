import AWSResources
import CloudFormation
@testable import Constructs
import TemplateAssertions
import XCTest

/// The typed dashboard, the EventBridge rule construct and the alarm topic's one policy, outside the pipeline.
final class DashboardAndEventRuleTests: XCTestCase {
    func synthesize(_ build: (App) -> Void) throws -> [String: Template] {
        let app = App()
        build(app)
        return Dictionary(uniqueKeysWithValues: try app.synthesize().stacks.map { ($0.name, try Template(artifact: $0)) })
    }

    /// The single resource of a type: its logical ID and properties.
    func onlyResource(_ template: Template, _ type: String) throws -> (id: String, properties: TemplateValue) {
        try template.resourceCountIs(type, 1)
        let entry = try XCTUnwrap(template.findResources(type).first)
        return (entry.key, entry.value["Properties"] ?? .object([]))
    }

    func testDashboardLayoutEscapingAndALiteralBodyWithoutIntrinsics() throws {
        let widgets: [DashboardWidget] = [
            .text(markdown: "# \"Quoted\" \\ and\nnew line"),
            .graph(title: "A", metrics: [DashboardMetric(namespace: "N", name: "M", statistic: .percentile(99.9), label: "p")], width: 16),
            .singleValue(title: "B", metrics: [DashboardMetric(namespace: "N", name: "M", dimensions: [("D", "v")], statistic: .maximum)], width: 16),
        ]
        let body = Dashboard.body(widgets, periodSeconds: 300)
        XCTAssertNil(body.literal, "graphs name the region, an intrinsic: the body is an Fn::Sub")
        let text = try XCTUnwrap(JoinWriter.escape("a\"b\\c\n\u{01}").description)
        XCTAssertEqual(text, #""a\"b\\c\n\u0001""#)
        let templates = try synthesize { app in
            let stack = Stack(app, "S")
            _ = Dashboard(stack, "Board", name: "board", periodSeconds: 300, widgets: widgets)
        }
        let (_, dashboard) = try onlyResource(templates["S"]!, "AWS::CloudWatch::Dashboard")
        // One Fn::Sub (cfn-lint I1022): the region is its only placeholder.
        let subBody = try XCTUnwrap(dashboard["DashboardBody"]?["Fn::Sub"]?.stringValue)
        let resolved = subBody.replacingOccurrences(of: "${AWS::Region}", with: "R")
        XCTAssertFalse(resolved.contains("${"), resolved)
        let json = try Template(json: resolved).json
        // Every widget's position and width, in order (exactly three widgets).
        try Template.expect(json["widgets"], matches: [
            ["x": 0, "y": 0, "width": 24], ["x": 0, "y": 2, "width": 16], ["x": 0, "y": 8, "width": 16],
        ], at: "widgets") // a widget that does not fit starts a new row under the tallest
        try Template.expect(json["widgets"]?[0]?["properties"]?["markdown"], matches: "# \"Quoted\" \\ and\nnew line")
        try Template.expect(json["widgets"]?[1]?["properties"]?["metrics"]?[0]?[2]?["stat"], matches: "p99.9")
        try Template.expect(json["widgets"]?[2]?["properties"]?["metrics"]?[0], matches: Match.exact(["N", "M", "D", "v", ["stat": "Maximum"]]))
        try Template.expect(json["widgets"]?[2]?["properties"]?["view"], matches: "singleValue")
    }

    func testDashboardRules() {
        let app = App()
        let stack = Stack(app, "S")
        _ = Dashboard(stack, "Board", name: "b", periodSeconds: 45, widgets: [
            .graph(title: "wide", metrics: [DashboardMetric(namespace: "N", name: "M", statistic: .sum)], width: 25),
            .graph(title: "empty", metrics: []),
        ])
        XCTAssertThrowsError(try app.synthesize()) { error in
            let errors = (error as? SynthesisError)?.errors ?? []
            XCTAssertTrue(errors.contains { $0.property == "DashboardBody.widgets[0]" && $0.rule.contains("1 to 24 columns") }, "\(errors)")
            XCTAssertTrue(errors.contains { $0.property == "DashboardBody.widgets[1].metrics" && $0.rule.contains("1 to 500 metrics") }, "\(errors)")
            XCTAssertTrue(errors.contains { $0.property == "DashboardBody.period" && $0.value == "45" }, "\(errors)")
        }
    }

    func testRuleToAFunctionAndToATopicInTheSameStackAndInAnother() throws {
        let templates = try synthesize { app in
            let stack = Stack(app, "Base")
            let key = EncryptionKey(stack, "Key", description: "k")
            let topic = Topic(stack, "Alarms", displayName: "a", key: key)
            let function = Function(stack, "Worker", settings: .init(functionName: "worker"), code: .init(bucket: "code-bucket", key: "k.zip"), key: key)
            let local = EventPatternRule(stack, "Local", description: "d", pattern: ["source": ["aws.sagemaker"]])
            local.addTarget(function)
            local.addTarget(topic, message: "said <what>", paths: ["what": "$.detail.x"])
            let other = Stack(app, "Other")
            let remote = EventPatternRule(other, "Remote", description: "d", pattern: ["source": ["aws.ssm"]])
            remote.addTarget(topic, message: "m", paths: [:])
        }
        let base = templates["Base"]!
        let (_, policy) = try onlyResource(base, "AWS::SNS::TopicPolicy")
        XCTAssertEqual(policy["PolicyDocument"]?["Statement"]?.arrayValue?.map { $0["Sid"]?.stringValue ?? "<no Sid>" },
                       ["AllowCloudWatchAlarms", "AllowLocal", "AllowRemote"],
                       "a policy replaces SNS's default one: the alarms' statement comes first")
        try Template.expect(policy["PolicyDocument"]?["Statement"]?[1]?["Condition"],
                            matches: Match.exact(["ArnEquals": ["aws:SourceArn": ["Fn::GetAtt": ["Local", "Arn"]]]]))
        // A rule of another stack is named by its generated-name prefix: no import from the rule's stack.
        try Template.expect(policy["PolicyDocument"]?["Statement"]?[2]?["Condition"], matches: Match.exact(
            ["ArnLike": ["aws:SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/Other-Remote-*"]]]))
        let sids = base.resource("Key")?["Properties"]?["KeyPolicy"]?["Statement"]?.arrayValue?.compactMap { $0["Sid"]?.stringValue } ?? []
        XCTAssertEqual(sids.filter { $0 == "AllowEventBridge" }.count, 1, "one key statement for both rules: \(sids)")
        try base.hasResourceProperties("AWS::Lambda::Permission", [
            "Principal": "events.amazonaws.com", "SourceArn": ["Fn::GetAtt": ["Local", "Arn"]], "SourceAccount": ["Ref": "AWS::AccountId"],
        ])
        let (_, rule) = try onlyResource(base, "AWS::Events::Rule")
        XCTAssertEqual(rule["Targets"]?[1]?["InputTransformer"]?["InputTemplate"]?.stringValue, "\"said <what>\"")
        XCTAssertTrue(templates["Other"]!.findResources("AWS::SNS::TopicPolicy").isEmpty)
    }
}
