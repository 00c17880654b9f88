import Foundation
import Testing
@testable import CloudFormation

/// Regressions for bugs found while reviewing the core, and checks that need an outside tool.

/// A test-only type with an attribute named so that `DbEndpoint` + `Address` gives the same export id as
/// `Db` (a `TestDatabase`) + `Endpoint.Address`.
struct TestClusterEndpoint: ResourceProperties {
    static let resourceType = "AWS::RDS::DBClusterEndpoint"
    static let attributeNames: Set<String> = ["Address", "Port"]
    func templateProperties() -> TemplateValue { .object([]) }
    func validate(_ issues: inout [PropertyIssue]) {}
}

@Suite struct SubEscapeAcrossPiecesTests {
    /// `$` at the end of one piece and `{` at the start of the next must not form an unescaped `${`.
    @Test func dollarThenBraceInTheNextPieceIsEscaped() throws {
        let value: Value<String> = "cost $\("{b}")-\(Pseudo.region)"
        guard case .sub(let template, let variables) = value.node else { Issue.record("expected a Sub, got \(value.node)"); return }
        #expect(template == "cost ${!b}-${AWS::Region}")
        #expect(variables.isEmpty)
        // The same text without a placeholder stays a plain string, unescaped.
        let plain: Value<String> = "cost $\("{b}")"
        #expect(plain.literal == "cost ${b}")
    }

    @Test func dollarThenInlinedSubStartingWithABrace() throws {
        let inner: Value<String> = "{x}-\(Pseudo.region)"
        let outer: Value<String> = "$\(inner)"
        guard case .sub(let template, _) = outer.node else { Issue.record("expected a Sub, got \(outer.node)"); return }
        #expect(template == "${!x}-${AWS::Region}")
    }

    @Test func synthesizesWithoutADanglingPlaceholder() throws {
        let props = try properties { stack in
            let queue = Queue(stack, "Target", TestQueue())
            return TestQueue(queueName: "price $\("{V0}") of \(queue.ref)")
        }
        // Unescaped, `${V0}` would silently name the variable holding the Ref.
        expectJSON(props["QueueName"], #"{"Fn::Sub": ["price ${!V0} of ${V0}", {"V0": {"Ref": "Target"}}]}"#)
    }
}

@Suite struct NumberParameterDefaultTests {
    func errors(default value: Double) -> [Diagnostic] {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "Q", TestQueue())
        _ = Parameter<Double>(stack, "Count", default: value, allowedValues: [1, 2.5, 10], minValue: 1, maxValue: 10)
        do {
            _ = try app.synthesize()
            return []
        } catch let error as SynthesisError {
            return error.errors
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    /// cfn-lint reports E2015 and CloudFormation rejects the stack when a Number default breaks its constraints.
    @Test func defaultOutsideMinMaxOrAllowedValuesIsAnError() {
        let low = errors(default: 0)
        #expect(low.map(\.path) == ["Main/Count", "Main/Count"])
        #expect(low.map(\.property) == ["Default", "Default"])
        #expect(Set(low.map(\.rule)) == ["must be at least 1 (MinValue)", "must be one of AllowedValues"])
        #expect(low.allSatisfy { $0.value == "0" })

        let high = errors(default: 11)
        #expect(Set(high.map(\.rule)) == ["must be at most 10 (MaxValue)", "must be one of AllowedValues"])

        let notAllowed = errors(default: 3)
        #expect(notAllowed.map(\.rule) == ["must be one of AllowedValues"])
        #expect(notAllowed.first?.value == "3")
    }

    @Test func defaultWithinConstraintsIsFine() {
        #expect(errors(default: 2.5).isEmpty)
        #expect(errors(default: 10).isEmpty)
        #expect(errors(default: 1).isEmpty)
    }
}

@Suite struct ExportNameCollisionTests {
    /// Before the fix the second reference silently imported the first one's value.
    @Test func twoValuesWithOneExportNameIsAnError() {
        let app = App()
        let data = Stack(app, "Data")
        let api = Stack(app, "Api")
        let db = Resource(data, "Db", TestDatabase())
        let endpoint = Resource(data, "DbEndpoint", TestClusterEndpoint())
        #expect(db.logicalId == "Db" && endpoint.logicalId == "DbEndpoint")
        _ = Queue(api, "Q", TestQueue(queueName: db.getAtt("Endpoint.Address"), extra: [("Other", endpoint.getAtt("Address").node)]))
        let errors = synthesisErrors(app)
        #expect(errors.count == 1)
        #expect(errors.first?.path == "Api/Q")
        #expect(errors.first?.property == "Other")
        #expect(errors.first?.value == "Data/DbEndpoint.Address")
        #expect(errors.first?.rule.contains("Data:DbEndpointAddress") == true)
        #expect(errors.first?.rule.contains("\"Db\"") == true, "the rule names the value already exported")
    }

