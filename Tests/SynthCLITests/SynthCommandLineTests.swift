import AWSResources
import CloudFormation
import Foundation
@testable import SynthCLI
import XCTest

/// A small app in the pipeline's shape: a bucket whose ARN another stack imports, and an autoscaled SageMaker endpoint.
struct Settings {
    var imageTag = "1.0"
    var instanceType = "ml.m5.large"
    var variantName = "AllTraffic"
    var bucketName = "demo-data-bucket"
    var modelName: String?
    var exportBucket = true
    var description = "Serving"
    var parameterDefault = "/demo/model"
}

func makeApp(_ settings: Settings) -> App {
    let app = App()
    let storage = Stack(app, "Storage")
    let bucket = Resource(storage, "Data", S3.Bucket(bucketName: Value(settings.bucketName)))
    let serving = Stack(app, "Serving", description: settings.description)
    let modelData = Parameter<String>(serving, "ModelData", default: settings.parameterDefault)
    let model = Resource(serving, "Model", SageMaker.Model(
        executionRoleArn: "arn:aws:iam::123456789012:role/sagemaker",
        modelName: settings.modelName.map { Value($0) },
        primaryContainer: .init(image: Value("123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo:\(settings.imageTag)"), modelDataUrl: modelData.value)))
    let config = Resource(serving, "Config", SageMaker.EndpointConfig(productionVariants: [
        .init(initialInstanceCount: 1, initialVariantWeight: 1, instanceType: Value(settings.instanceType),
              modelName: model.attrModelName, variantName: Value(settings.variantName)),
    ]))
    let endpoint = Resource(serving, "Endpoint", SageMaker.Endpoint(endpointConfigName: config.attrEndpointConfigName, endpointName: "demo"))
    _ = Resource(serving, "Scaling", ApplicationAutoScaling.ScalableTarget(
        maxCapacity: 2, minCapacity: 1, resourceId: "endpoint/\(endpoint.attrEndpointName)/variant/\(settings.variantName)",
        scalableDimension: .init(.sagemakerVariantDesiredInstanceCount), serviceNamespace: .init(.sagemaker)))
    if settings.exportBucket {
        _ = Resource(serving, "Capture", SSM.Parameter(type: .init(.string), value: bucket.attrArn))
    }
    return app
}

