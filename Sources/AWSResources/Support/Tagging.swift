import CloudFormation

/// Generated resource types whose `Tags` is a list of key/value pairs.
public protocol TaggableProperties: ResourceProperties {
    /// Adds tags whose keys the resource does not already have.
    mutating func addTags(_ tags: [(String, String)])
}

/// A resource in a stack that takes tags, whatever its type.
public protocol TaggableResource: AnyObject {
    func addTags(_ tags: [(String, String)])
}

/// `Resource.addTags(_:)` (from `AnyResource`) is the implementation.
extension Resource: TaggableResource where Properties: TaggableProperties {}
