import CloudFormation

/// A synthesized CloudFormation template to assert on, modelled on AWS CDK's `Template` (`assertions` module).
///
/// Assertions throw a `TemplateAssertionError` instead of calling a test framework, so they work the same from
/// XCTest (`func testX() throws { try template.hasResourceProperties(…) }`) and Swift Testing (`@Test func x() throws`):
/// the thrown error fails the test with its message, which names the closest candidate and each mismatching path.
public struct Template {
    /// The whole template as read back from its JSON text.
    public let json: TemplateValue

    /// Reads a template from its JSON text (for example a file written by `synth`).
    public init(json text: String) throws(TemplateAssertionError) {
        do {
            json = try TemplateJSON.parse(text)
        } catch {
            throw TemplateAssertionError("the template is not valid JSON: \(error.description)")
        }
        guard case .object = json else { throw TemplateAssertionError("the template is not a JSON object") }
    }

    /// The template of one synthesized stack.
    public init(artifact: StackArtifact) throws(TemplateAssertionError) {
        try self.init(json: artifact.body)
    }

    /// Synthesizes the stack's app (validating every stack, as `synth` does) and reads this stack's template.
    /// Throws the `SynthesisError` when the app does not synthesize.
    public init(stack: Stack) throws {
        guard let app = stack.app else { throw TemplateAssertionError("stack \(stack.path) is not in an App") }
        let synthesis = try app.synthesize()
        guard let artifact = synthesis.stacks.first(where: { $0.name == stack.stackName }) else {
            throw TemplateAssertionError("stack \(stack.stackName) was not synthesized")
        }
        try self.init(artifact: artifact)
    }

    private func section(_ name: String) -> [(String, TemplateValue)] {
        if case .object(let members)? = json[name] { return members }
        return []
    }

    /// Resources by logical ID, in template order.
    public var resources: [(logicalId: String, value: TemplateValue)] { section("Resources").map { ($0.0, $0.1) } }

    /// The resource with this logical ID (`Type`, `Properties`, `DependsOn` …), if any.
    public func resource(_ logicalId: String) -> TemplateValue? { json["Resources"]?[logicalId] }

    /// Resources of `type` that match `pattern` (against the whole resource: `["Properties": […]]`), by logical ID.
    public func findResources(_ type: String, _ pattern: Matcher? = nil) -> [String: TemplateValue] {
        var found: [String: TemplateValue] = [:]
        for (id, value) in resources where value["Type"]?.stringValue == type && (pattern?.matches(value) ?? true) { found[id] = value }
        return found
    }

    /// Outputs whose logical ID is `logicalId` (`"*"`: any) and that match `pattern`.
    public func findOutputs(_ logicalId: String = "*", _ pattern: Matcher? = nil) -> [String: TemplateValue] {
        var found: [String: TemplateValue] = [:]
        for (id, value) in section("Outputs") where (logicalId == "*" || id == logicalId) && (pattern?.matches(value) ?? true) {
            found[id] = value
        }
        return found
    }

    /// Fails unless the template has exactly `count` resources of `type`.
    public func resourceCountIs(_ type: String, _ count: Int) throws(TemplateAssertionError) {
        let found = resources.filter { $0.value["Type"]?.stringValue == type }
        if found.count != count {
            let ids = found.map(\.logicalId).joined(separator: ", ")
            throw TemplateAssertionError("expected \(count) resources of type \(type), found \(found.count)" + (ids.isEmpty ? "" : ": \(ids)"))
        }
    }

    /// Fails unless some resource of `type` has `Properties` matching `pattern` (extra keys allowed at every depth).
    public func hasResourceProperties(_ type: String, _ pattern: Matcher) throws(TemplateAssertionError) {
        let candidates = resources.filter { $0.value["Type"]?.stringValue == type }
            .map { (id: $0.logicalId, value: $0.value["Properties"] ?? .object([])) }
        try expectSome(candidates, pattern, what: "\(type) resource whose Properties", root: "Properties", kind: "resources of type \(type)")
    }

    /// Fails unless some resource of `type` matches `pattern` as a whole (`Properties`, `DependsOn`, `DeletionPolicy` …).
    public func hasResource(_ type: String, _ pattern: Matcher) throws(TemplateAssertionError) {
        let candidates = resources.filter { $0.value["Type"]?.stringValue == type }.map { (id: $0.logicalId, value: $0.value) }
        try expectSome(candidates, pattern, what: "\(type) resource that", root: "", kind: "resources of type \(type)")
    }

