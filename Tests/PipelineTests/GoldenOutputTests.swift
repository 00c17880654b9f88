import AWSResources
import CloudFormation
import Pipeline
import XCTest

/// Byte-identical output across performance work: SHA-256 of the pipeline's files, of a generated
/// 1,000-resource app (the benchmark's) and of the messages of an app full of rule violations.
/// The hashes were recorded from the code before the synthesis speed-ups (issue 15); a change in any
/// template byte or any message fails here.
final class GoldenOutputTests: XCTestCase {
    static let configPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/pipeline.json").path

    static let pipelineHashes: [String: String] = [
        // Recorded again from main before the merge of the speed-ups (the pipeline had grown a stack and three
        // handlers since the first recording), and once more when the prediction API's unused dead-letter queue and
        // event-invoke config went (a synchronous function gets neither, and the key says so), and in review when the
        // data-quality role's CreateGrant got the endpoint role's condition and LambdaStack's descriptions were brought
        // up to date; the generated app and the messages kept their first hashes.
        "LambdaStack.template.json": "6a4958b880c6782fa0fb370b35ca3031c8cddc9290e423971382d135f68ed7c9",
        "MonitoringStack.template.json": "bc03f62ffb648d87e1708a1666102d2b23584c50b7d0be2359832720185325cd",
        "S3Stack.template.json": "013a645f673cdfe13b3e63985e57ccdf96f712bf94e7038349102f561034b015",
        "SentimentEndpointStack.template.json": "7c448b70c92bca1e605e710bcea6fa8482504f4a3ae7577361033ef5b2259930",
        "manifest.json": "485c3aa9ba4bd349d16bbc8a3b62dc6a701a1e9483b3ca3431ce36272007664d",
    ]
    static let generatedAppHash = "5c11d651d060f37c297bdd3055dba8a5654a53407955b94e66fce5ec442c69db"
    static let violationsHash = "6975e905cea5dd8800c66dd6ec333857957e37616998a1469e92a21c75e87a42"

    /// The benchmark's generated app (`Sources/SynthBenchmark`): SSM parameters and versioned buckets, 100 per stack.
    static func generatedApp(resources count: Int) -> App {
        let app = App()
        var made = 0
        var stackIndex = 0
        while made < count {
            let stack = Stack(app, "Generated\(stackIndex)")
            for i in 0..<min(100, count - made) {
                let n = made + i
                if n % 2 == 0 {
                    _ = Resource(stack, "Parameter\(n)", SSM.Parameter(name: "/bench/parameter-\(n)", type: .init(.string), value: "value-\(n)"))
                } else {
                    _ = Resource(stack, "Bucket\(n)", S3.Bucket(
                        bucketName: "bench-\(n)-\(Pseudo.accountId)-\(Pseudo.region)",
                        versioningConfiguration: S3.Bucket.VersioningConfiguration(status: .init(.enabled))))
                }
            }
            made += min(100, count - made)
            stackIndex += 1
        }
        return app
    }

    /// Every file with its name, so a renamed file changes the hash too.
    static func digest(_ synthesis: Synthesis) -> String {
        SHA256.hex(synthesis.files.map { "\($0.name)\n\($0.contents)" }.joined(separator: "\u{0}"))
    }

