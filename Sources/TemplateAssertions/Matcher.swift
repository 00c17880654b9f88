import CloudFormation

/// A pattern that a template value is matched against, written as Swift literals with `Match` helpers mixed in:
/// `["BucketEncryption": Match.anyValue, "Tags": Match.arrayWith([["Key": "Project", "Value": "demo"]])]`.
///
/// Literal objects match partially or exactly depending on where they stand (as in AWS CDK): inside
/// `hasResourceProperties`, `hasResource`, `hasOutput` and `Match.objectLike` extra keys are allowed at every
/// depth; inside `Match.objectEquals` and `Match.exact` they are not. Literal arrays always need the same
/// items in the same order (use `Match.arrayWith` for a subsequence).
public struct Matcher: CustomStringConvertible {
    indirect enum Kind {
        case literal(TemplateValue)
        case object([(String, Matcher)])
        case array([Matcher])
        case objectLike([(String, Matcher)])
        case objectEquals([(String, Matcher)])
        case arrayWith([Matcher])
        case exact(Matcher)
        case absent
        case anyValue
        case regexp(String)
        case not(Matcher)
    }

    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    /// Matches a value read from a template (an object is a literal object: partial or exact by context).
    public init(_ value: TemplateValue) {
        switch value {
        case .object(let members): kind = .object(members.map { ($0.0, Matcher($0.1)) })
        case .array(let items): kind = .array(items.map(Matcher.init))
        default: kind = .literal(value)
        }
    }

    /// True when `value` matches (objects partially, as in `hasResourceProperties`).
    public func matches(_ value: TemplateValue) -> Bool { mismatches(value).isEmpty }

    /// Every place where `value` does not match, with its path below `path`; empty when it matches.
    public func mismatches(_ value: TemplateValue, path: String = "") -> [Mismatch] {
        var result: [Mismatch] = []
        MatchEngine.match(self, value, path: path, partial: true, into: &result)
        return result
    }

    /// A short rendering for failure messages.
    public var description: String {
        switch kind {
        case .literal(let value): TemplateJSON.compact(value)
        case .object(let members): "{" + members.map { "\"\($0.0)\": \($0.1.description)" }.joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .objectLike(let members): "objectLike(\(Matcher(.object(members)).description))"
        case .objectEquals(let members): "objectEquals(\(Matcher(.object(members)).description))"
        case .arrayWith(let items): "arrayWith(\(Matcher(.array(items)).description))"
        case .exact(let inner): "exact(\(inner.description))"
        case .absent: "absent"
        case .anyValue: "anyValue"
        case .regexp(let pattern): "stringLikeRegexp(\(pattern))"
        case .not(let inner): "not(\(inner.description))"
        }
    }
}

extension Matcher: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { kind = .literal(.string(value)) }
    public init(integerLiteral value: Int) { kind = .literal(.integer(value)) }
    public init(floatLiteral value: Double) { kind = .literal(.double(value)) }
    public init(booleanLiteral value: Bool) { kind = .literal(.bool(value)) }
    public init(arrayLiteral elements: Matcher...) { kind = .array(elements) }
    public init(dictionaryLiteral elements: (String, Matcher)...) { kind = .object(elements) }
    public init(nilLiteral: ()) { kind = .literal(.null) }
}

/// The matchers that are not plain literals, named as in AWS CDK's `Match`.
public enum Match {
    /// An object with at least these keys (others allowed), nested literal objects matched the same way.
    public static func objectLike(_ pattern: KeyValuePairs<String, Matcher>) -> Matcher { Matcher(.objectLike(pattern.map { ($0.key, $0.value) })) }
    /// An object with exactly these keys, nested literal objects exact too.
    public static func objectEquals(_ pattern: KeyValuePairs<String, Matcher>) -> Matcher { Matcher(.objectEquals(pattern.map { ($0.key, $0.value) })) }
    /// An array that contains items matching each pattern, in this order, other items allowed in between.
    public static func arrayWith(_ patterns: [Matcher]) -> Matcher { Matcher(.arrayWith(patterns)) }
    /// The value exactly as written: no extra keys at any depth.
    public static func exact(_ pattern: Matcher) -> Matcher { Matcher(.exact(pattern)) }
    /// The key must not be present (only meaningful as an object member).
    public static var absent: Matcher { Matcher(.absent) }
    /// Any value other than null; the key must be present.
    public static var anyValue: Matcher { Matcher(.anyValue) }
    /// A string in which the regular expression finds a match (anchor it with `^…$` for a whole match).
    public static func stringLikeRegexp(_ pattern: String) -> Matcher { Matcher(.regexp(pattern)) }
    /// Anything that does not match `pattern`.
    public static func not(_ pattern: Matcher) -> Matcher { Matcher(.not(pattern)) }
}

