import CloudFormation

/// The registry schema's rules, applied at synth time to literal values (intrinsics are only known at deploy time).
/// Generated code calls these, one line per property that has rules, with the property's `PropertyPath`.
public enum SchemaRules {
    /// `Parent.Child`, or `Child` at the top.
    public static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The path of property `name` of the structure at `path`, joined only if a rule reports it.
    public static func at(_ path: String, _ name: String) -> PropertyPath { PropertyPath(parent: path, name: name) }

    /// A required property given an explicit JSON `null` (leaving it out is caught by the compiler).
    public static func required(_ node: TemplateValue, _ path: PropertyPath, _ issues: inout [PropertyIssue]) {
        if case .null = node { issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "is required")) }
    }

    /// A closed string enum given a literal outside it (possible through `Value(node:)`).
    public static func allowed<E: TemplateEnum>(_ value: Value<E>?, _ path: PropertyPath, _ issues: inout [PropertyIssue]) {
        guard let node = value?.node, node.isLiteral, value?.literal == nil else { return }
        issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))"))
    }

    /// The literal items of a list of enum strings (`Architectures[0]`).
    public static func itemsAllowed(_ node: TemplateValue?, _ path: PropertyPath, _ issues: inout [PropertyIssue], _ allowed: [String]) {
        guard case .array(let elements)? = node else { return }
        for (index, element) in elements.enumerated() where element.isLiteral {
            if case .string(let text) = element, allowed.contains(text) { continue }
            issues.append(PropertyIssue(property: "\(path)[\(index)]", value: element.debugDescription, rule: "must be one of \(allowed.joined(separator: ", "))"))
        }
    }

    /// Pattern (a JSON-schema pattern: a search, not anchored unless it says so) and lengths in Unicode scalars.
    public static func string(_ value: Value<String>?, _ path: PropertyPath, _ issues: inout [PropertyIssue],
                              pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil) {
        guard let node = value?.node, node.isLiteral, let text = value?.literal else { return }
        let length = text.unicodeScalars.count
        if let minLength, length < minLength {
            issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "length must be at least \(minLength)"))
        }
        if let maxLength, length > maxLength {
            issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "length must be at most \(maxLength)"))
        }
        if let pattern, PatternMatcher.firstMatchExists(pattern, in: text) == false {
            issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "must match pattern \(pattern)"))
        }
    }

    /// Minimum and maximum of an integer or number.
    public static func number<T>(_ value: Value<T>?, _ path: PropertyPath, _ issues: inout [PropertyIssue], minimum: Double? = nil, maximum: Double? = nil) {
        guard let node = value?.node, node.isLiteral else { return }
        let number: Double
        switch node {
        case .integer(let i): number = Double(i)
        case .double(let d): number = d
        default: return
        }
        if let minimum, number < minimum {
            issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "must be at least \(format(minimum))"))
        }
        if let maximum, number > maximum {
            issues.append(PropertyIssue(property: path.description, value: node.debugDescription, rule: "must be at most \(format(maximum))"))
        }
    }

    /// Item counts of a literal list (a list value whose items may be intrinsics still has a known count).
    public static func items(_ node: TemplateValue?, _ path: PropertyPath, _ issues: inout [PropertyIssue], minItems: Int?, maxItems: Int?) {
        guard case .array(let elements)? = node else { return }
        Self.items(elements.count, path, &issues, minItems: minItems, maxItems: maxItems)
    }

    public static func items(_ count: Int?, _ path: PropertyPath, _ issues: inout [PropertyIssue], minItems: Int?, maxItems: Int?) {
        guard let count else { return }
        if let minItems, count < minItems {
            issues.append(PropertyIssue(property: path.description, value: "\(count) items", rule: "must have at least \(minItems) item\(minItems == 1 ? "" : "s")"))
        }
        if let maxItems, count > maxItems {
            issues.append(PropertyIssue(property: path.description, value: "\(count) items", rule: "must have at most \(maxItems) item\(maxItems == 1 ? "" : "s")"))
        }
    }

    /// Pattern and lengths of each literal string item of a list (`Layers[1]`); intrinsic items are skipped.
    public static func stringItems(_ node: TemplateValue?, _ path: PropertyPath, _ issues: inout [PropertyIssue],
                                   pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil) {
        guard case .array(let elements)? = node else { return }
        for (index, element) in elements.enumerated() {
            guard case .string = element else { continue }
            string(Value<String>(node: element), PropertyPath(parent: "", name: "\(path)[\(index)]"), &issues, pattern: pattern, minLength: minLength, maxLength: maxLength)
        }
    }

    /// `uniqueItems`: a literal item that repeats an earlier one.
    public static func uniqueItems(_ node: TemplateValue?, _ path: PropertyPath, _ issues: inout [PropertyIssue]) {
        guard case .array(let elements)? = node else { return }
        var seen = Set<String>()
        for (index, element) in elements.enumerated() where element.isLiteral {
            if !seen.insert(element.debugDescription).inserted {
                issues.append(PropertyIssue(property: "\(path)[\(index)]", value: element.debugDescription, rule: "items must be unique"))
            }
        }
    }

    /// The keys of a map (`patternProperties`), such as SSM parameter tags; reported at `Tags.<key>`.
    public static func keys(_ map: [String: Value<String>]?, _ path: PropertyPath, _ issues: inout [PropertyIssue], pattern: String) {
        guard let map, PatternMatcher.isValid(pattern) else { return }
        for key in map.keys.sorted() where PatternMatcher.firstMatchExists(pattern, in: key) == false {
            issues.append(PropertyIssue(property: join(path.description, key), value: TemplateValue.string(key).debugDescription, rule: "key must match pattern \(pattern)"))
        }
    }

    /// Whether a property is set: `nil` when only deploy time knows (`Fn::If`, `AWS::NoValue`).
    public static func isSet<T>(_ value: Value<T>?) -> Bool? { isSet(value?.node) }

    public static func isSet(_ node: TemplateValue?) -> Bool? {
        switch node {
        case nil, .null?: return false
        case .if?, .pseudo(.noValue)?: return nil
        default: return true
        }
    }

    public static func isSet<S>(_ value: S?) -> Bool? { value != nil }

    /// `requiredXor` and `oneOf` of single `required`s: exactly one of the properties is set.
    public static func exactlyOne(_ members: [(String, Bool?)], _ path: String, _ issues: inout [PropertyIssue]) {
        presence(members, path, &issues, atMostOne: true)
    }

    /// `anyOf` of single `required`s: at least one of the properties is set.
    public static func atLeastOne(_ members: [(String, Bool?)], _ path: String, _ issues: inout [PropertyIssue]) {
        presence(members, path, &issues, atMostOne: false)
    }

    private static func presence(_ members: [(String, Bool?)], _ path: String, _ issues: inout [PropertyIssue], atMostOne: Bool) {
        var set: [String] = []
        for (name, isSet) in members {
            guard let isSet else { return }
            if isSet { set.append(name) }
        }
        guard set.isEmpty || (atMostOne && set.count > 1) else { return }
        let names = members.map { $0.0 }
        let property = join(path, names.joined(separator: "|"))
        if set.isEmpty {
            issues.append(PropertyIssue(property: property, value: "none set",
                                        rule: "\(atMostOne ? "exactly" : "at least") one of \(names.joined(separator: ", ")) must be set"))
        } else if atMostOne, set.count > 1 {
            issues.append(PropertyIssue(property: property, value: set.joined(separator: " and ") + " set",
                                        rule: "exactly one of \(names.joined(separator: ", ")) must be set"))
        }
    }

    /// Whether NSRegularExpression accepts a schema pattern (some use syntax it does not know; those are not enforced).
    public static func compiles(_ pattern: String) -> Bool { PatternMatcher.isValid(pattern) }

    private static func format(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}

/// A property's path in a resource (`VersioningConfiguration.Status`) as its parent's path and its name: generated
/// validation makes one for every property it checks, and the text is only needed when a rule reports a value.
public struct PropertyPath: CustomStringConvertible, Sendable {
    public let parent: String
    public let name: String

    public init(parent: String, name: String) {
        self.parent = parent
        self.name = name
    }

    public var description: String { SchemaRules.join(parent, name) }
}
