import Foundation
import Testing
@testable import CloudFormation

@Suite struct ValidationTests {
    @Test func collectsEveryErrorSorted() {
        let app = App()
        let stack = Stack(app, "Main")
        let target = Queue(stack, "Target", TestQueue())
        _ = Queue(stack, "Zeta", TestQueue(delaySeconds: 901))
        _ = Queue(stack, "Alpha", TestQueue(delaySeconds: -1, extra: [
            ("Bad", target.getAtt("Nope").node),
            ("Sub", Fn.sub("${Missing}-${AWS::Region}-${!Escaped}").node),
        ]))
        let errors = synthesisErrors(app)
        #expect(errors.count == 4)
        #expect(errors == errors.sorted())
        #expect(errors.map(\.path) == ["Main/Alpha", "Main/Alpha", "Main/Alpha", "Main/Zeta"])
        #expect(errors.map(\.property) == ["Bad", "DelaySeconds", "Sub", "DelaySeconds"])
        #expect(errors.map(\.value) == ["Main/Target.Nope", "-1", "${Missing}", "901"])
        #expect(errors[0].rule == "AWS::SQS::Queue has no attribute Nope; valid: Arn, QueueName, QueueUrl")
        #expect(errors[1].rule == "must be between 0 and 900")
        #expect(errors[2].rule.contains("Fn::Sub placeholder names neither a variable nor a pseudo parameter"))
        #expect(errors.allSatisfy { $0.severity == .error })
        #expect(errors[1].description == "error: Main/Alpha: DelaySeconds = -1: must be between 0 and 900")
    }

