import Foundation
import JSON
@testable import ResourceGenerator
import XCTest

final class GeneratorTests: XCTestCase {
    func testNaming() {
        XCTAssertEqual(Naming.lowerCamel("BucketName"), "bucketName")
        XCTAssertEqual(Naming.lowerCamel("SSEAlgorithm"), "sseAlgorithm")
        XCTAssertEqual(Naming.lowerCamel("KMSMasterKeyID"), "kmsMasterKeyID")
        XCTAssertEqual(Naming.lowerCamel("S3Key"), "s3Key")
        XCTAssertEqual(Naming.lowerCamel("AES256"), "aes256")
        XCTAssertEqual(Naming.identifier("Protocol"), "`protocol`")
        XCTAssertEqual(Naming.caseName("aws:kms:dsse"), "awsKmsDsse")
        XCTAssertEqual(Naming.caseName("provided.al2023"), "providedAl2023")
        XCTAssertEqual(Naming.typeName("Type"), "TypeValue")
    }

    /// A small inline schema: required vs optional, enum, nested struct, list of structs, map, JSON, read-only attribute.
    func testTypeMappingOfASmallSchema() throws {
        let json: JSON = [
            "typeName": "AWS::Demo::Widget",
            "description": "A widget.",
            "primaryIdentifier": ["/properties/Name"],
            "readOnlyProperties": ["/properties/Arn"],
            "createOnlyProperties": ["/properties/Name"],
            "required": ["Name"],
            "properties": [
                "Name": ["type": "string", "pattern": "^[a-z]+$", "maxLength": 10],
                "Size": ["type": "integer", "minimum": 1, "maximum": 5],
                "Mode": ["type": "string", "enum": ["On", "Off"]],
                "Part": ["$ref": "#/definitions/Part"],
                "Parts": ["type": "array", "minItems": 1, "items": ["$ref": "#/definitions/Part"]],
                "Labels": ["type": "object", "patternProperties": [".*": ["type": "string"]]],
                "Policy": ["type": "object"],
                "Arn": ["type": "string"],
            ],
            "definitions": ["Part": ["type": "object", "required": ["Id"], "properties": ["Id": ["type": "string"]]]],
        ]
        var mapper = TypeMapper(schema: try ResourceSchema(json: json))
        let (resource, nested) = mapper.map()
        let kinds = Dictionary(uniqueKeysWithValues: resource.properties.map { ($0.jsonName, $0.kind) })
        XCTAssertEqual(kinds["Name"], .value("String"))
        XCTAssertEqual(kinds["Size"], .value("Int"))
        XCTAssertEqual(kinds["Mode"], .value("Mode"))
        XCTAssertEqual(kinds["Part"], .structure("Part"))
        XCTAssertEqual(kinds["Parts"], .structures("Part"))
        XCTAssertEqual(kinds["Labels"], .map)
        XCTAssertEqual(kinds["Policy"], .json)
        XCTAssertNil(kinds["Arn"], "read-only properties are attributes, not inputs")
        XCTAssertEqual(resource.properties.first { $0.jsonName == "Name" }?.required, true)
        XCTAssertEqual(resource.enums, [EnumModel(name: "Mode", values: ["On", "Off"])])
        XCTAssertEqual(nested.map(\.name), ["Part"])
        let source = Renderer(schema: try ResourceSchema(json: json), toolVersion: "test").render()
        XCTAssertTrue(source.contains("public var name: Value<String>\n"))
        XCTAssertTrue(source.contains("Changing this property replaces the resource (create-only)."))
        XCTAssertTrue(source.contains("SchemaRules.string(self.name, SchemaRules.at(path, \"Name\"), &issues, pattern: \"^[a-z]+$\", maxLength: 10)"))
        XCTAssertTrue(source.contains("public var attrArn: Value<String> { getAtt(\"Arn\") }"))
        XCTAssertTrue(source.contains("`Ref` returns the Name"))
    }