/// One place where a value does not match its pattern.
public struct Mismatch: CustomStringConvertible, Equatable, Sendable {
    /// Where, as a property path: `Properties.VersioningConfiguration.Status`, `Tags[1].Value`.
    public var path: String
    /// What was expected and what was found.
    public var message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

enum MatchEngine {
    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func kindName(_ value: TemplateValue) -> String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .double: "a number"
        case .bool: "a boolean"
        case .null: "null"
        default: "an intrinsic"
        }
    }

    /// Matches `actual` (nil: the key is missing) against `matcher`, adding every mismatch found.
    static func match(_ matcher: Matcher, _ actual: TemplateValue?, path: String, partial: Bool, into out: inout [Mismatch]) {
        switch matcher.kind {
        case .absent:
            if let actual { out.append(Mismatch(path: path, message: "expected absent, found \(TemplateJSON.compact(actual))")) }
            return
        case .anyValue:
            if actual == nil { out.append(Mismatch(path: path, message: "missing (expected any value)")) }
            else if case .null? = actual { out.append(Mismatch(path: path, message: "expected any value, found null")) }
            return
        case .not(let inner):
            var inside: [Mismatch] = []
            match(inner, actual, path: path, partial: partial, into: &inside)
            if inside.isEmpty {
                out.append(Mismatch(path: path, message: "expected not \(inner.description), found \(actual.map { TemplateJSON.compact($0) } ?? "nothing")"))
            }
            return
        default: break
        }
        guard let actual else {
            out.append(Mismatch(path: path, message: "missing (expected \(matcher.description))"))
            return
        }
        switch matcher.kind {
        case .literal(let expected):
            // Scalars only: `Matcher(_:)` turns objects and arrays into `.object` and `.array`.
            if !TemplateJSON.equal(expected, actual) {
                out.append(Mismatch(path: path, message: "expected \(TemplateJSON.compact(expected)), found \(TemplateJSON.compact(actual))"))
            }
        case .object(let members): matchObject(members, actual, path: path, partial: partial, into: &out)
        case .objectLike(let members): matchObject(members, actual, path: path, partial: true, into: &out)
        case .objectEquals(let members): matchObject(members, actual, path: path, partial: false, into: &out)
        case .array(let items): matchArray(items, actual, path: path, partial: partial, into: &out)
        case .exact(let inner): match(inner, actual, path: path, partial: false, into: &out)
        case .arrayWith(let patterns):
            guard case .array(let items) = actual else {
                out.append(Mismatch(path: path, message: "expected an array, found \(kindName(actual)) \(TemplateJSON.compact(actual))"))
                return
            }
            var next = 0
            for (index, pattern) in patterns.enumerated() {
                var found: Int?
                for position in next..<max(next, items.count) {
                    var trial: [Mismatch] = []
                    match(pattern, items[position], path: path, partial: partial, into: &trial)
                    if trial.isEmpty { found = position; break }
                }
                guard let found else {
                    let after = next == 0 ? "" : " after index \(next - 1)"
                    // Show the closest item's own mismatches, so the message points at the differing path.
                    var closest: [Mismatch]?
                    for position in next..<max(next, items.count) {
                        var trial: [Mismatch] = []
                        match(pattern, items[position], path: "\(path)[\(position)]", partial: partial, into: &trial)
                        if closest == nil || trial.count < closest!.count { closest = trial }
                    }
                    let hint = closest == nil ? " (no items to search)" : "; closest item:"
                    out.append(Mismatch(path: path, message: "no item\(after) matches arrayWith pattern \(index): \(pattern.description)\(hint)"))
                    out += closest ?? []
                    return
                }
                next = found + 1
            }
        case .regexp(let pattern):
            guard case .string(let text) = actual else {
                out.append(Mismatch(path: path, message: "expected a string matching /\(pattern)/, found \(TemplateJSON.compact(actual))"))
                return
            }
            // The library's own matcher (ICU's dialect, compiled once per pattern), as schema and config rules use.
            guard let found = PatternMatcher.firstMatchExists(pattern, in: text) else {
                out.append(Mismatch(path: path, message: "invalid regular expression /\(pattern)/"))
                return
            }
            if !found {
                out.append(Mismatch(path: path, message: "expected a string matching /\(pattern)/, found \(TemplateJSON.compact(actual))"))
            }
        case .absent, .anyValue, .not: break
        }
    }

    static func matchObject(_ members: [(String, Matcher)], _ actual: TemplateValue, path: String, partial: Bool, into out: inout [Mismatch]) {
        guard case .object(let actualMembers) = actual else {
            out.append(Mismatch(path: path, message: "expected an object, found \(kindName(actual)) \(TemplateJSON.compact(actual))"))
            return
        }
        for (key, pattern) in members {
            let value = actualMembers.first { $0.0 == key }?.1
            match(pattern, value, path: join(path, key), partial: partial, into: &out)
        }
        if !partial {
            let expected = Set(members.map(\.0))
            for (key, value) in actualMembers where !expected.contains(key) {
                out.append(Mismatch(path: join(path, key), message: "unexpected key (found \(TemplateJSON.compact(value)))"))
            }
        }
    }

    static func matchArray(_ items: [Matcher], _ actual: TemplateValue, path: String, partial: Bool, into out: inout [Mismatch]) {
        guard case .array(let actualItems) = actual else {
            out.append(Mismatch(path: path, message: "expected an array, found \(kindName(actual)) \(TemplateJSON.compact(actual))"))
            return
        }
        if actualItems.count != items.count {
            out.append(Mismatch(path: path, message: "expected \(items.count) items, found \(actualItems.count): \(TemplateJSON.compact(actual))"))
            return
        }
        for (index, pattern) in items.enumerated() {
            match(pattern, actualItems[index], path: "\(path)[\(index)]", partial: partial, into: &out)
        }
    }
}
