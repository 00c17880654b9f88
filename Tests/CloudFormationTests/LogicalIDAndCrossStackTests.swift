import Foundation
import Testing
@testable import CloudFormation

@Suite struct LogicalIDTests {
    @Test func fromConstructPathWithHiddenIds() {
        let app = App()
        let stack = Stack(app, "Main")
        let bucket = Group(stack, "ModelBucket")
        let main = Queue(bucket, "Resource", TestQueue())
        let policy = Queue(bucket, "Policy", TestQueue())
        let nested = Group(bucket, "Default")
        let deep = Queue(nested, "Notifications", TestQueue())
        let top = Queue(stack, "Resource", TestQueue())
        #expect(main.logicalId == "ModelBucket")
        #expect(policy.logicalId == "ModelBucketPolicy")
        #expect(deep.logicalId == "ModelBucketNotifications")
        // When every id is hidden the element's own id is kept.
        #expect(top.logicalId == "Resource")
        #expect(main.path == "Main/ModelBucket/Resource")
    }

    @Test func nonAlphanumericsRemoved() {
        let app = App()
        let stack = Stack(app, "Main")
        let group = Group(stack, "model-bucket")
        #expect(Queue(group, "access_log.v2", TestQueue()).logicalId == "modelBucketaccessLogV2")
        #expect(Queue(stack, "épée queue #1", TestQueue()).logicalId == "pEQueue1")
        #expect(LogicalID.sanitize("--a--b") == "aB")
        #expect(LogicalID.sanitize("123") == "123")
    }

    @Test func stableWhenASiblingIsAdded() throws {
        func build(withSibling: Bool) throws -> [String: Any] {
            let app = App()
            let stack = Stack(app, "Main")
            let group = Group(stack, "Jobs")
            if withSibling { _ = Queue(group, "Extra", TestQueue()); _ = Queue(stack, "Other", TestQueue()) }
            _ = Queue(group, "Resource", TestQueue(queueName: "jobs"))
            _ = Queue(group, "DeadLetters", TestQueue())
            return try #require(try parsedTemplate(try app.synthesize(), "Main")["Resources"] as? [String: Any])
        }
        let before = try build(withSibling: false)
        let after = try build(withSibling: true)
        #expect(Set(before.keys) == ["Jobs", "JobsDeadLetters"])
        #expect(Set(after.keys) == ["Jobs", "JobsDeadLetters", "JobsExtra", "Other"])
        expectJSON(after["Jobs"], canonical(before["Jobs"]))
    }

    @Test func overriddenLogicalId() throws {
        let app = App()
        let stack = Stack(app, "Main")
        let queue = Queue(stack, "Jobs", TestQueue())
        queue.overrideLogicalId("LegacyQueue")
        _ = Output(stack, "Url", value: queue.ref)
        let template = try parsedTemplate(try app.synthesize(), "Main")
        #expect(template[path: "Resources", "LegacyQueue", "Type"] as? String == "AWS::SQS::Queue")
        expectJSON(template[path: "Outputs", "Url", "Value"], #"{"Ref": "LegacyQueue"}"#)
    }

    @Test func duplicateLogicalIdNamesBothPaths() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(Group(stack, "a-b"), "Resource", TestQueue())
        _ = Queue(stack, "aB", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.count == 1)
        let error = errors.first
        #expect(error?.path == "Main/aB")
        #expect(error?.property == "LogicalId")
        #expect(error?.value == "\"aB\"")
        #expect(error?.rule.contains("Main/a-b/Resource") == true)
        #expect(error?.rule.contains("Main/aB") == true)
    }

    @Test func duplicateConstructIdInOneScope() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "Jobs", TestQueue())
        _ = Queue(stack, "Jobs", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.contains { $0.property == "id" && $0.rule.contains("duplicate construct id in Main") })
    }

    @Test func invalidLogicalIds() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "---", TestQueue())
        _ = Queue(stack, String(repeating: "a", count: 256), TestQueue())
        let ok = Queue(stack, String(repeating: "b", count: 255), TestQueue())
        #expect(ok.logicalId.count == 255)
        let errors = synthesisErrors(app)
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.rule == LogicalID.rule && $0.property == "LogicalId" })
        #expect(Set(errors.map(\.value)) == ["\"\"", "\"\(String(repeating: "a", count: 256))\""])
    }

    @Test func invalidStackNames() {
        let app = App()
        _ = Queue(Stack(app, "1stack"), "Q", TestQueue())
        _ = Queue(Stack(app, "my_stack"), "Q", TestQueue())
        _ = Queue(Stack(app, "Good-Stack-1"), "Q", TestQueue())
        let errors = synthesisErrors(app)
        #expect(errors.map(\.path) == ["1stack", "my_stack"])
        #expect(errors.allSatisfy { $0.rule == Stack.nameRule })
    }
}

