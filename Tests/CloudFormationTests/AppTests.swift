@testable import CloudFormation
import XCTest

final class AppTests: XCTestCase {
    func testCrossStackReferenceAddsExportImportAndOrder() throws {
        let app = App()
        // The consumer is created first: the order must still put the producer first.
        let consumer = Stack(app, "Consumer")
        let producer = Stack(app, "Producer")
        let queue = Resource(producer, "Jobs", TestQueue())
        Resource(consumer, "Reader", TestQueue(queueName: queue.getAtt("QueueName"), extra: [("Policy", ["Resource": queue.getAtt("Arn", as: String.self).node])]))
        let synthesis = try app.synthesize()
        XCTAssertEqual(synthesis.stacks.map(\.name), ["Producer", "Consumer"])
        XCTAssertEqual(synthesis.stacks[1].dependencies, ["Producer"])
        let outputs = try synthesis.templateJSON("Producer")["Outputs"] as! [String: [String: Any]]
        XCTAssertEqual(outputs["ExportJobsQueueName"]?["Export"] as? NSDictionary, ["Name": "Producer:JobsQueueName"] as NSDictionary)
        XCTAssertEqual(outputs["ExportJobsQueueName"]?["Value"] as? NSDictionary, ["Fn::GetAtt": ["Jobs", "QueueName"]] as NSDictionary)
        XCTAssertNotNil(outputs["ExportJobsArn"])
        let reader = (try synthesis.templateJSON("Consumer")["Resources"] as! [String: [String: Any]])["Reader"]!["Properties"] as! [String: Any]
        XCTAssertEqual(reader["QueueName"] as? NSDictionary, ["Fn::ImportValue": "Producer:JobsQueueName"] as NSDictionary)
        let manifest = try parseJSON(synthesis.manifest)
        let stacks = manifest["Stacks"] as! [[String: Any]]
        XCTAssertEqual(stacks.map { $0["Name"] as! String }, ["Producer", "Consumer"])
        XCTAssertEqual(stacks[1]["DependsOn"] as? [String], ["Producer"])
        XCTAssertEqual((stacks[0]["Outputs"] as? [[String: Any]])?.compactMap { $0["ExportName"] as? String }.sorted(),
                       ["Producer:JobsArn", "Producer:JobsQueueName"])
    }

    func testCycleIsReportedWithItsChain() {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let qa = Resource(a, "QA", TestQueue())
        let qb = Resource(b, "QB", TestQueue(queueName: qa.ref))
        qa.properties.queueName = qb.ref
        let found = collectErrors { try app.synthesize() }
        XCTAssertTrue(found.contains { $0.value == "A → B → A" && $0.rule.contains("cycle") }, "\(found)")
    }

    func testLogicalIdsAreReadableStableAndCheckedForDuplicates() throws {
        let app = App()
        let stack = Stack(app, "S")
        let group = Group(stack, "model-bucket")
        Resource(group, "Resource", TestQueue())
        Resource(group, "Policy", TestQueue())
        let before = try app.synthesize().stacks[0].body
        let ids = Set((try parseJSON(before)["Resources"] as! [String: Any]).keys)
        XCTAssertEqual(ids, ["modelBucket", "modelBucketPolicy"])
        Resource(stack, "Unrelated", TestQueue())
        let after = try parseJSON(try app.synthesize().stacks[0].body)["Resources"] as! [String: Any]
        XCTAssertTrue(ids.isSubset(of: Set(after.keys)), "adding a sibling keeps existing IDs")
        // "A/BC" and "AB/C" both map to ABC.
        let clash = App()
        let s = Stack(clash, "S")
        Resource(Group(s, "A"), "BC", TestQueue())
        Resource(Group(s, "AB"), "C", TestQueue())
        Resource(s, "x-y", TestQueue())
        Resource(s, "x-y", TestQueue())
        let found = collectErrors { try clash.synthesize() }
        XCTAssertTrue(found.contains { $0.rule.contains("duplicate logical ID: S/A/BC and S/AB/C") }, "\(found)")
        XCTAssertTrue(found.contains { $0.rule.contains("duplicate construct id") && $0.value == "\"x-y\"" }, "\(found)")
        // A third of each: every later one is reported against the first.
        let thrice = App()
        let t = Stack(thrice, "T")
        for _ in 0..<3 { Resource(t, "Same", TestQueue()) }
        for group in ["A", "AB", "ABC"] { Resource(Group(t, group), String("ABCD".dropFirst(group.count)), TestQueue()) }
        let three = collectErrors { try thrice.synthesize() }
        XCTAssertEqual(three.filter { $0.rule.contains("duplicate construct id in T: T/Same already uses it") }.count, 2, "\(three)")
        XCTAssertEqual(three.filter { $0.rule.hasPrefix("duplicate logical ID: T/A/BCD and ") }.map(\.rule).sorted(),
                       ["duplicate logical ID: T/A/BCD and T/AB/CD both map to it", "duplicate logical ID: T/A/BCD and T/ABC/D both map to it"], "\(three)")
        let invalid = App()
        Resource(Stack(invalid, "S"), "---", TestQueue())
        XCTAssertTrue(collectErrors { try invalid.synthesize() }.contains { $0.rule == LogicalID.rule })
    }