    /// Fails unless an output with this logical ID (`"*"`: any) matches `pattern` (`["Value": …, "Export": …]`).
    public func hasOutput(_ logicalId: String, _ pattern: Matcher) throws(TemplateAssertionError) {
        let candidates = section("Outputs").filter { logicalId == "*" || $0.0 == logicalId }.map { (id: $0.0, value: $0.1) }
        try expectSome(candidates, pattern, what: "output \(logicalId == "*" ? "" : logicalId + " ")that", root: "",
                       kind: logicalId == "*" ? "outputs" : "outputs named \(logicalId)")
    }

    /// Fails unless a parameter with this logical ID (`"*"`: any) matches `pattern` (`["Type": …, "Default": …]`).
    public func hasParameter(_ logicalId: String, _ pattern: Matcher) throws(TemplateAssertionError) {
        let candidates = section("Parameters").filter { logicalId == "*" || $0.0 == logicalId }.map { (id: $0.0, value: $0.1) }
        try expectSome(candidates, pattern, what: "parameter \(logicalId == "*" ? "" : logicalId + " ")that", root: "",
                       kind: logicalId == "*" ? "parameters" : "parameters named \(logicalId)")
    }

    /// Fails unless the whole template matches `pattern` (extra keys allowed).
    public func templateMatches(_ pattern: Matcher) throws(TemplateAssertionError) {
        try Template.expect(json, matches: pattern)
    }

    /// Fails unless `value` (for example a property taken from `resource(_:)`) matches `pattern`; the error lists every mismatching path.
    public static func expect(_ value: TemplateValue?, matches pattern: Matcher, at path: String = "") throws(TemplateAssertionError) {
        guard let value else { throw TemplateAssertionError("\(path.isEmpty ? "value" : path): missing (expected \(pattern.description))") }
        let mismatches = pattern.mismatches(value, path: path)
        if !mismatches.isEmpty {
            throw TemplateAssertionError("value does not match \(pattern.description):\n" + mismatches.map { "  \($0)" }.joined(separator: "\n"),
                                         mismatches: mismatches)
        }
    }

    /// Passes when one candidate matches; otherwise names the closest (smallest distance, then first in template order).
    private func expectSome(_ candidates: [(id: String, value: TemplateValue)], _ pattern: Matcher, what: String, root: String,
                            kind: String) throws(TemplateAssertionError) {
        guard !candidates.isEmpty else {
            let types = Set(resources.compactMap { $0.value["Type"]?.stringValue }).sorted()
            throw TemplateAssertionError("the template has no \(kind)" + (kind.hasPrefix("resources") ? " (types present: \(types.joined(separator: ", ")))" : ""))
        }
        // Closeness: a key that is there with another value counts 1, a missing key 2 (it is further away).
        // An arrayWith header that is followed by its closest item's mismatches counts 0 (those count instead).
        func distance(_ mismatches: [Mismatch]) -> Int {
            mismatches.reduce(0) { $0 + ($1.message.hasSuffix("; closest item:") ? 0 : $1.message.hasPrefix("missing") ? 2 : 1) }
        }
        var closest: (id: String, mismatches: [Mismatch])?
        for candidate in candidates {
            let mismatches = pattern.mismatches(candidate.value, path: root)
            if mismatches.isEmpty { return }
            if closest == nil || distance(mismatches) < distance(closest!.mismatches) { closest = (candidate.id, mismatches) }
        }
        let best = closest!
        let count = best.mismatches.count == 1 ? "1 mismatch" : "\(best.mismatches.count) mismatches"
        throw TemplateAssertionError(
            "no \(what) match\(what.hasSuffix("that") ? "es" : "") the pattern (\(candidates.count) candidate\(candidates.count == 1 ? "" : "s")); closest is \(best.id) with \(count):\n"
                + best.mismatches.map { "  \($0)" }.joined(separator: "\n") + "\n  pattern: \(pattern.description)",
            closest: best.id, mismatches: best.mismatches)
    }
}

/// An assertion on a template failed. Its description says what was looked for, the closest candidate and each mismatching path.
public struct TemplateAssertionError: Error, CustomStringConvertible {
    public let message: String
    /// The logical ID of the closest candidate, when there was one.
    public let closest: String?
    /// The closest candidate's mismatches (or the value's, for `Template.expect`).
    public let mismatches: [Mismatch]

    init(_ message: String, closest: String? = nil, mismatches: [Mismatch] = []) {
        self.message = message
        self.closest = closest
        self.mismatches = mismatches
    }

    public var description: String { message }
}