@Suite struct CrossStackTests {
    /// Producer `A` holds a queue; consumer `B` uses its attributes. `consumerFirst` creates B before A.
    func app(consumerFirst: Bool) -> App {
        let app = App()
        var b: Stack?
        if consumerFirst { b = Stack(app, "B") }
        let a = Stack(app, "A")
        if !consumerFirst { b = Stack(app, "B") }
        let jobs = Queue(Group(a, "Jobs"), "Resource", TestQueue())
        let consumer = Queue(b!, "Reader", TestQueue(queueName: jobs.getAtt("QueueName"), extra: [
            ("Arn", jobs.getAtt("Arn").node),
            ("ArnAgain", jobs.getAtt("Arn").node),
            ("Url", jobs.ref.node),
            ("Sub", Value<String>("prefix-\(jobs.getAtt("Arn"))").node),
        ]))
        _ = consumer
        _ = Output(b!, "ReaderUrl", value: jobs.getAtt("QueueUrl"))
        return app
    }

    @Test(arguments: [false, true]) func exportAndImport(consumerFirst: Bool) throws {
        let synthesis = try app(consumerFirst: consumerFirst).synthesize()
        #expect(synthesis.stacks.map(\.name) == ["A", "B"])
        #expect(try artifact(synthesis, "A").dependencies == [])
        #expect(try artifact(synthesis, "B").dependencies == ["A"])

        let a = try parsedTemplate(synthesis, "A")
        expectJSON(a["Outputs"], """
            {"ExportJobsQueueName": {"Value": {"Fn::GetAtt": ["Jobs", "QueueName"]}, "Export": {"Name": "A:JobsQueueName"}},
             "ExportJobsArn": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}, "Export": {"Name": "A:JobsArn"}},
             "ExportJobsRef": {"Value": {"Ref": "Jobs"}, "Export": {"Name": "A:JobsRef"}},
             "ExportJobsQueueUrl": {"Value": {"Fn::GetAtt": ["Jobs", "QueueUrl"]}, "Export": {"Name": "A:JobsQueueUrl"}}}
            """)
        let b = try parsedTemplate(synthesis, "B")
        expectJSON(b[path: "Resources", "Reader", "Properties"], """
            {"QueueName": {"Fn::ImportValue": "A:JobsQueueName"},
             "Arn": {"Fn::ImportValue": "A:JobsArn"},
             "ArnAgain": {"Fn::ImportValue": "A:JobsArn"},
             "Url": {"Fn::ImportValue": "A:JobsRef"},
             "Sub": {"Fn::Sub": ["prefix-${V0}", {"V0": {"Fn::ImportValue": "A:JobsArn"}}]}}
            """)
        expectJSON(b[path: "Outputs", "ReaderUrl", "Value"], #"{"Fn::ImportValue": "A:JobsQueueUrl"}"#)

        let summaries = try artifact(synthesis, "A").outputs
        #expect(summaries.map(\.exportName) == ["A:JobsQueueName", "A:JobsArn", "A:JobsRef", "A:JobsQueueUrl"])

        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(synthesis.manifest.utf8)) as? [String: Any])
        let stacks = try #require(manifest["Stacks"] as? [[String: Any]])
        #expect(stacks.map { $0["Name"] as? String } == ["A", "B"])
        expectJSON(stacks.map { $0["DependsOn"] }, #"[[], ["A"]]"#)
    }

    @Test func sameBytesWhateverTheCreationOrder() throws {
        let first = try app(consumerFirst: false).synthesize()
        let second = try app(consumerFirst: true).synthesize()
        #expect(first.files.map(\.contents) == second.files.map(\.contents))
    }

    @Test func crossStackDependsOnOrdersStacks() throws {
        let app = App()
        let consumer = Stack(app, "Consumer")
        let producer = Stack(app, "Producer")
        let jobs = Queue(producer, "Jobs", TestQueue())
        let reader = Queue(consumer, "Reader", TestQueue())
        reader.addDependency(jobs)
        let synthesis = try app.synthesize()
        #expect(synthesis.stacks.map(\.name) == ["Producer", "Consumer"])
        #expect(try artifact(synthesis, "Consumer").dependencies == ["Producer"])
        // The cross-stack DependsOn becomes a stack dependency, not a DependsOn entry.
        let template = try parsedTemplate(synthesis, "Consumer")
        #expect(template[path: "Resources", "Reader", "DependsOn"] == nil)
    }

    @Test func explicitStackDependency() throws {
        let app = App()
        let late = Stack(app, "Late")
        let early = Stack(app, "Early")
        _ = Queue(late, "Q", TestQueue())
        _ = Queue(early, "Q", TestQueue())
        late.addDependency(early)
        late.addDependency(late)
        let synthesis = try app.synthesize()
        #expect(synthesis.stacks.map(\.name) == ["Early", "Late"])
        #expect(try artifact(synthesis, "Late").dependencies == ["Early"])
    }

