import Foundation
import Testing
@testable import CloudFormation

/// A tiny test-only resource type, so these tests do not depend on the generated AWSResources.
struct TestQueue: ResourceProperties {
    static let resourceType = "AWS::SQS::Queue"
    static let attributeNames: Set<String> = ["Arn", "QueueName", "QueueUrl"]

    var queueName: Value<String>?
    var delaySeconds: Value<Int>?
    /// Extra properties, written after the typed ones in the order given.
    var extra: [(String, TemplateValue)]

    init(queueName: Value<String>? = nil, delaySeconds: Value<Int>? = nil, extra: [(String, TemplateValue)] = []) {
        self.queueName = queueName
        self.delaySeconds = delaySeconds
        self.extra = extra
    }

    func templateProperties() -> TemplateValue {
        var members: [(String, TemplateValue)] = []
        if let queueName { members.append(("QueueName", queueName.node)) }
        if let delaySeconds { members.append(("DelaySeconds", delaySeconds.node)) }
        members += extra
        return .object(members)
    }

    func validate(_ issues: inout [PropertyIssue]) {
        if let delay = delaySeconds?.literal, !(0...900).contains(delay) {
            issues.append(PropertyIssue(property: "DelaySeconds", value: String(delay), rule: "must be between 0 and 900"))
        }
    }
}

typealias Queue = Resource<TestQueue>

/// A plain grouping construct (an "L2" stand-in).
final class Group: Construct {}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// The synthesis errors, or a test failure when synthesis succeeds.
func synthesisErrors(_ app: App, sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try app.synthesize()
        Issue.record("expected synthesis to fail", sourceLocation: sourceLocation)
        return []
    } catch let error as SynthesisError {
        return error.errors
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return []
    }
}

func artifact(_ synthesis: Synthesis, _ name: String) throws -> StackArtifact {
    guard let stack = synthesis.stacks.first(where: { $0.name == name }) else { throw TestFailure(description: "no stack \(name)") }
    return stack
}

/// A stack's template, parsed with Foundation (independent of JSONWriter).
func parsedTemplate(_ synthesis: Synthesis, _ name: String) throws -> [String: Any] {
    let body = try artifact(synthesis, name).body
    guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
        throw TestFailure(description: "template \(name) is not an object")
    }
    return object
}

/// A JSON value in a canonical form (sorted keys), for comparing structures.
func canonical(_ value: Any?) -> String {
    guard let value else { return "<missing>" }
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
        return "<not JSON: \(value)>"
    }
    return String(decoding: data, as: UTF8.self)
}

func canonical(json: String) -> String {
    guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else {
        return "<invalid expected JSON: \(json)>"
    }
    return canonical(value)
}

/// Expects `actual` (a parsed JSON value) to equal the JSON text `expected`.
func expectJSON(_ actual: Any?, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(canonical(actual) == canonical(json: expected), sourceLocation: sourceLocation)
}

extension Dictionary where Key == String, Value == Any {
    /// Walks nested objects by key.
    subscript(path keys: String...) -> Any? {
        var current: Any? = self
        for key in keys {
            current = (current as? [String: Any])?[key]
        }
        return current
    }
}

/// An app with one stack named `Main` holding the given queue properties as resource `Q`, synthesized;
/// returns the parsed `Properties` of `Q`.
func properties(of build: (Stack) -> TestQueue) throws -> [String: Any] {
    let app = App()
    let stack = Stack(app, "Main")
    _ = Queue(stack, "Q", build(stack))
    let template = try parsedTemplate(try app.synthesize(), "Main")
    guard let properties = template[path: "Resources", "Q", "Properties"] as? [String: Any] else {
        throw TestFailure(description: "no properties")
    }
    return properties
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cfn-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every file below a directory (including hidden ones) with its bytes; directories map to nil.
func snapshot(_ directory: URL) -> [String: Data?] {
    var result: [String: Data?] = [:]
    let fileManager = FileManager.default
    guard let enumerator = fileManager.enumerator(atPath: directory.path) else { return result }
    while let relative = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = directory.appendingPathComponent(relative).path
        _ = fileManager.fileExists(atPath: full, isDirectory: &isDirectory)
        result.updateValue(isDirectory.boolValue ? nil : fileManager.contents(atPath: full), forKey: relative)
    }
    return result
}
