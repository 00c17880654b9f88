import CloudFormation
import Foundation
import JSON

/// A problem in the configuration file: which field, what value, which rule, and where in the file.
public struct ConfigIssue: Hashable, Sendable, CustomStringConvertible {
    /// The field path, such as `endpoint.variants[0].instanceType`.
    public var field: String
    public var value: String
    public var rule: String
    public var line: Int?
    public var column: Int?

    public var description: String {
        let location = line.map { "line \($0), column \(column ?? 1): " } ?? ""
        let subject = field.isEmpty ? "" : "\(field)\(value.isEmpty ? "" : " = \(value)"): "
        return "\(location)\(subject)\(rule)"
    }
}

/// The configuration could not be used: every problem found, in file order.
public struct ConfigError: Error, CustomStringConvertible {
    public var file: String
    public var issues: [ConfigIssue]

    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        return (["invalid configuration \(file) (\(count)):"] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}

/// Reads typed fields out of a parsed config, collecting every problem instead of stopping at the first,
/// and rejecting keys nobody asked for (a typo must not pass silently).
final class ConfigReader {
    private(set) var issues: [ConfigIssue] = []

    func report(_ field: String, _ value: String, _ rule: String, at located: LocatedJSON?) {
        issues.append(ConfigIssue(field: field, value: value, rule: rule, line: located?.line, column: located?.column))
    }

    /// An object's fields; call `finish()` after reading to report unknown keys.
    final class Object {
        let reader: ConfigReader
        let path: String
        let located: LocatedJSON?
        private let members: [(key: String, value: LocatedJSON)]
        private var consumed: [String] = []

        init(reader: ConfigReader, path: String, located: LocatedJSON?) {
            self.reader = reader
            self.path = path
            self.located = located
            if let located, case .object(let members) = located.node {
                self.members = members
            } else {
                self.members = []
                if let located {
                    reader.report(path.isEmpty ? "(top level)" : path, Self.describe(located.node), "must be an object", at: located)
                }
            }
        }

        func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        /// The raw value of a key, marking it as known.
        func raw(_ key: String) -> LocatedJSON? {
            consumed.append(key)
            guard let value = members.first(where: { $0.key == key })?.value else { return nil }
            if case .null = value.node { return nil }
            return value
        }

        /// Reports keys that were never read, with the known keys listed.
        func finish() {
            for member in members where !consumed.contains(member.key) {
                reader.report(field(member.key), "", "unknown key; expected one of: \(consumed.sorted().joined(separator: ", "))", at: member.value)
            }
        }

        func object(_ key: String) -> Object {
            Object(reader: reader, path: field(key), located: raw(key))
        }

        func string(_ key: String, default defaultValue: String, _ rules: [Rule<String>] = []) -> String {
            optionalString(key, rules) ?? defaultValue
        }

        func optionalString(_ key: String, _ rules: [Rule<String>] = []) -> String? {
            guard let located = raw(key) else { return nil }
            guard case .string(let value) = located.node else {
                reader.report(field(key), Self.describe(located.node), "must be a string", at: located)
                return nil
            }
            return check(value, rules, key: key, display: "\"\(value)\"", at: located)
        }

        func integer(_ key: String, default defaultValue: Int, _ rules: [Rule<Int>] = []) -> Int {
            optionalInteger(key, rules) ?? defaultValue
        }

        func optionalInteger(_ key: String, _ rules: [Rule<Int>] = []) -> Int? {
            guard let located = raw(key) else { return nil }
            guard case .number(let text) = located.node, let value = Int(text) else {
                reader.report(field(key), Self.describe(located.node), "must be a whole number", at: located)
                return nil
            }
            return check(value, rules, key: key, display: String(value), at: located)
        }

        func number(_ key: String, default defaultValue: Double, _ rules: [Rule<Double>] = []) -> Double {
            guard let located = raw(key) else { return defaultValue }
            guard case .number(let text) = located.node, let value = Double(text), value.isFinite else {
                reader.report(field(key), Self.describe(located.node), "must be a number", at: located)
                return defaultValue
            }
            return check(value, rules, key: key, display: Self.format(value), at: located) ?? defaultValue
        }

        func bool(_ key: String, default defaultValue: Bool) -> Bool {
            guard let located = raw(key) else { return defaultValue }
            guard case .bool(let value) = located.node else {
                reader.report(field(key), Self.describe(located.node), "must be true or false", at: located)
                return defaultValue
            }
            return value
        }