    @Test func chainOfThreeOrdered() throws {
        let app = App()
        let c = Stack(app, "C")
        let b = Stack(app, "B")
        let a = Stack(app, "A")
        let qa = Queue(a, "Q", TestQueue())
        let qb = Queue(b, "Q", TestQueue(queueName: qa.getAtt("QueueName")))
        _ = Queue(c, "Q", TestQueue(queueName: qb.getAtt("QueueName")))
        let synthesis = try app.synthesize()
        #expect(synthesis.stacks.map(\.name) == ["A", "B", "C"])
    }

    @Test func cycleIsAnErrorWithTheChain() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let qa = Queue(a, "Q", TestQueue())
        let qb = Queue(b, "Q", TestQueue(queueName: qa.getAtt("QueueName")))
        qa.properties.extra.append(("Peer", qb.getAtt("Arn").node))
        let errors = synthesisErrors(app)
        let cycle = errors.filter { $0.property == "Dependencies" }
        #expect(cycle.count == 1)
        #expect(cycle.first?.value == "A → B → A")
        #expect(cycle.first?.rule.contains("cycle") == true)
    }

    @Test func cycleOfThree() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let c = Stack(app, "C")
        _ = Queue(a, "Q", TestQueue())
        _ = Queue(b, "Q", TestQueue())
        _ = Queue(c, "Q", TestQueue())
        a.addDependency(b)
        b.addDependency(c)
        c.addDependency(a)
        let errors = synthesisErrors(app)
        #expect(errors.map(\.value) == ["A → B → C → A"])
    }

    @Test func conditionOfAnotherStackIsAnError() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let condition = Condition(a, "IsProd", Fn.equals(Pseudo.region, "us-east-1"))
        _ = Queue(a, "Q", TestQueue())
        let q = Queue(b, "Q", TestQueue())
        q.condition = condition
        let errors = synthesisErrors(app)
        #expect(errors.map(\.path) == ["B/Q"])
        #expect(errors.first?.rule.contains("conditions cannot cross stacks") == true)
    }
}

/// A test-only type with a dotted attribute, as RDS has.
struct TestDatabase: ResourceProperties {
    static let resourceType = "AWS::RDS::DBInstance"
    static let attributeNames: Set<String> = ["Endpoint.Address", "Endpoint.Port"]
    func templateProperties() -> TemplateValue { .object([]) }
    func validate(_ issues: inout [PropertyIssue]) {}
}

@Suite struct CrossStackEdgeTests {
    @Test func dottedAttributeExportName() throws {
        let app = App()
        let a = Stack(app, "Data")
        let b = Stack(app, "Api")
        let db = Resource(a, "Db", TestDatabase())
        _ = Queue(b, "Q", TestQueue(queueName: db.getAtt("Endpoint.Address")))
        let synthesis = try app.synthesize()
        let data = try parsedTemplate(synthesis, "Data")
        expectJSON(data[path: "Outputs", "ExportDbEndpointAddress"],
                   #"{"Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}, "Export": {"Name": "Data:DbEndpointAddress"}}"#)
        expectJSON(try parsedTemplate(synthesis, "Api")[path: "Resources", "Q", "Properties", "QueueName"],
                   #"{"Fn::ImportValue": "Data:DbEndpointAddress"}"#)
    }

    @Test func crossStackParameterRef() throws {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let name = Parameter<String>(a, "Name", default: "n")
        _ = Queue(a, "Q", TestQueue(queueName: name.value))
        _ = Queue(b, "Q", TestQueue(queueName: name.value))
        let synthesis = try app.synthesize()
        expectJSON(try parsedTemplate(synthesis, "A")[path: "Outputs", "ExportNameRef"],
                   #"{"Value": {"Ref": "Name"}, "Export": {"Name": "A:NameRef"}}"#)
        expectJSON(try parsedTemplate(synthesis, "B")[path: "Resources", "Q", "Properties", "QueueName"], #"{"Fn::ImportValue": "A:NameRef"}"#)
    }

    @Test func mappingOfAnotherStackIsAnError() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let map = Mapping(a, "Map", ["k": ["v": "x"]])
        _ = Queue(a, "Q", TestQueue())
        _ = Queue(b, "Q", TestQueue(queueName: map.find("k", "v")))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.rule) == ["Fn::FindInMap uses a mapping of another stack"])
    }

    @Test func userOutputNamedLikeAnExportIsAnError() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let q = Queue(a, "Q", TestQueue())
        _ = Output(a, "ExportQArn", value: q.getAtt("QueueName"))
        _ = Queue(b, "Q", TestQueue(queueName: q.getAtt("Arn")))
        let errors = synthesisErrors(app)
        #expect(errors.count == 1)
        #expect(errors.first?.path == "A")
        #expect(errors.first?.property == "Outputs")
        #expect(errors.first?.value == "ExportQArn")
    }
}
