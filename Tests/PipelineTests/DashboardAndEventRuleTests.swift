import AWSResources
import CloudFormation
@testable import Constructs
import XCTest

/// The typed dashboard, the EventBridge rule construct and the alarm topic's one policy, outside the pipeline.
final class DashboardAndEventRuleTests: XCTestCase {
    func synthesize(_ build: (App) -> Void) throws -> [String: Template] {
        let app = App()
        build(app)
        return Dictionary(uniqueKeysWithValues: try app.synthesize().stacks.map { ($0.name, try Template(body: $0.body)) })
    }

    func testDashboardLayoutEscapingAndALiteralBodyWithoutIntrinsics() throws {
        let widgets: [DashboardWidget] = [
            .text(markdown: "# \"Quoted\" \\ and\nnew line"),
            .graph(title: "A", metrics: [DashboardMetric(namespace: "N", name: "M", statistic: .percentile(99.9), label: "p")], width: 16),
            .singleValue(title: "B", metrics: [DashboardMetric(namespace: "N", name: "M", dimensions: [("D", "v")], statistic: .maximum)], width: 16),
        ]
        let body = Dashboard.body(widgets, periodSeconds: 300)
        XCTAssertNil(body.literal, "graphs name the region, an intrinsic: the body is an Fn::Join")
        let text = try XCTUnwrap(JoinWriter.escape("a\"b\\c\n\u{01}").description)
        XCTAssertEqual(text, #""a\"b\\c\n\u0001""#)
        let templates = try synthesize { app in
            let stack = Stack(app, "S")
            _ = Dashboard(stack, "Board", name: "board", periodSeconds: 300, widgets: widgets)
        }
        let (_, dashboard) = try templates["S"]!.onlyResource(type: "AWS::CloudWatch::Dashboard")
        let parts = try XCTUnwrap(dashboard["DashboardBody"]?["Fn::Join"]?[1]?.array)
        let json = try JSON(parsing: parts.map { $0.string ?? "R" }.joined())
        let placed = json["widgets"]?.array?.map { [$0["x"]!.number!, $0["y"]!.number!, $0["width"]!.number!] }
        XCTAssertEqual(placed, [[0, 0, 24], [0, 2, 16], [0, 8, 16]], "a widget that does not fit starts a new row under the tallest")
        XCTAssertEqual(json["widgets"]?[0]?["properties"]?["markdown"], .string("# \"Quoted\" \\ and\nnew line"))
        XCTAssertEqual(json["widgets"]?[1]?["properties"]?["metrics"]?[0]?[2]?["stat"], .string("p99.9"))
        XCTAssertEqual(json["widgets"]?[2]?["properties"]?["metrics"]?[0], try JSON(parsing: #"["N","M","D","v",{"stat":"Maximum"}]"#))
        XCTAssertEqual(json["widgets"]?[2]?["properties"]?["view"], .string("singleValue"))
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
        base.resourceCountIs("AWS::SNS::TopicPolicy", 1)
        let (_, policy) = try base.onlyResource(type: "AWS::SNS::TopicPolicy")
        XCTAssertEqual(policy["PolicyDocument"]?["Statement"]?.array?.map { $0["Sid"]!.string! }, ["AllowCloudWatchAlarms", "AllowLocal", "AllowRemote"],
                       "a policy replaces SNS's default one: the alarms' statement comes first")
        XCTAssertEqual(policy["PolicyDocument"]?["Statement"]?[1]?["Condition"], try JSON(parsing: #"{"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Local", "Arn"]}}}"#))
        XCTAssertEqual(policy["PolicyDocument"]?["Statement"]?[2]?["Condition"], try JSON(parsing:
            #"{"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/Other-Remote-*"}}}"#),
            "a rule of another stack is named by its generated-name prefix: no import from the rule's stack")
        let sids = base.resources["Key"]?["Properties"]?["KeyPolicy"]?["Statement"]?.array?.compactMap { $0["Sid"]?.string } ?? []
        XCTAssertEqual(sids.filter { $0 == "AllowEventBridge" }.count, 1, "one key statement for both rules: \(sids)")
        base.hasResource(type: "AWS::Lambda::Permission", properties: [
            "Principal": "events.amazonaws.com", "SourceArn": ["Fn::GetAtt": ["Local", "Arn"]], "SourceAccount": ["Ref": "AWS::AccountId"],
        ])
        let (_, rule) = try base.onlyResource(type: "AWS::Events::Rule")
        XCTAssertEqual(rule["Targets"]?[1]?["InputTransformer"]?["InputTemplate"], .string("\"said <what>\""))
        XCTAssertTrue(templates["Other"]!.findResources(type: "AWS::SNS::TopicPolicy").isEmpty)
    }
}
