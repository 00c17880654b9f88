/// A node in the construct tree: the App at the root, stacks below it, then constructs and resources.
///
/// The path of ids from the stack down gives every resource its logical ID, so IDs are readable and
/// stay the same when unrelated constructs are added.
open class Construct {
    /// The id within the parent scope (empty for the App).
    public let id: String
    /// The parent, nil for the App.
    public private(set) weak var scope: Construct?
    /// Children in the order they were added.
    public private(set) var children: [Construct] = []
    /// Rules added with `addValidation`, run by `validate` in the order added.
    private var validations: [(inout ValidationReport) -> Void] = []

    /// The root's initializer.
    init(root id: String) {
        self.id = id
        self.scope = nil
    }

    /// Adds this construct under `scope`. A second child with the same id is an error reported at synth time.
    public init(_ scope: Construct, _ id: String) {
        self.id = id
        self.scope = scope
        scope.children.append(self)
    }

    /// The ids from the App down to this construct, joined with `/` (for example `S3Stack/ModelBucket/Policy`).
    public var path: String {
        var ids: [String] = []
        var node: Construct? = self
        while let current = node, current.scope != nil {
            ids.append(current.id)
            node = current.scope
        }
        // By index, not `reversed().joined`: that runs the standard library's unspecialized generic code, whose
        // first call per process looks its associated types up at run time.
        var path = ""
        for index in stride(from: ids.count - 1, through: 0, by: -1) {
            path += ids[index]
            if index > 0 { path += "/" }
        }
        return path
    }

    /// The nearest stack at or above this construct, nil for the App and for constructs placed directly under it.
    public var enclosingStack: Stack? {
        var node: Construct? = self
        while let current = node {
            if let stack = current as? Stack { return stack }
            node = current.scope
        }
        return nil
    }

    /// The nearest stack at or above this construct. Constructs other than stacks belong inside a stack.
    public var stack: Stack {
        guard let stack = enclosingStack else { preconditionFailure("construct \(path) is not inside a Stack") }
        return stack
    }

    /// All constructs below this one, depth first, in the order they were added.
    public var descendants: [Construct] {
        var result: [Construct] = []
        func walk(_ node: Construct) {
            for child in node.children {
                result.append(child)
                walk(child)
            }
        }
        walk(self)
        return result
    }

    /// This construct as a resource, nil for any other construct. A virtual call: the synthesizer asks it of
    /// every construct, where `as? AnyResource` would look up protocol conformances at run time.
    public var asResource: AnyResource? { nil }

    /// This construct as a template parameter, nil for any other construct (no dynamic cast, as `asResource`).
    var asParameter: AnyParameter? { nil }

    /// Service rules beyond the registry schema (for example "min capacity must not exceed max capacity").
    /// Override to report problems; called once per construct during synthesis.
    /// This base runs the rules added with `addValidation`; an override calls `super.validate(&report)` to keep them.
    open func validate(_ report: inout ValidationReport) {
        for rule in validations { rule(&report) }
    }

    /// Adds a rule checked at synth time without subclassing (as CDK's `node.addValidation`), for example on a `Stack`
    /// owned by a small type: `stack.addValidation { $0.warning(path: path, property: "…", rule: "…") }`.
    /// The rule should not capture this construct strongly (capture its `path` or use `[unowned self]`).
    public func addValidation(_ rule: @escaping (inout ValidationReport) -> Void) {
        validations.append(rule)
    }
}

/// Something with a logical ID in a template: a resource, parameter, condition, mapping or output.
open class TemplateElement: Construct {
    private var overriddenLogicalId: String?
    /// Made once: a construct's id and scope never change, and synthesis asks for the logical ID at every reference.
    private var derivedLogicalId: String?

    /// The logical ID: the construct path below the stack with non-alphanumerics removed;
    /// ids named `Resource` or `Default` are left out, so an L2 construct's main resource carries the construct's name.
    public var logicalId: String {
        if let overriddenLogicalId { return overriddenLogicalId }
        if let derivedLogicalId { return derivedLogicalId }
        let made = LogicalID.make(for: self)
        derivedLogicalId = made
        return made
    }

    /// Pins the logical ID, for example to keep a resource that was created under another path.
    public func overrideLogicalId(_ id: String) { overriddenLogicalId = id }

    /// `Resource` answers itself; a template element defined outside this library may still conform to `AnyResource`.
    override public var asResource: AnyResource? { self as? AnyResource }
}