    @Test func theSameValueTwiceSharesOneExport() throws {
        let app = App()
        let data = Stack(app, "Data")
        let api = Stack(app, "Api")
        let db = Resource(data, "Db", TestDatabase())
        _ = Queue(api, "Q", TestQueue(queueName: db.getAtt("Endpoint.Address")))
        _ = Queue(api, "R", TestQueue(queueName: db.getAtt("Endpoint.Address")))
        _ = Output(api, "Address", value: db.getAtt("Endpoint.Address"))
        let synthesis = try app.synthesize()
        let outputs = try #require(try parsedTemplate(synthesis, "Data")["Outputs"] as? [String: Any])
        #expect(Array(outputs.keys) == ["ExportDbEndpointAddress"])
    }
}

/// The typed values, positive paths.
///
/// What the types forbid cannot be tested here, because it does not compile, for example:
/// - `TestQueue(queueName: Value<Int>(3))` or `TestQueue(delaySeconds: "3")`: a number is kept out of a string slot and back;
/// - `TestQueue(queueName: Fn.getAZs())`: a `Value<[String]>` is kept out of a scalar slot (use `Fn.select` or `Fn.join`);
/// - `Fn.if(condition, Value<String>("a"), Value<Int>(1))`: both branches have one type;
/// - `Fn.join(",", Value<String>("a"))`: joins take a list.
/// Known hole: string interpolation accepts any `Value<U>`, so `"x-\(listParameter.value)"` compiles and puts a list
/// in an `Fn::Sub` variable (cfn-lint E1020); the same for `Output(value:)` with a list (E6101).
@Suite struct TypedValuePathTests {
    @Test func literalsAndIntrinsicsKeepTheirType() {
        let list: Value<[String]> = ["a", Pseudo.region]
        let first: Value<String> = Fn.select(0, list)
        let numbers = Value<[Int]>([1, 2])
        let second: Value<Int> = Fn.select(1, numbers)
        #expect(numbers.literal == [1, 2])
        #expect(list.literal == nil, "a list holding a Ref is not a literal")
        #expect(first.literal == nil)
        #expect(second.literal == nil)
        #expect(Value<Int>(900).literal == 900)
        #expect(Value<Double>(0.5).literal == 0.5)
        #expect(Value<Double>(2).literal == 2)
        #expect(Value<Bool>(false).literal == false)
        #expect(Value<String>("x").literal == "x")
        #expect(Value<Int>.noValue.literal == nil)
        // A literal of the wrong shape is not read as another type.
        #expect(Value<Int>(node: .string("3")).literal == nil)
        #expect(Value<[String]>(node: .string("a,b")).literal == nil)
    }

    @Test func typedIntrinsicsRender() throws {
        let props = try properties { stack in
            let env = Parameter<String>(stack, "Env", default: "dev")
            let prod = Condition(stack, "IsProd", Fn.equals(env.value, "prod"))
            let delay: Value<Int> = Fn.if(prod, 0, Fn.select(1, Value<[Int]>([5, 10])))
            let zones: Value<[String]> = Fn.if(prod, Fn.getAZs(), ["us-east-1a"])
            return TestQueue(queueName: Fn.join(",", zones), delaySeconds: delay)
        }
        expectJSON(props["DelaySeconds"], #"{"Fn::If": ["IsProd", 0, {"Fn::Select": [1, [5, 10]]}]}"#)
        expectJSON(props["QueueName"], #"{"Fn::Join": [",", {"Fn::If": ["IsProd", {"Fn::GetAZs": ""}, ["us-east-1a"]]}]}"#)
    }
}

@Suite struct JSONRoundTripStructureTests {
    /// The writer's output read back by Foundation is the same structure, for every awkward character.
    @Test func trickyStructureParsesBackIdentically() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let tricky = "\"quotes\" \\back\\slash\\ /slash/ 😀👩‍👩‍👧 é \u{2028}\u{2029} \(controls) </script>"
        let value: TemplateValue = [
            tricky: [.string(tricky), 1, -2, 0.5, true, false, nil, [], [:]],
            "nested": [tricky: [tricky: .string(controls)]],
        ]
        let text = JSONWriter.write(value)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
        let expected: NSDictionary = [
            tricky: [tricky, 1, -2, 0.5, true, false, NSNull(), [Any](), [String: Any]()] as [Any],
            "nested": [tricky: [tricky: controls]],
        ]
        #expect(parsed == expected)
        #expect(!text.contains("\\/"))
        #expect(text.contains("😀👩‍👩‍👧 é \u{2028}\u{2029}"), "non-ASCII written raw")
        #expect(!text.contains("\\u2028"))
        #expect(text.hasSuffix("}\n") && !text.hasSuffix("\n\n"))
        #expect(JSONWriter.write(value) == text)
    }
}

/// Runs cfn-lint (when installed) on the template that uses every intrinsic.
@Suite struct CfnLintTests {
    static let cfnLint: String? = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return paths.map { $0 + "/cfn-lint" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The exit status and combined output of cfn-lint on the files.
    func lint(_ files: [URL]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.cfnLint!)
        process.arguments = files.map(\.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: cfnLint != nil, "cfn-lint is not on PATH"), .timeLimit(.minutes(2)))
    func everyIntrinsicTemplateIsClean() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let synthesis = try LintTemplateTests.everyIntrinsicApp().synthesize()
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        let templates = synthesis.stacks.map { directory.appendingPathComponent($0.fileName) }
        #expect(templates.count == 2)
        let (status, output) = try lint(templates)
        #expect(status == 0, "cfn-lint: \(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "cfn-lint: \(output)")