    /// An app that breaks schema patterns (ASCII and non-ASCII values, `$`/`\Z` before a final newline,
    /// lookbehind, Unicode classes), lengths, ranges, enums, parameter rules and references.
    static func violationsApp() -> App {
        let app = App()
        let stack = Stack(app, "Violations")
        let values = ["Bad_Name", "ok-name", "ok-name\n", "trailing.", "ünïcode", "a b", "", "x", String(repeating: "a", count: 70), "tab\tname"]
        for (index, value) in values.enumerated() {
            let tags = [S3.Bucket.Tag(key: .init(value), value: .init(value)), S3.Bucket.Tag(key: "Key<\(index)>", value: "v")]
            let bucket = Resource(stack, "Bucket\(index)", S3.Bucket(bucketName: .init(value), tags: tags))
            _ = Resource(stack, "Role\(index)", IAM.Role(
                assumeRolePolicyDocument: ["Version": "2012-10-17"], path: .init(value), roleName: .init(value)))
            _ = Resource(stack, "Logs\(index)", Logs.LogGroup(logGroupName: .init(value), retentionInDays: 7))
            _ = Resource(stack, "Parameter\(index)", SSM.Parameter(
                name: .init(value), tags: [value: .init(value), "ok": "ok"], type: .init(.string), value: .init(value)))
            _ = Resource(stack, "Function\(index)", Lambda.Function(
                code: .init(s3Bucket: .init(value), s3Key: "key"), handler: .init(value),
                kmsKeyArn: .init(value), role: .init(value)))
            let parameter = Parameter<String>(stack, "Input\(index)", default: value, allowedPattern: index % 2 == 0 ? "[a-z-]+" : "([")
            _ = Output(stack, "Out\(index)", value: Value<String>(node: .array([parameter.value.node, bucket.ref.node])))
        }
        return app
    }

    /// A config breaking every pattern rule (and a few others), with ASCII and non-ASCII values.
    static let badConfig = """
        {
          "modelBucket": {"namePrefix": "Bad_Prefix", "modelSuffix": ".tar:gz"},
          "registrar": {"functionName": "bad name!", "metricsNamespace": "ok"},
          "modelParameterName": "no-leading-slash",
          "endpoint": {
            "name": "-endpoint-",
            "image": {"repository": "Bad Repo", "tag": ".bad"},
            "environment": {"1BAD": "x", "GOOD_NAME": "y", "ÜBER": "z"},
            "variants": [{"name": "All Traffic", "weight": 1, "instanceType": "m5.large", "initialInstanceCount": 1},
                         {"name": "ok", "weight": 1, "instanceType": "ml.m5.large\\n", "initialInstanceCount": 1}],
            "dataCapture": {"enabled": true, "samplingPercent": 20, "prefix": "data capture/"},
            "modelPackageGroupName": "bad_group"
          },
          "alarms": {"email": "not an email"},
          "tags": {"bad<key>": "v", "ok": "bad|value", "名前": "値", "tab\\tkey": "x\\n"}
        }
        """
    static let configMessagesHash = "e02ce74df025571d7eb1dba6bcb74c79ddfbc770d97463acd981a044c9110272"

    func testConfigMessagesAreUnchanged() throws {
        do {
            _ = try PipelineConfig.decode(Self.badConfig, file: "bad.json")
            XCTFail("the config breaks rules")
        } catch let error as ConfigError {
            XCTAssertEqual(SHA256.hex(error.description), Self.configMessagesHash, error.description)
        }
    }

    func testPipelineFilesAreByteIdentical() throws {
        let config = try PipelineConfig.load(from: Self.configPath)
        let synthesis = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(synthesis.files.map(\.name).sorted(), Self.pipelineHashes.keys.sorted())
        for file in synthesis.files {
            XCTAssertEqual(SHA256.hex(file.contents), Self.pipelineHashes[file.name], file.name)
        }
    }

    func testGeneratedThousandResourceAppIsByteIdentical() throws {
        let synthesis = try Self.generatedApp(resources: 1_000).synthesize()
        XCTAssertEqual(synthesis.stacks.count, 10)
        XCTAssertEqual(synthesis.stacks.reduce(0) { $0 + $1.resourceCount }, 1_000)
        XCTAssertEqual(Self.digest(synthesis), Self.generatedAppHash)
    }

    func testValidationMessagesAreUnchanged() throws {
        do {
            _ = try Self.violationsApp().synthesize()
            XCTFail("the app breaks rules")
        } catch let error as SynthesisError {
            let text = error.description + "\n" + error.warnings.map(\.description).joined(separator: "\n")
            XCTAssertTrue(text.contains("must match pattern ^([a-z0-9][a-z0-9.-]*[a-z0-9])?$"), text)
            XCTAssertEqual(SHA256.hex(text), Self.violationsHash, text)
        }
    }
}