        /// An enumerated string, reporting the allowed values when it is not one of them.
        func choice<E: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: E) -> E where E.RawValue == String {
            guard let text = optionalString(key) else { return defaultValue }
            guard let value = E(rawValue: text) else {
                reader.report(field(key), "\"\(text)\"", "must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))", at: located(key))
                return defaultValue
            }
            return value
        }

        /// The items of an array, each with its field path.
        func array(_ key: String) -> [(field: String, value: LocatedJSON)]? {
            guard let located = raw(key) else { return nil }
            guard case .array(let items) = located.node else {
                reader.report(field(key), Self.describe(located.node), "must be an array", at: located)
                return nil
            }
            return items.enumerated().map { ("\(field(key))[\($0.offset)]", $0.element) }
        }

        /// A map of string to string, in file order.
        func stringMap(_ key: String, keyRules: [Rule<String>] = [], valueRules: [Rule<String>] = []) -> [(String, String)]? {
            guard let located = raw(key) else { return nil }
            guard case .object(let members) = located.node else {
                reader.report(field(key), Self.describe(located.node), "must be an object of strings", at: located)
                return nil
            }
            var result: [(String, String)] = []
            for member in members {
                let entryField = "\(field(key)).\(member.key)"
                guard case .string(let value) = member.value.node else {
                    reader.report(entryField, Self.describe(member.value.node), "must be a string", at: member.value)
                    continue
                }
                var ok = true
                for rule in keyRules where !rule.test(member.key) {
                    reader.report(entryField, "\"\(member.key)\"", "key \(rule.text)", at: member.value)
                    ok = false
                }
                for rule in valueRules where !rule.test(value) {
                    reader.report(entryField, "\"\(value)\"", rule.text, at: member.value)
                    ok = false
                }
                if ok { result.append((member.key, value)) }
            }
            return result
        }

        /// True when the key is in the file, even as null (null can mean "off", unlike a missing key).
        func isPresent(_ key: String) -> Bool { members.contains { $0.key == key } }

        func located(_ key: String) -> LocatedJSON? { members.first(where: { $0.key == key })?.value }

        /// Reports a rule about a field that involves other fields (for example min ≤ max).
        func fail(_ key: String, _ value: String, _ rule: String) {
            reader.report(field(key), value, rule, at: located(key) ?? located)
        }

        private func check<T>(_ value: T, _ rules: [Rule<T>], key: String, display: String, at located: LocatedJSON) -> T? {
            var ok = true
            for rule in rules where !rule.test(value) {
                reader.report(field(key), display, rule.text, at: located)
                ok = false
            }
            return ok ? value : nil
        }

        static func describe(_ node: LocatedJSON.Node) -> String {
            switch node {
            case .string(let s): "\"\(s)\""
            case .number(let text): Double(text).map(format) ?? text
            case .bool(let b): b ? "true" : "false"
            case .null: "null"
            case .array: "an array"
            case .object: "an object"
            }
        }

        static func format(_ value: Double) -> String {
            value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
    }
}

/// A named check on a config value; `text` is the rule as the error message states it.
/// The text is built only when a value breaks the rule: most rules of a valid config are never reported.
struct Rule<T> {
    private let makeText: () -> String
    let test: (T) -> Bool

    var text: String { makeText() }

    init(text: @autoclosure @escaping () -> String, test: @escaping (T) -> Bool) {
        makeText = text
        self.test = test
    }

    static func range(_ range: ClosedRange<T>) -> Rule<T> where T: Comparable & CustomStringConvertible {
        Rule(text: "must be between \(range.lowerBound) and \(range.upperBound)") { range.contains($0) }
    }

    static func oneOf(_ values: [T]) -> Rule<T> where T: Equatable & CustomStringConvertible {
        Rule(text: "must be one of: \(values.map { $0.description }.joined(separator: ", "))") { values.contains($0) }
    }

    static func pattern(_ pattern: String, _ explanation: String) -> Rule<String> {
        Rule<String>(text: "\(explanation) (pattern \(pattern))") { value in
            guard let matched = PatternMatcher.firstMatchExists(pattern, in: value) else { preconditionFailure("invalid pattern \(pattern)") }
            return matched
        }
    }

    static func length(_ range: ClosedRange<Int>) -> Rule<String> {
        Rule<String>(text: "length must be between \(range.lowerBound) and \(range.upperBound) characters") { range.contains($0.count) }
    }
}
