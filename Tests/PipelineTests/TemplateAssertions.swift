import Foundation
@testable import Pipeline
import XCTest

/// A JSON value read back from a template's text, with booleans and numbers kept apart
/// (Foundation's JSONSerialization bridges both to NSNumber on Linux).
indirect enum JSON: Equatable {
    case string(String), number(Double), bool(Bool), null, array([JSON]), object([String: JSON])

    init(parsing text: String) throws {
        self.init(try ConfigJSON.parse(text))
    }

    init(_ located: ConfigJSON.Located) {
        switch located.node {
        case .string(let s): self = .string(s)
        case .number(let n, _): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .array(let items): self = .array(items.map(JSON.init))
        case .object(let members): self = .object(Dictionary(members.map { ($0.key, JSON($0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    subscript(key: String) -> JSON? { if case .object(let o) = self { o[key] } else { nil } }
    subscript(index: Int) -> JSON? { if case .array(let a) = self, a.indices.contains(index) { a[index] } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
    var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
}

/// Assertions on a synthesized template, read back from its JSON text as CloudFormation reads it.
///
/// Matching is partial where it says so: `objectLike` accepts extra keys, `arrayWith` accepts extra
/// items in any order; literals must be equal. Modelled on AWS CDK's `Template` and `Match`.
struct Template {
    let json: JSON

    init(body: String) throws {
        json = try JSON(parsing: body)
    }

    var resources: [String: JSON] { json["Resources"]?.object ?? [:] }
    var outputs: [String: JSON] { json["Outputs"]?.object ?? [:] }
    var parameters: [String: JSON] { json["Parameters"]?.object ?? [:] }

    /// Resources of a type whose `Properties` match `properties` (partially), by logical ID.
    func findResources(type: String, properties: Any? = nil) -> [String: JSON] {
        resources.filter { _, resource in
            guard resource["Type"]?.string == type else { return false }
            guard let properties else { return true }
            return Match.matches(properties, resource["Properties"] ?? .object([:]))
        }
    }

    func resourceCount(type: String) -> Int { findResources(type: type).count }

    /// Fails unless exactly `count` resources of the type exist.
    func resourceCountIs(_ type: String, _ count: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(resourceCount(type: type), count, "number of \(type) resources", file: file, line: line)
    }

    /// Fails unless some resource of the type has properties matching `properties`; shows the candidates when none does.
    func hasResource(type: String, properties: Any, file: StaticString = #filePath, line: UInt = #line) {
        if !findResources(type: type, properties: properties).isEmpty { return }
        let candidates = findResources(type: type).map { "\($0.key): \($0.value["Properties"].map(Match.render) ?? "{}")" }
        XCTFail("no \(type) matches \(Match.render(properties)); candidates:\n" + candidates.joined(separator: "\n"), file: file, line: line)
    }

    /// The single resource of a type, or a failure.
    func onlyResource(type: String, file: StaticString = #filePath, line: UInt = #line) throws -> (id: String, properties: JSON) {
        let found = findResources(type: type)
        XCTAssertEqual(found.count, 1, "expected exactly one \(type)", file: file, line: line)
        let entry = try XCTUnwrap(found.first, file: file, line: line)
        return (entry.key, entry.value["Properties"] ?? .object([:]))
    }
}

/// Partial matchers.
enum Match {
    /// An object with at least these keys, each matching.
    struct ObjectLike { let pattern: [String: Any] }
    /// An array containing items matching each pattern, in any order.
    struct ArrayWith { let patterns: [Any] }
    /// Any value at all (the key must still be present).
    struct AnyValue {}
    /// The key must be absent.
    struct Absent {}

    static func objectLike(_ pattern: [String: Any]) -> ObjectLike { ObjectLike(pattern: pattern) }
    static func arrayWith(_ patterns: [Any]) -> ArrayWith { ArrayWith(patterns: patterns) }
    static let anyValue = AnyValue()
    static let absent = Absent()

    static func matches(_ pattern: Any, _ actual: JSON) -> Bool {
        switch pattern {
        case is AnyValue: return true
        case let objectLike as ObjectLike:
            guard case .object(let object) = actual else { return false }
            return objectLike.pattern.allSatisfy { key, value in
                if value is Absent { return object[key] == nil }
                guard let actualValue = object[key] else { return false }
                return matches(value, actualValue)
            }
        case let arrayWith as ArrayWith:
            guard case .array(let array) = actual else { return false }
            return arrayWith.patterns.allSatisfy { pattern in array.contains { matches(pattern, $0) } }
        case let object as [String: Any]:
            // A plain dictionary matches partially, like CDK's hasResourceProperties.
            return matches(ObjectLike(pattern: object), actual)
        case let array as [Any]:
            guard case .array(let items) = actual, items.count == array.count else { return false }
            return zip(array, items).allSatisfy { matches($0, $1) }
        case let json as JSON: return json == actual
        case let string as String: return actual == .string(string)
        case let bool as Bool: return actual == .bool(bool)
        case let int as Int: return actual == .number(Double(int))
        case let double as Double: return actual == .number(double)
        default: return false
        }
    }

    static func render(_ value: Any) -> String {
        switch value {
        case let objectLike as ObjectLike: return "objectLike(\(render(objectLike.pattern)))"
        case let arrayWith as ArrayWith: return "arrayWith(\(render(arrayWith.patterns)))"
        case is AnyValue: return "anyValue"
        case is Absent: return "absent"
        case let json as JSON:
            switch json {
            case .string(let s): return "\"\(s)\""
            case .number(let n): return n.rounded() == n ? String(Int(n)) : String(n)
            case .bool(let b): return String(b)
            case .null: return "null"
            case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
            case .object(let members): return "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(render($0.value))" }.joined(separator: ", ") + "}"
            }
        case let object as [String: Any]: return "{" + object.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(render($0.value))" }.joined(separator: ", ") + "}"
        case let array as [Any]: return "[" + array.map(render).joined(separator: ", ") + "]"
        case let string as String: return "\"\(string)\""
        default: return String(describing: value)
        }
    }
}
