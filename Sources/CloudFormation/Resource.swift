/// The properties of one CloudFormation resource type, generated from its registry schema.
public protocol ResourceProperties {
    /// The CloudFormation type name, such as `AWS::S3::Bucket`.
    static var resourceType: String { get }
    /// The attributes `Fn::GetAtt` accepts for this type.
    static var attributeNames: Set<String> { get }
    /// The `Properties` object, keys in schema order, unset properties left out.
    func templateProperties() -> TemplateValue
    /// Checks the schema rules (required, enum, pattern, length, range) on literal values.
    func validate(_ issues: inout [PropertyIssue])
    /// Adds tags (key, value) whose keys the properties do not already have. Types with a `Tags` list of
    /// key/value pairs implement it; the default ignores them.
    mutating func addTags(_ tags: [(String, String)])
}

extension ResourceProperties {
    public mutating func addTags(_ tags: [(String, String)]) {}
}

/// A property-level problem found by schema validation, before the construct path is known.
public struct PropertyIssue: Hashable, Sendable {
    /// The property path, such as `ProductionVariants[0].InstanceType`.
    public var property: String
    /// The offending value as written in the template.
    public var value: String
    /// The rule it breaks, such as `must match ^[a-z0-9.-]{3,63}$`.
    public var rule: String

    public init(property: String, value: String, rule: String) {
        self.property = property
        self.value = value
        self.rule = rule
    }
}

/// What CloudFormation does with a resource's physical resource when it is deleted or replaced.
public enum DeletionPolicy: String, Sendable {
    case delete = "Delete"
    case retain = "Retain"
    case snapshot = "Snapshot"
    case retainExceptOnCreate = "RetainExceptOnCreate"
}

/// A resource of any type, as the synthesizer sees it.
public protocol AnyResource: TemplateElement {
    var resourceType: String { get }
    var attributeNames: Set<String> { get }
    var dependencies: [TemplateElement] { get }
    var condition: Condition? { get }
    var deletionPolicy: DeletionPolicy? { get }
    var updateReplacePolicy: DeletionPolicy? { get }
    var metadata: [(String, TemplateValue)] { get }
    func templateProperties() -> TemplateValue
    func validateProperties(_ issues: inout [PropertyIssue])
    /// Adds tags (key, value) whose keys the resource does not already have; a type without a `Tags` list ignores them.
    func addTags(_ tags: [(String, String)])
}

extension AnyResource {
    /// A resource type defined outside this library takes no tags unless it says how.
    public func addTags(_ tags: [(String, String)]) {}
}

/// One resource in a stack, with typed properties (the L1 layer: a generated `Properties` type per CloudFormation type).
///
/// Properties stay mutable until synthesis, so constructs and grants can add to them after creation.
public final class Resource<Properties: ResourceProperties>: TemplateElement, AnyResource {
    public var properties: Properties
    /// Explicit `DependsOn`; a resource of another stack becomes a dependency between the stacks.
    public private(set) var dependencies: [TemplateElement] = []
    public var condition: Condition?
    public var deletionPolicy: DeletionPolicy?
    public var updateReplacePolicy: DeletionPolicy?
    /// `Metadata` entries, in the order added (for example cfn-lint or checkov suppressions).
    public private(set) var metadata: [(String, TemplateValue)] = []

    @discardableResult
    public init(_ scope: Construct, _ id: String, _ properties: Properties) {
        self.properties = properties
        super.init(scope, id)
    }

    override public var asResource: AnyResource? { self }

    public var resourceType: String { Properties.resourceType }
    public var attributeNames: Set<String> { Properties.attributeNames }

    /// `Ref`: what it returns depends on the type (a name for buckets and parameters, an ARN for SageMaker endpoints).
    public var ref: Value<String> { Value(node: .ref(self)) }

    /// `Fn::GetAtt`; an attribute the type does not have is reported at synth time.
    public func getAtt<T>(_ attribute: String, as type: T.Type = String.self) -> Value<T> {
        Value(node: .getAtt(self, attribute))
    }

    /// Orders this resource after `other`.
    public func addDependency(_ other: AnyResource) {
        if !dependencies.contains(where: { $0 === other }) { dependencies.append(other) }
    }

    /// Adds or replaces a `Metadata` entry.
    public func addMetadata(_ key: String, _ value: TemplateValue) {
        metadata.removeAll { $0.0 == key }
        metadata.append((key, value))
    }

    public func templateProperties() -> TemplateValue { properties.templateProperties() }
    public func validateProperties(_ issues: inout [PropertyIssue]) { properties.validate(&issues) }
    public func addTags(_ tags: [(String, String)]) { properties.addTags(tags) }
}