    func testCheckModeCatchesAHandEdit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["A_B.swift": "// generated (cfn-lint 1.0 x)\nstruct A {}\n", "Namespaces.swift": "// generated (cfn-lint 1.0 x)\n"]
        try Generator.write(files, to: directory)
        XCTAssertEqual(Generator.compare(files, with: directory), [])
        try "// generated (cfn-lint 1.0 x)\nstruct A { var edited = 1 }\n".write(to: directory.appendingPathComponent("A_B.swift"), atomically: true, encoding: .utf8)
        try "extra".write(to: directory.appendingPathComponent("Extra.swift"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("Namespaces.swift"))
        let problems = Generator.compare(files, with: directory)
        XCTAssertTrue(problems.contains { $0.hasPrefix("stale: A_B.swift") }, "\(problems)")
        XCTAssertTrue(problems.contains("missing: Namespaces.swift"), "\(problems)")
        XCTAssertTrue(problems.contains("extra: Extra.swift"), "\(problems)")
    }

    /// The committed code is what the generator makes from the installed cfn-lint's schemas (CI runs the script too).
    func testCommittedCodeIsFresh() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import cfnlint, cfnlint.version, os; print(os.path.join(os.path.dirname(cfnlint.__file__), 'data', 'schemas')); print(cfnlint.version.__version__)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        process.waitUntilExit()
        guard process.terminationStatus == 0, output.count == 2, output[1] == "1.51.0" else {
            throw XCTSkip("cfn-lint 1.51.0 is not installed; scripts/generate-resources.sh --check covers this in CI")
        }
        let files = try Generator(store: SchemaStore(directory: URL(fileURLWithPath: output[0])), toolVersion: output[1]).generate()
        XCTAssertEqual(Generator.compare(files, with: root.appendingPathComponent("Sources/AWSResources/Generated")), [])
    }

    /// The create-only table `synth --diff` reads: nested paths dotted without array wildcards, and the physical-name property.
    func testCreateOnlyTable() throws {
        let widget = try ResourceSchema(json: ["typeName": "AWS::Demo::Widget", "properties": [:],
                                               "createOnlyProperties": ["/properties/WidgetName", "/properties/Container/ModelDataUrl", "/properties/Parts/*/Id"]])
        let plain = try ResourceSchema(json: ["typeName": "AWS::Demo::Plain", "properties": [:]])
        let text = Generator.renderCreateOnlyTable([widget, plain], toolVersion: "9.9.9")
        XCTAssertTrue(text.contains(#""AWS::Demo::Widget": ["Container.ModelDataUrl", "Parts.Id", "WidgetName"],"#), text)
        XCTAssertTrue(text.contains(#""AWS::Demo::Plain": [],"#), text)
        XCTAssertTrue(text.contains(#""AWS::Demo::Widget": "WidgetName","#), text)
        XCTAssertFalse(text.contains(#""AWS::Demo::Plain": ""#), text)
        XCTAssertEqual(Generator.headerVersion(text), "9.9.9")
    }

    /// The schema is read with its order (no JSONSerialization), but properties are emitted alphabetically on purpose:
    /// labelled arguments follow declaration order, so schema order would tie every call site to the upstream file.
    func testSchemaOrderIsReadButPropertiesAreEmittedAlphabetically() throws {
        let text = #"{"typeName": "AWS::Demo::Order", "properties": {"Zeta": {"type": "string"}, "Alpha": {"type": "integer"}, "Mid": {"type": "boolean"}}}"#
        let schema = try ResourceSchema(json: try JSON(parsing: text, options: .strict))
        XCTAssertEqual(schema.properties.keys, ["Zeta", "Alpha", "Mid"], "the schema's own order is kept")
        var mapper = TypeMapper(schema: schema)
        XCTAssertEqual(mapper.map().resource.properties.map(\.jsonName), ["Alpha", "Mid", "Zeta"])
        let source = Renderer(schema: schema, toolVersion: "t").render()
        XCTAssertTrue(source.contains("public init(alpha: Value<Int>? = nil, mid: Value<Bool>? = nil, zeta: Value<String>? = nil)"), source)
        XCTAssertThrowsError(try JSON(parsing: #"{"typeName": "A", "typeName": "B"}"#, options: .strict), "a schema with a repeated key is refused")
    }
}