        // The harness is not vacuous: a template with a dangling Ref fails.
        let broken = directory.appendingPathComponent("Broken.template.json")
        try Data(#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Nothing"}}}}}"#.utf8).write(to: broken)
        let (brokenStatus, brokenOutput) = try lint([broken])
        #expect(brokenStatus != 0)
        #expect(brokenOutput.contains("E"), "\(brokenOutput)")
    }
}

@Suite struct UnwritableDirectoryTests {
    /// chmod does not stop root from writing; as root the rollback is covered by `failedWriteLeavesDirectoryUnchanged`.
    @Test(.enabled(if: getuid() != 0, "running as root, where a 0555 directory is still writable"))
    func readOnlyDirectoryFailsAndChangesNothing() throws {
        let directory = try temporaryDirectory()
        let first = try {
            let app = App()
            _ = Queue(Stack(app, "Main"), "Q", TestQueue(queueName: "old"))
            return try app.synthesize()
        }()
        try TemplateDirectory.write(first, to: directory, pruneExtra: true)
        let before = snapshot(directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path) }
        let app = App()
        _ = Queue(Stack(app, "Main"), "Q", TestQueue(queueName: "new"))
        #expect(throws: TemplateDirectory.WriteError.self) {
            try TemplateDirectory.write(try app.synthesize(), to: directory, pruneExtra: true)
        }
        #expect(snapshot(directory) == before)
    }
}

@Suite struct ForeignStackDependencyTests {
    /// Before the fix the foreign stack was silently listed in the manifest's DependsOn, though the app never deploys it.
    @Test func explicitDependencyOnAStackOfAnotherAppIsAnError() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "Q", TestQueue())
        let foreign = Stack(App(), "Foreign")
        _ = Queue(foreign, "Q", TestQueue())
        stack.addDependency(foreign)
        let errors = synthesisErrors(app)
        #expect(errors.count == 1)
        #expect(errors.first?.path == "Main")
        #expect(errors.first?.property == "Dependencies")
        #expect(errors.first?.value == "Foreign")
        #expect(errors.first?.rule == "depends on a stack that is not in this app")
    }
}

@Suite struct ConditionOperandTests {
    /// cfn-lint E1020/E8003, and CloudFormation rejects the template: Conditions cannot use resources or imports.
    @Test func resourcesAndImportsInAConditionAreErrors() {
        let app = App()
        let shared = Stack(app, "Shared")
        let stack = Stack(app, "Main")
        let sharedName = Parameter<String>(shared, "SharedName", default: "x")
        _ = Queue(shared, "Q", TestQueue(queueName: sharedName.value))
        let queue = Queue(stack, "Jobs", TestQueue())
        _ = Condition(stack, "ByRef", Fn.equals(queue.ref, "x"))
        _ = Condition(stack, "ByAtt", Fn.not(Fn.equals("x", "name-\(queue.getAtt("QueueName"))")))
        _ = Condition(stack, "ByImport", Fn.equals(Fn.importValue("external"), "x"))
        _ = Condition(stack, "ByOtherStack", Fn.equals(Fn.select(0, Fn.split(",", sharedName.value)), "x"))
        let errors = synthesisErrors(app)
        #expect(errors.map(\.path) == ["Main/ByAtt", "Main/ByImport", "Main/ByOtherStack", "Main/ByRef"])
        #expect(errors.map(\.value) == ["Main/Jobs.QueueName", "Fn::ImportValue", "Shared/SharedName", "Main/Jobs"])
        #expect(errors.allSatisfy { $0.property == "Condition" && $0.rule.hasPrefix("condition functions may use parameters of this stack") })
    }

    @Test func parametersPseudoParametersAndMappingsAreAllowed() throws {
        let app = App()
        let stack = Stack(app, "Main")
        let env = Parameter<String>(stack, "Env", default: "dev")
        let map = Mapping(stack, "Map", ["dev": ["Big": "false"]])
        let isBig = Condition(stack, "IsBig", Fn.equals(Fn.findInMap(map, env.value, "Big"), "true"))
        _ = Condition(stack, "Here", Fn.and(isBig.asExpression, Fn.equals("\(Pseudo.region)-\(env.value)", "us-east-1-dev")))
        _ = Queue(stack, "Q", TestQueue())
        _ = try app.synthesize()
    }
}