final class SynthCommandLineTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("synthcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    struct Result { var status: Int32; var out: String; var err: String }

    func run(_ arguments: [String], _ settings: Settings = Settings(), color: Bool = false,
             options: [SynthCommandLine.Option] = [], make: ((SynthCommandLine.Arguments) throws -> App)? = nil) -> Result {
        var out: [String] = [], err: [String] = []
        let command = SynthCommandLine(name: "demo", summary: "Demo app.", options: options, defaultOutput: work.appendingPathComponent("out").path,
                                       makeApp: make ?? { _ in makeApp(settings) })
        let status = command.run(arguments, out: { out.append($0) }, err: { err.append($0) }, color: color)
        return Result(status: status, out: out.joined(separator: "\n"), err: err.joined(separator: "\n"))
    }

    var out: String { work.appendingPathComponent("out").path }

    func testWriteListCheckAndAppOptions() throws {
        XCTAssertEqual(run([]).status, 0)
        XCTAssertEqual(run(["--check"]).status, 0)
        XCTAssertEqual(run(["--list"]).out, "1. Storage\n2. Serving (after Storage)")
        let stale = run(["--check"], Settings(imageTag: "2.0"))
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.err.contains("demo: stale: \(out)/Serving.template.json"), stale.err)
        // An app option reaches the builder; a UsageError from it is exit 2, any other error exit 1.
        let option = SynthCommandLine.Option("--tag", value: "TAG", help: "image tag", default: "1.0")
        var seen: String?
        XCTAssertEqual(run(["--tag", "3.1", "--list"], options: [option], make: { seen = $0["--tag"]; return makeApp(Settings()) }).status, 0)
        XCTAssertEqual(seen, "3.1")
        let usage = run(["--tag=x"], options: [option], make: { _ in throw SynthCommandLine.UsageError("--tag x: no such tag") })
        XCTAssertEqual(usage.status, 2)
        XCTAssertEqual(usage.err, "demo: --tag x: no such tag")
        struct Invalid: Error, CustomStringConvertible { var description = "config.json: registrar.memoryMiB = 64: must be between 128 and 10240" }
        let invalid = run([], options: [option], make: { _ in throw Invalid() })
        XCTAssertEqual(invalid.status, 1)
        XCTAssertEqual(invalid.err, "demo: config.json: registrar.memoryMiB = 64: must be between 128 and 10240")
        let help = run(["--help"], options: [option])
        XCTAssertTrue(help.out.contains("Usage: demo [--tag TAG] [--output DIR]"), help.out)
        XCTAssertTrue(help.out.contains("--tag TAG     image tag (default: 1.0)"), help.out)
        XCTAssertTrue(help.out.contains("--diff [DIR]"), help.out)
    }

    func testUsageErrors() {
        let cases: [([String], String)] = [
            (["--bogus"], "unknown option --bogus"),
            (["stray"], "unexpected argument stray"),
            (["--output"], "--output needs a value"),
            (["--output", ""], "--output needs a value"),
            (["--output="], "--output needs a value"),
            (["--stack", ""], "--stack needs a value"),
            (["--list", "--graph"], "--list and --graph cannot be used together"),
            (["--diff", "--check"], "--diff and --check cannot be used together"),
            (["--fail"], "--fail only applies to --diff"),
            (["--graph=yes"], "--graph takes no value"),
            (["--diff="], "--diff= needs a directory"),
            (["--stack", "Nope", "--list"], "unknown stack Nope; the app has: Storage, Serving"),
        ]
        for (arguments, message) in cases {
            let result = run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.err.contains(message), "\(arguments): \(result.err)")
            XCTAssertEqual(result.out, "", "\(arguments)")
        }
        let redefined = run([], options: [.init("--output", value: "DIR", help: "x")])
        XCTAssertEqual(redefined.status, 2)
        XCTAssertTrue(redefined.err.contains("the app option --output redefines a built-in option"), redefined.err)
    }

    func testDiffWithoutChangesAndWithFail() {
        XCTAssertEqual(run([]).status, 0)
        let same = run(["--diff"])
        XCTAssertEqual(same.status, 0)
        XCTAssertEqual(same.out, "Stack Storage: no changes\nStack Serving: no changes\nNo differences against \(out) (2 stacks).")
        XCTAssertEqual(run(["--diff", "--fail"]).status, 0)
        XCTAssertEqual(run(["--diff", out, "--fail"], Settings(imageTag: "2.0")).status, 1)
        XCTAssertEqual(run(["--diff=\(out)"], Settings(imageTag: "2.0")).status, 0)
    }

    /// A new image replaces the model, which replaces the configuration that names it; the endpoint is updated in place.
    func testDiffReplacementCascadeAndFixedNameHazard() {
        XCTAssertEqual(run([]).status, 0)
        let result = run(["--diff"], Settings(imageTag: "2.0", modelName: nil))
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out, """
            Stack Storage: no changes
            ~ Stack Serving
              Resources
              ~ Model (AWS::SageMaker::Model) will be REPLACED
                  PrimaryContainer.Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo:1.0" → "123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo:2.0" → replacement
              ~ Config (AWS::SageMaker::EndpointConfig) will be REPLACED
                  ProductionVariants[0].ModelName: changes at deploy time because Model is replaced → replacement
              ~ Endpoint (AWS::SageMaker::Endpoint) updated in place
                  EndpointConfigName: changes at deploy time because Config is replaced

            1 of 2 stacks differ: resources 0 added, 3 modified (2 replaced), 0 removed; 0 hazards.
            """)
        // The same change with a fixed model name cannot deploy.
        XCTAssertEqual(run([], Settings(modelName: "demo-model")).status, 0)
        let named = run(["--diff"], Settings(imageTag: "2.0", modelName: "demo-model"))
        XCTAssertTrue(named.out.contains("! Model (AWS::SageMaker::Model) is replaced but keeps its fixed name ModelName = \"demo-model\""), named.out)
        // Changing the name too is fine.
        let renamed = run(["--diff"], Settings(imageTag: "2.0", modelName: "demo-model-2"))
        XCTAssertTrue(renamed.out.contains("ModelName: \"demo-model\" → \"demo-model-2\" → replacement"), renamed.out)
        XCTAssertFalse(renamed.out.contains("Hazards"), renamed.out)
    }

    func testDiffVariantHazardsExportsParametersAndStacks() throws {
        XCTAssertEqual(run([]).status, 0)
        let instance = run(["--diff"], Settings(instanceType: "ml.c5.xlarge"))
        XCTAssertTrue(instance.out.contains("ProductionVariants[0].InstanceType: \"ml.m5.large\" → \"ml.c5.xlarge\" → replacement"), instance.out)
        XCTAssertTrue(instance.out.contains("! Config: variant AllTraffic changes instance type ml.m5.large → ml.c5.xlarge while it is registered as an autoscaling target"), instance.out)
        let variant = run(["--diff"], Settings(variantName: "Blue"))
        XCTAssertTrue(variant.out.contains("! Config: variant names change (AllTraffic → Blue)"), variant.out)
        XCTAssertTrue(variant.out.contains("SageMaker refuses to remove AllTraffic while it is registered as a scalable target"), variant.out)
        XCTAssertTrue(variant.out.contains("Scaling (AWS::ApplicationAutoScaling::ScalableTarget) will be REPLACED"), variant.out)
        // The bucket's export disappears while the deployed Serving stack imports it.
        let export = run(["--diff"], Settings(exportBucket: false))
        XCTAssertTrue(export.out.contains("- Capture (AWS::SSM::Parameter)"), export.out)
        XCTAssertTrue(export.out.contains("- ExportDataArn"), export.out)
        XCTAssertTrue(export.out.contains("! export Storage:DataArn is removed but Serving imports it"), export.out)
        // A renamed bucket is replaced, which changes the exported ARN in use.
        let bucket = run(["--diff"], Settings(bucketName: "demo-data-bucket-2"))
        XCTAssertTrue(bucket.out.contains("BucketName: \"demo-data-bucket\" → \"demo-data-bucket-2\" → replacement"), bucket.out)
        XCTAssertTrue(bucket.out.contains("! export Storage:DataArn: its value changes because Data is replaced while Serving imports it"), bucket.out)
        // Parameters and the description.
        let parameter = run(["--diff"], Settings(description: "Serving v2", parameterDefault: "/demo/model2"))
        XCTAssertTrue(parameter.out.contains("  Parameters\n  ~ ModelData\n      Default: \"/demo/model\" → \"/demo/model2\""), parameter.out)
        XCTAssertTrue(parameter.out.contains("Description: \"Serving\" → \"Serving v2\""), parameter.out)
        // A stack only on disk is removed; a stack missing on disk is new.
        try Data("{\"Resources\": {\"Old\": {\"Type\": \"AWS::SQS::Queue\"}}}\n".utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("Gone.template.json"))
        try FileManager.default.removeItem(atPath: out + "/Storage.template.json")
        let stacks = run(["--diff"])
        XCTAssertTrue(stacks.out.contains("+ Stack Storage: new (no \(out)/Storage.template.json)\n  Resources\n  + Data (AWS::S3::Bucket)"), stacks.out)
        XCTAssertTrue(stacks.out.contains("- Stack Gone: removed"), stacks.out)
        XCTAssertTrue(stacks.out.contains("  - Old (AWS::SQS::Queue)"), stacks.out)
        // With --stack, other templates on disk are not removed stacks.
        XCTAssertFalse(run(["--diff", "--stack", "Serving"]).out.contains("Gone"))
    }

    func testDiffOfListsNamesAddedAndRemovedItems() {
        var changes: [PropertyChange] = []
        TemplateDiff.diffValues(["Statement": ["a", "b", "c"]], ["Statement": ["a", "c", "d", "e"]], path: "", into: &changes)
        XCTAssertEqual(changes.map { "\($0.path): \($0.old.map { TemplateJSON.compact($0) } ?? "-") → \($0.new.map { TemplateJSON.compact($0) } ?? "-")" },
                       ["Statement[1]: \"b\" → -", "Statement[2]: - → \"d\"", "Statement[3]: - → \"e\""])
        XCTAssertTrue(TemplateDiff.replaces(type: "AWS::SageMaker::EndpointConfig", path: "ProductionVariants[1].InstanceType"))
        XCTAssertFalse(TemplateDiff.replaces(type: "AWS::SageMaker::Endpoint", path: "EndpointConfigName"))
        XCTAssertFalse(TemplateDiff.replaces(type: "AWS::Unknown::Type", path: "Name"))
        // A nested create-only property replaces only when the change is at or below it.
        let nested = ["PrimaryContainer.ModelDataUrl", "Parts.Id"]
        XCTAssertTrue(TemplateDiff.replaces(path: "PrimaryContainer.ModelDataUrl", createOnly: nested))
        XCTAssertTrue(TemplateDiff.replaces(path: "Parts[2].Id.Fn::Sub[0]", createOnly: nested))
        XCTAssertFalse(TemplateDiff.replaces(path: "PrimaryContainer.Image", createOnly: nested))
        XCTAssertFalse(TemplateDiff.replaces(path: "PrimaryContainer.ModelDataUrlSuffix", createOnly: nested))
    }

    /// `--diff` follows references through `Fn::Sub` with the synthesizer's own placeholder scan: a `${!` escape is
    /// literal text, not the start of a name that runs to the next `}`.
    func testSubReferencesAfterAnEscape() {
        var found: [(id: String, path: String)] = []
        let value: TemplateValue = ["Fn::Sub": .array([.string("a ${! b ${Bucket} ${AWS::Region} ${Key.Arn} ${Var}"), ["Var": ["Ref": "Other"]]])]
        TemplateDiff.references(in: value, path: "P", into: &found)
        XCTAssertEqual(found.map(\.id), ["Bucket", "Key", "Other"])
    }

    func testDiffColourOnlyWhenAsked() {
        XCTAssertEqual(run([]).status, 0)
        let plain = run(["--diff"], Settings(imageTag: "2.0"))
        XCTAssertFalse(plain.out.contains("\u{1B}["))
        XCTAssertTrue(SynthCommandLine.useColor(isTerminal: true, environment: [:]))
        XCTAssertTrue(SynthCommandLine.useColor(isTerminal: true, environment: ["NO_COLOR": ""]))
        XCTAssertFalse(SynthCommandLine.useColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
        XCTAssertFalse(SynthCommandLine.useColor(isTerminal: false, environment: [:]))
        // main() reads NO_COLOR alone from the process environment.
        let saved = getenv("NO_COLOR").map { String(cString: $0) }
        defer { if let saved { setenv("NO_COLOR", saved, 1) } else { unsetenv("NO_COLOR") } }
        setenv("NO_COLOR", "1", 1)
        XCTAssertEqual(SynthCommandLine.noColorEnvironment(), ["NO_COLOR": "1"])
        setenv("NO_COLOR", "", 1)
        XCTAssertEqual(SynthCommandLine.noColorEnvironment(), ["NO_COLOR": ""])
        unsetenv("NO_COLOR")
        XCTAssertEqual(SynthCommandLine.noColorEnvironment(), [:])
        let colored = run(["--diff"], Settings(imageTag: "2.0"), color: true)
        XCTAssertTrue(colored.out.contains("\u{1B}[1;31mwill be REPLACED\u{1B}[0m"), colored.out)
    }

    func testDiffBadDirectoryAndBadTemplate() throws {
        let missing = run(["--diff", work.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nope: it is not a directory"), missing.err)
        XCTAssertEqual(run([]).status, 0)
        try Data("{\n  \"Resources\": {,}\n}\n".utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("Serving.template.json"))
        let broken = run(["--diff"])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.err.contains("Serving.template.json: line 2, column 17: expected a key in double quotes"), broken.err)
        XCTAssertEqual(broken.out, "")
    }

    func testGraph() {
        let graph = run(["--graph"])
        XCTAssertEqual(graph.status, 0)
        XCTAssertEqual(graph.out, """
            flowchart LR
              subgraph Storage
                Storage_Data["Data<br/>AWS::S3::Bucket"]
              end
              subgraph Serving
                Serving_Model["Model<br/>AWS::SageMaker::Model"]
                Serving_Config["Config<br/>AWS::SageMaker::EndpointConfig"]
                Serving_Endpoint["Endpoint<br/>AWS::SageMaker::Endpoint"]
                Serving_Scaling["Scaling<br/>AWS::ApplicationAutoScaling::ScalableTarget"]
                Serving_Capture["Capture<br/>AWS::SSM::Parameter"]
              end
              Serving_Config --> Serving_Model
              Serving_Endpoint --> Serving_Config
              Serving_Scaling --> Serving_Endpoint
              Serving_Capture ==>|import| Storage_Data
            """)
        XCTAssertEqual(run(["--graph"]).out, graph.out, "deterministic")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "--graph writes nothing")
    }
}
