import CloudFormation

/// A nested property type of a generated resource (a registry schema `definition`).
public protocol PropertyType {
    func templateValue() -> TemplateValue
    /// Checks the schema rules on literal values; `path` is this value's property path (`ProductionVariants[0]`).
    func validate(_ issues: inout [PropertyIssue], at path: String)
}