    func testAllErrorsReportedTogetherWithPathPropertyValueAndRule() {
        let app = App()
        let stack = Stack(app, "S")
        let queue = Resource(stack, "Q", TestQueue(delaySeconds: 1000))
        Resource(stack, "R", TestQueue(queueName: queue.getAtt("Nope")))
        Resource(stack, "T", TestQueue(queueName: Fn.sub("x-${Missing}")))
        let elsewhere = Resource(Stack(App(), "Other"), "Far", TestQueue())
        Resource(stack, "U", TestQueue(queueName: elsewhere.ref))
        let found = collectErrors { try app.synthesize() }
        XCTAssertEqual(found.count, 4, "\(found)")
        XCTAssertEqual(found.map(\.path), found.map(\.path).sorted(), "sorted by path")
        XCTAssertTrue(found.contains { $0.path == "S/Q" && $0.property == "DelaySeconds" && $0.value == "1000" && $0.rule == "must be between 0 and 900" })
        XCTAssertTrue(found.contains { $0.path == "S/R" && $0.property == "QueueName" && $0.rule.contains("has no attribute Nope; valid: Arn, QueueName, QueueUrl") })
        XCTAssertTrue(found.contains { $0.path == "S/T" && $0.value == "${Missing}" && $0.rule.contains("dangling reference") })
        XCTAssertTrue(found.contains { $0.path == "S/U" && $0.rule.contains("not in this app") })
        XCTAssertTrue(found[0].description.hasPrefix("error: S/"))
    }

    func testTemplateLimits() {
        let app = App()
        let stack = Stack(app, "Big")
        for index in 0..<501 { Resource(stack, "Q\(index)", TestQueue()) }
        for index in 0..<201 { Parameter<String>(stack, "P\(index)", default: "x") }
        for index in 0..<201 { Output(stack, "O\(index)", value: Pseudo.region) }
        for index in 0..<201 { Mapping(stack, "M\(index)", ["a": ["b": "c"]]) }
        let rules = collectErrors { try app.synthesize() }.map(\.rule)
        for limit in ["at most 500 resources", "at most 200 parameters", "at most 200 outputs", "at most 200 mappings"] {
            XCTAssertTrue(rules.contains { $0.contains(limit) }, limit)
        }
    }

    func testTemplateSizeWarningAndError() throws {
        let medium = App()
        let stack = Stack(medium, "Medium")
        for index in 0..<300 { Resource(stack, "Queue\(index)", TestQueue(queueName: Value(String(repeating: "q", count: 150)))) }
        let synthesis = try medium.synthesize()
        XCTAssertGreaterThan(synthesis.stacks[0].body.utf8.count, 51_200)
        XCTAssertTrue(synthesis.warnings.contains { $0.rule.contains("uploaded through S3") })
        let huge = App()
        let big = Stack(huge, "Huge")
        for index in 0..<400 { Resource(big, "Queue\(index)", TestQueue(queueName: Value(String(repeating: "q", count: 3000)))) }
        XCTAssertTrue(collectErrors { try huge.synthesize() }.contains { $0.rule.contains("at most 1000000 bytes") })
    }

    func testParameterDefaultsAreValidated() {
        let app = App()
        let stack = Stack(app, "S")
        Parameter<String>(stack, "Name", default: "UPPER", allowedPattern: "[a-z]+", maxLength: 3)
        Parameter<Double>(stack, "Count", minValue: 5, maxValue: 1)
        Resource(stack, "Q", TestQueue())
        let rules = collectErrors { try app.synthesize() }.map(\.rule)
        XCTAssertTrue(rules.contains("must match AllowedPattern [a-z]+"))
        XCTAssertTrue(rules.contains("length must be at most 3 (MaxLength)"))
        XCTAssertTrue(rules.contains("must not exceed MaxValue (1)"))
    }
}
