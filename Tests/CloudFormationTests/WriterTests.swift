@testable import CloudFormation
import Foundation
import XCTest

final class JSONWriterTests: XCTestCase {
    func testEscapingNumbersOrderAndNewline() throws {
        var controls = ""
        for code in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(code)!) }
        let tricky = "quote\" backslash\\ slash/ emoji😀 é \u{2028} " + controls
        let value: TemplateValue = ["z": .string(tricky), "a": 3, "m": .double(0.1), "big": .double(1e21), "whole": 2.0.templateValue, "list": [], "obj": [:]]
        let text = JSONWriter.write(value)
        XCTAssertEqual(text, JSONWriter.write(value), "same input, same bytes")
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertFalse(text.contains("\\/"))
        XCTAssertTrue(text.contains("slash/"))
        XCTAssertTrue(text.contains("emoji😀 é"))
        XCTAssertTrue(text.contains("\\u0000\\u0001"))
        XCTAssertTrue(text.contains("\\b\\t\\n\\u000b\\f\\r"))
        XCTAssertTrue(text.contains("\"a\": 3,"))
        XCTAssertTrue(text.contains("\"whole\": 2,"))
        XCTAssertTrue(text.contains("\"m\": 0.1,"))
        XCTAssertTrue(text.contains("\"list\": [],"))
        XCTAssertTrue(text.contains("\"obj\": {}"))
        XCTAssertLessThan(text.range(of: "\"z\"")!.lowerBound, text.range(of: "\"a\"")!.lowerBound, "keys keep their order")
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        XCTAssertEqual(back["z"] as? String, tricky)
        XCTAssertEqual(JSONWriter.formatNumber(1e-7), "1e-07")
        XCTAssertEqual(JSONWriter.formatNumber(.nan), "null")
    }
}

final class TemplateDirectoryTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func synthesis(_ names: [String], name: String = "a") throws -> Synthesis {
        let app = App()
        for stack in names { Resource(Stack(app, stack), "Q", TestQueue(queueName: Value(name))) }
        return try app.synthesize()
    }

    func contents() -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Dictionary(uniqueKeysWithValues: names.map { ($0, FileManager.default.contents(atPath: directory.appendingPathComponent($0).path) ?? Data("<directory>".utf8)) })
    }

    func testWriteCompareAndPrune() throws {
        let first = try synthesis(["One", "Two"])
        try TemplateDirectory.write(first, to: directory, pruneExtra: true)
        XCTAssertEqual(Set(contents().keys), ["One.template.json", "Two.template.json", "manifest.json"])
        XCTAssertTrue(TemplateDirectory.compare(first, with: directory, pruneExtra: true).isEmpty)
        let changed = try synthesis(["One", "Three"], name: "b")
        let difference = TemplateDirectory.compare(changed, with: directory, pruneExtra: true)
        XCTAssertEqual(difference.stale, ["One.template.json", "manifest.json"])
        XCTAssertEqual(difference.missing, ["Three.template.json"])
        XCTAssertEqual(difference.extra, ["Two.template.json"])
        try TemplateDirectory.write(changed, to: directory, pruneExtra: true)
        XCTAssertEqual(Set(contents().keys), ["One.template.json", "Three.template.json", "manifest.json"])
    }

    func testFailedWriteLeavesDirectoryExactlyAsItWas() throws {
        try TemplateDirectory.write(try synthesis(["One", "Two"]), to: directory, pruneExtra: true)
        // A directory where a new template must go makes its rename fail after the others were renamed.
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Two.template.json.d"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("Two.template.json"))
        try FileManager.default.moveItem(at: directory.appendingPathComponent("Two.template.json.d"), to: directory.appendingPathComponent("Two.template.json"))
        let before = contents()
        XCTAssertThrowsError(try TemplateDirectory.write(try synthesis(["One", "Two"], name: "b"), to: directory, pruneExtra: true)) { error in
            XCTAssertTrue("\(error)".contains("Two.template.json"))
        }
        XCTAssertEqual(contents(), before, "One.template.json restored, no temporary or backup file left")
    }
}