    @Test func synthesisErrorDescriptionListsAll() throws {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "A", TestQueue(delaySeconds: 1000))
        _ = Queue(stack, "B", TestQueue(delaySeconds: 2000))
        do {
            _ = try app.synthesize()
            Issue.record("expected failure")
        } catch let error as SynthesisError {
            #expect(error.description == """
                synthesis failed with 2 errors:
                  error: Main/A: DelaySeconds = 1000: must be between 0 and 900
                  error: Main/B: DelaySeconds = 2000: must be between 0 and 900
                """)
        }
    }

    @Test func nestedPropertyPaths() {
        let app = App()
        let stack = Stack(app, "Main")
        let target = Queue(stack, "Target", TestQueue())
        _ = Queue(stack, "Q", TestQueue(extra: [
            ("Policy", ["Statement": [["Resource": target.getAtt("Bogus").node]]]),
        ]))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.property) == ["Policy.Statement[0].Resource"])
    }

    @Test func subVariablesAndPseudoAreNotDangling() throws {
        let props = try properties { stack in
            let name = Parameter<String>(stack, "Name")
            return TestQueue(extra: [
                ("A", Fn.sub("${N}-${AWS::AccountId}-${!Literal}", ["N": name.value]).node),
                ("B", Value<String>("${x} \(Pseudo.region) ${").node),
            ])
        }
        expectJSON(props["A"], #"{"Fn::Sub": ["${N}-${AWS::AccountId}-${!Literal}", {"N": {"Ref": "Name"}}]}"#)
        expectJSON(props["B"], #"{"Fn::Sub": "${!x} ${AWS::Region} ${!"}"#)
    }

    @Test func unclosedSubPlaceholder() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "Q", TestQueue(extra: [("S", Fn.sub("a-${AWS::Region").node)]))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.rule) == ["Fn::Sub has an unclosed ${"])
    }

    @Test func danglingReferencesToAnotherApp() {
        let other = App()
        let otherStack = Stack(other, "Elsewhere")
        let foreign = Queue(otherStack, "Foreign", TestQueue())

        let app = App()
        let stack = Stack(app, "Main")
        let q = Queue(stack, "Q", TestQueue(queueName: foreign.getAtt("QueueName"), extra: [("Url", foreign.ref.node)]))
        q.addDependency(foreign)
        let errors = synthesisErrors(app)
        #expect(errors.count == 3)
        #expect(errors.map(\.property) == ["DependsOn", "QueueName", "Url"])
        #expect(errors.allSatisfy { $0.path == "Main/Q" && $0.value == "Elsewhere/Foreign" })
        #expect(errors[1].rule == "references a construct that is not in this app")
        #expect(errors[0].rule == "depends on a resource that is not in this app")
    }

    @Test func refToAConditionIsAnError() {
        let app = App()
        let stack = Stack(app, "Main")
        let condition = Condition(stack, "IsProd", Fn.equals(Pseudo.region, "x"))
        _ = Queue(stack, "Q", TestQueue(extra: [("R", .ref(condition))]))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.rule) == ["Ref must name a resource or a parameter"])
    }

    @Test func intrinsicArgumentRules() {
        let app = App()
        let stack = Stack(app, "Main")
        let map = Mapping(stack, "Map", ["a": ["b": "c"]])
        let c1 = Condition(stack, "One", Fn.equals("a", "a"))
        _ = Condition(stack, "Lonely", Fn.and(c1.asExpression))
        _ = Queue(stack, "Q", TestQueue(extra: [
            ("Select", Fn.select(2, Value<[String]>(["x", "y"])).node),
            ("Negative", Fn.select(-1, Value<[String]>(["x"])).node),
            ("Find", map.find("a", "missing").node),
            ("Nan", .double(.nan)),
        ]))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.property) == ["Condition", "Find", "Nan", "Negative", "Select"])
        #expect(errors[0].rule == "Fn::And takes 2 to 10 conditions")
        #expect(errors[1].rule == "mapping Map has no such keys")
        #expect(errors[2].rule == "numbers must be finite")
        #expect(errors[3].rule == "Fn::Select index must not be negative")
        #expect(errors[4].rule == "Fn::Select index must be less than the list's length (2)")
    }

    @Test func constructOutsideAStackAndNoStacks() {
        let empty = App()
        #expect(synthesisErrors(empty).map(\.rule) == ["the app has no stacks"])
        let app = App()
        _ = Queue(Stack(app, "Main"), "Q", TestQueue())
        _ = Group(app, "Loose")
        #expect(synthesisErrors(app).map(\.path) == ["Loose"])
    }

    @Test func duplicateStackNames() {
        let app = App()
        _ = Queue(Stack(app, "Main"), "Q", TestQueue())
        _ = Queue(Stack(app, "Main"), "Q", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.contains { $0.property == "StackName" && $0.rule.contains("duplicate stack name") })
    }

    // MARK: Limits

    @Test func fiveHundredResourcesIsTheLimit() throws {
        let app = App()
        let stack = Stack(app, "Main")
        for index in 0..<500 { _ = Queue(stack, "Q\(index)", TestQueue()) }
        #expect(try app.synthesize().stacks.first?.resourceCount == 500)
        _ = Queue(stack, "OneTooMany", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.count == 1)
        #expect(errors.first?.property == "Resources")
        #expect(errors.first?.value == "501")
        #expect(errors.first?.rule == "a template may have at most 500 resources")
    }

    @Test func twoHundredParametersOutputsMappings() throws {
        func build(_ count: Int) -> App {
            let app = App()
            let stack = Stack(app, "Main")
            let queue = Queue(stack, "Q", TestQueue())
            for index in 0..<count {
                _ = Parameter<String>(stack, "P\(index)", default: "x")
                _ = Output(stack, "O\(index)", value: queue.ref)
                _ = Mapping(stack, "M\(index)", ["k": ["v": "x"]])
            }
            return app
        }
        _ = try build(200).synthesize()
        let errors = synthesisErrors(build(201))
        #expect(errors.map(\.property) == ["Mappings", "Outputs", "Parameters"])
        #expect(errors.allSatisfy { $0.value == "201" && $0.path == "Main" })
        #expect(errors.map(\.rule) == ["a template may have at most 200 mappings", "a template may have at most 200 outputs",
                                       "a template may have at most 200 parameters"])
    }

    @Test func exportsCountTowardsTheOutputLimit() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let consumer = Queue(b, "Q", TestQueue())
        for index in 0..<201 {
            let q = Queue(a, "Q\(index)", TestQueue())
            consumer.properties.extra.append(("P\(index)", q.getAtt("Arn").node))
        }
        let errors = synthesisErrors(app)
        #expect(errors.map(\.property) == ["Outputs"])
        #expect(errors.first?.path == "A")
    }

    @Test func bodySizeWarningAndError() throws {
        func build(_ bytes: Int) -> App {
            let app = App()
            _ = Queue(Stack(app, "Main"), "Q", TestQueue(queueName: Value(String(repeating: "x", count: bytes))))
            return app
        }
        let small = try build(50_000).synthesize()
        #expect(small.warnings.isEmpty)
        let medium = try build(52_000).synthesize()
        #expect(medium.warnings.count == 1)
        #expect(medium.warnings.first?.severity == .warning)
        #expect(medium.warnings.first?.property == "Template")
        #expect(medium.warnings.first?.rule.contains("51200") == true)
        let size = try artifact(medium, "Main").body.utf8.count
        #expect(medium.warnings.first?.value == "\(size) bytes")
        let errors = synthesisErrors(build(1_000_001))
        #expect(errors.count == 1)
        #expect(errors.first?.rule == "a template body must be at most 1000000 bytes")
    }

    @Test func bodyLimitBoundaries() throws {
        // The body is exactly the limit: allowed.
        func body(_ bytes: Int) throws -> (Int, [Diagnostic]) {
            let app = App()
            _ = Queue(Stack(app, "Main"), "Q", TestQueue(queueName: Value(String(repeating: "x", count: bytes))))
            let synthesis = try app.synthesize()
            return (synthesis.stacks[0].body.utf8.count, synthesis.warnings)
        }
        let (overhead, _) = try body(0)
        let (atInline, warningsAt) = try body(TemplateLimits.inlineBodyBytes - overhead)
        #expect(atInline == 51_200)
        #expect(warningsAt.isEmpty)
        let (_, warningsAbove) = try body(TemplateLimits.inlineBodyBytes - overhead + 1)
        #expect(warningsAbove.count == 1)
        let (atMax, _) = try body(TemplateLimits.bodyBytes - overhead)
        #expect(atMax == 1_000_000)
    }
}

@Suite struct StackRuleTests {
    @Test func descriptionOver1024BytesIsAnError() throws {
        let ok = App()
        _ = Queue(Stack(ok, "Main", description: String(repeating: "é", count: 512)), "Q", TestQueue())
        _ = try ok.synthesize()
        let app = App()
        _ = Queue(Stack(app, "Main", description: String(repeating: "é", count: 513)), "Q", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.map(\.property) == ["Description"])
        #expect(errors.first?.value == "1026 bytes")
    }

    @Test func warningsAreNotErrors() throws {
        let app = App()
        _ = Queue(Stack(app, "Main"), "Q", TestQueue(queueName: Value(String(repeating: "x", count: 60_000)), delaySeconds: 1000))
        do {
            _ = try app.synthesize()
            Issue.record("expected failure")
        } catch let error as SynthesisError {
            #expect(error.errors.map(\.property) == ["DelaySeconds"])
            #expect(error.warnings.map(\.property) == ["Template"])
            #expect(error.warnings.first?.description.hasPrefix("warning: Main: Template = ") == true)
        }
    }
}
