import Foundation
import XCTest

/// Runs the built `synth` executable as a process: exit codes, stderr, and what is (or is not) written.
final class SynthCommandTests: XCTestCase {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var synthURL: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("synth")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    var work: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.synthURL.path), "synth binary not found at \(Self.synthURL.path)")
        work = FileManager.default.temporaryDirectory.appendingPathComponent("synth-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let work { try? FileManager.default.removeItem(at: work) }
    }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.synthURL
        process.arguments = arguments
        process.currentDirectoryURL = work
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    var defaultConfig: String { Self.packageRoot.appendingPathComponent("config/pipeline.json").path }

    func writeConfig(_ text: String, name: String = "config.json") throws -> String {
        let url = work.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The default config with one replacement applied to its text.
    func configReplacing(_ old: String, with new: String) throws -> String {
        let text = try String(contentsOfFile: defaultConfig, encoding: .utf8)
        XCTAssertTrue(text.contains(old), "default config no longer contains \(old)")
        return try writeConfig(text.replacingOccurrences(of: old, with: new), name: "config-\(UUID().uuidString).json")
    }

    func snapshot(_ directory: URL) -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Dictionary(uniqueKeysWithValues: names.map { ($0, FileManager.default.contents(atPath: directory.appendingPathComponent($0).path) ?? Data()) })
    }

    func testWritesAllTemplatesAndManifestDeterministically() throws {
        let output = work.appendingPathComponent("out")
        let first = try run(["--config", defaultConfig, "--output", output.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let files = snapshot(output)
        XCTAssertEqual(Set(files.keys), ["LambdaStack.template.json", "S3Stack.template.json", "SentimentEndpointStack.template.json",
                                         "MonitoringStack.template.json", "manifest.json"])
        XCTAssertTrue(first.stdout.contains("wrote \(output.path)/LambdaStack.template.json"))
        let second = try run(["--config", defaultConfig, "--output", output.path])
        XCTAssertEqual(second.status, 0)
        XCTAssertEqual(snapshot(output), files, "a second run must give byte-identical files")
        XCTAssertTrue(second.stdout.contains("unchanged \(output.path)/LambdaStack.template.json"), second.stdout)
        XCTAssertFalse(second.stdout.contains("wrote "), "nothing to write the second time: \(second.stdout)")
        for (name, data) in files {
            XCTAssertEqual(data.last, UInt8(ascii: "\n"), "\(name) ends with a newline")
            XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("\\/"), "\(name) has no escaped slashes")
        }
    }

    func testCommittedTemplatesAreInSync() throws {
        let result = try run(["--config", defaultConfig, "--output", Self.packageRoot.appendingPathComponent("templates").path, "--check"])
        XCTAssertEqual(result.status, 0, "templates/ is stale; run swift run synth: \(result.stderr)")
    }

    func testCheckNamesStaleMissingAndExtraFiles() throws {
        let output = work.appendingPathComponent("out")
        XCTAssertEqual(try run(["--config", defaultConfig, "--output", output.path]).status, 0)
        XCTAssertEqual(try run(["--config", defaultConfig, "--output", output.path, "--check"]).status, 0)
        try Data("{}\n".utf8).write(to: output.appendingPathComponent("S3Stack.template.json"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("manifest.json"))
        try Data("{}\n".utf8).write(to: output.appendingPathComponent("OldStack.template.json"))
        let before = snapshot(output)
        let result = try run(["--config", defaultConfig, "--output", output.path, "--check"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("stale: \(output.path)/S3Stack.template.json"), result.stderr)
        XCTAssertTrue(result.stderr.contains("missing: \(output.path)/manifest.json"), result.stderr)
        XCTAssertTrue(result.stderr.contains("extra: \(output.path)/OldStack.template.json"), result.stderr)
        XCTAssertEqual(snapshot(output), before, "--check writes nothing")
        // A full synth brings the directory back in sync, extra template included.
        XCTAssertEqual(try run(["--config", defaultConfig, "--output", output.path]).status, 0)
        XCTAssertNil(snapshot(output)["OldStack.template.json"])
        XCTAssertEqual(try run(["--config", defaultConfig, "--output", output.path, "--check"]).status, 0)
    }

    func testListShowsDeploymentOrderWithDependencies() throws {
        let result = try run(["--config", defaultConfig, "--list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), [
            "1. LambdaStack",
            "2. S3Stack (after LambdaStack)",
            "3. SentimentEndpointStack (after LambdaStack, S3Stack)",
            "4. MonitoringStack (after LambdaStack, S3Stack, SentimentEndpointStack)",
        ])
        XCTAssertTrue(snapshot(work).keys.allSatisfy { !$0.hasSuffix(".json") || $0 == "config.json" }, "--list writes nothing")
    }

    func testStackOptionWritesOnlyThatStack() throws {
        let output = work.appendingPathComponent("out")
        let result = try run(["--config", defaultConfig, "--output", output.path, "--stack", "S3Stack"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(Set(snapshot(output).keys), ["S3Stack.template.json", "manifest.json"])
        let unknown = try run(["--config", defaultConfig, "--output", output.path, "--stack", "NoSuchStack"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown stack NoSuchStack"), unknown.stderr)
    }

    /// The README embeds `synth --graph`; a change to the app that changes the graph must update it (scripts/readme-graph.sh).
    func testReadmeGraphIsCurrent() throws {
        let result = try run(["--config", defaultConfig, "--graph"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("flowchart LR\n  subgraph LambdaStack\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("SentimentEndpointStack_SentimentExecutionRole ==>|import| S3Stack_ModelBucket"), result.stdout)
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try XCTUnwrap(readme.range(of: "<!-- synth-graph:begin (scripts/readme-graph.sh writes this block) -->\n```mermaid\n"))
        let end = try XCTUnwrap(readme.range(of: "```\n<!-- synth-graph:end -->"))
        XCTAssertEqual(String(readme[begin.upperBound..<end.lowerBound]), result.stdout,
                       "README.md's graph is stale: run scripts/readme-graph.sh and commit README.md")
    }

    func testDiffAgainstCommittedTemplatesAndAChangedImageTag() throws {
        let templates = Self.packageRoot.appendingPathComponent("templates").path
        let same = try run(["--config", defaultConfig, "--diff", templates, "--fail"])
        XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
        XCTAssertTrue(same.stdout.hasSuffix("No differences against \(templates) (4 stacks).\n"), same.stdout)
        let config = try configReplacing("\"tag\": \"2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04\"",
                                         with: "\"tag\": \"2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04-v2\"")
        let changed = try run(["--config", config, "--diff", templates])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertTrue(changed.stdout.contains("~ SentimentModel (AWS::SageMaker::Model) will be REPLACED\n      PrimaryContainer.Image.Fn::Sub[0]: "), changed.stdout)
        XCTAssertTrue(changed.stdout.contains("~ SentimentEndpointConfig (AWS::SageMaker::EndpointConfig) will be REPLACED"), changed.stdout)
        XCTAssertTrue(changed.stdout.contains("~ SentimentEndpoint (AWS::SageMaker::Endpoint) updated in place"), changed.stdout)
        XCTAssertFalse(changed.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        XCTAssertEqual(try run(["--config", config, "--diff", templates, "--fail"]).status, 1)
    }

    func testHelp() throws {
        let result = try run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("Usage: synth"))
        XCTAssertTrue(result.stdout.contains("--check"))
    }

    /// Every bad input: exit code, a message naming the problem, and an output directory left exactly as it was.
    func testBadInputs() throws {
        let output = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try Data("previous\n".utf8).write(to: output.appendingPathComponent("LambdaStack.template.json"))
        let malformed = try writeConfig("{\n  \"registrar\": {\n    \"memoryMiB\": 256,,\n  }\n}\n", name: "malformed.json")
        let invalid = try configReplacing("\"memoryMiB\": 256", with: "\"memoryMiB\": 64")
        let unknownKey = try configReplacing("\"timeoutSeconds\": 30", with: "\"timeoutSecs\": 30")
        let cases: [(name: String, arguments: [String], status: Int32, message: String)] = [
            ("unknown flag", ["--config", defaultConfig, "--output", output.path, "--bogus"], 2, "unknown option --bogus"),
            ("missing value", ["--config"], 2, "--config needs a value"),
            ("conflicting modes", ["--list", "--check"], 2, "cannot be used together"),
            ("missing config", ["--config", work.appendingPathComponent("nope.json").path, "--output", output.path], 2, "nope.json does not exist"),
            ("malformed JSON", ["--config", malformed, "--output", output.path], 1, "line 3, column 22: malformed JSON: expected a key in double quotes"),
            ("validation error", ["--config", invalid, "--output", output.path], 1, "registrar.memoryMiB = 64: must be between 128 and 10240"),
            ("unknown key", ["--config", unknownKey, "--output", output.path], 1, "registrar.timeoutSecs: unknown key"),
        ]
        let before = snapshot(output)
        for testCase in cases {
            let result = try run(testCase.arguments)
            XCTAssertEqual(result.status, testCase.status, "\(testCase.name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(testCase.message), "\(testCase.name): stderr was \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(testCase.name): nothing on stdout")
            XCTAssertEqual(snapshot(output), before, "\(testCase.name): output directory untouched")
        }
    }

    func testUnwritableOutputLeavesDirectoryAsItWas() throws {
        // The output path is a file, not a directory.
        let file = work.appendingPathComponent("not-a-dir")
        try Data("x".utf8).write(to: file)
        let result = try run(["--config", defaultConfig, "--output", file.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("exists and is not a directory"), result.stderr)
        // A directory stands where one template must go: the rename fails after the other files were staged.
        let output = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output.appendingPathComponent("S3Stack.template.json"), withIntermediateDirectories: true)
        try Data("previous\n".utf8).write(to: output.appendingPathComponent("manifest.json"))
        let before = snapshot(output)
        let blocked = try run(["--config", defaultConfig, "--output", output.path])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stderr.contains("cannot write \(output.path)/S3Stack.template.json"), blocked.stderr)
        XCTAssertEqual(snapshot(output), before, "no file changed, no temporary file left")
    }
}
