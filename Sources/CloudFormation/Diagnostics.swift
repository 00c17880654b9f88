/// One finding of synthesis: where (construct path and property), what (the value) and why (the rule).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible, Comparable {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    /// The construct path (`S3Stack/ModelBucket/Resource`), or the stack name for template-wide findings.
    public var path: String
    /// The property path (`ProductionVariants[0].InstanceType`), or a section name; empty when not about one property.
    public var property: String
    /// The offending value as written.
    public var value: String
    /// The rule it breaks.
    public var rule: String

    public init(_ severity: Severity, path: String, property: String, value: String, rule: String) {
        self.severity = severity
        self.path = path
        self.property = property
        self.value = value
        self.rule = rule
    }

    /// `error: S3Stack/ModelBucket/Resource: BucketName = "Bad_Name": must match pattern …`
    public var description: String {
        var text = "\(severity.rawValue): \(path)"
        if !property.isEmpty { text += ": \(property)" }
        if !value.isEmpty { text += property.isEmpty ? ": \(value)" : " = \(value)" }
        return text + ": \(rule)"
    }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.path, a.property, a.rule, a.value) < (b.path, b.property, b.rule, b.value)
    }
}

/// Collects every finding of one synthesis, so all of them are reported together.
public struct ValidationReport: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error }.sorted() }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning }.sorted() }

    public mutating func error(_ construct: Construct, property: String = "", value: String = "", rule: String) {
        diagnostics.append(Diagnostic(.error, path: construct.path, property: property, value: value, rule: rule))
    }

    public mutating func error(path: String, property: String = "", value: String = "", rule: String) {
        diagnostics.append(Diagnostic(.error, path: path, property: property, value: value, rule: rule))
    }

    public mutating func warning(path: String, property: String = "", value: String = "", rule: String) {
        diagnostics.append(Diagnostic(.warning, path: path, property: property, value: value, rule: rule))
    }
}

/// Synthesis failed: every error found, sorted by construct path, plus the warnings.
public struct SynthesisError: Error, CustomStringConvertible {
    public let errors: [Diagnostic]
    public let warnings: [Diagnostic]

    public var description: String {
        let count = errors.count == 1 ? "1 error" : "\(errors.count) errors"
        return (["synthesis failed with \(count):"] + errors.map { "  \($0)" }).joined(separator: "\n")
    }
}
