/// One CloudFormation stack: a template of its own, deployed with its own name.
///
/// Use it as it is, owned by a small type that builds the stack's constructs in its initializer and exposes them as
/// `let`s (as `LambdaStack` and `Examples/Quickstart` do); a subclass could only hold them as optionals, because its
/// constructs need the stack as their scope before they exist.
open class Stack: Construct {
    /// CloudFormation's rule for stack names, which this library uses as the stack's id.
    public static let nameRule = "stack names must match ^[A-Za-z][A-Za-z0-9-]{0,127}$"

    /// The template's `Description`.
    public var templateDescription: String?
    public private(set) var explicitDependencies: [Stack] = []

    public init(_ app: App, _ id: String, description: String? = nil) {
        self.templateDescription = description
        super.init(app, id)
    }

    /// The deployed stack name (the id), used in export names.
    public var stackName: String { id }

    /// The app this stack belongs to.
    public var app: App? { scope as? App }

    /// Deploys this stack after `other`. References between stacks add this for you.
    public func addDependency(_ other: Stack) {
        if other !== self, !explicitDependencies.contains(where: { $0 === other }) { explicitDependencies.append(other) }
    }

    /// The template file name under the output directory.
    public var templateFileName: String { "\(stackName).template.json" }

    override open func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        let valid = id.first.map { $0.isASCII && $0.isLetter } == true && id.count <= 128
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        if !valid { report.error(self, property: "StackName", value: "\"\(id)\"", rule: Self.nameRule) }
        if let templateDescription, templateDescription.utf8.count > 1024 {
            report.error(self, property: "Description", value: "\(templateDescription.utf8.count) bytes", rule: "a template description must be at most 1024 bytes")
        }
    }
}

/// The root of the construct tree: holds the stacks and synthesizes them together.
public final class App: Construct {
    public init() { super.init(root: "") }

    /// The stacks, in the order they were created.
    public var stacks: [Stack] { children.compactMap { $0 as? Stack } }

    /// Validates every stack, resolves references between them and renders the templates in deployment order.
    /// Throws a `SynthesisError` listing every error found.
    public func synthesize() throws -> Synthesis {
        var synthesizer = Synthesizer(app: self)
        return try synthesizer.run()
    }
}
