import CloudFormation

/// Generated resource types whose `Tags` is a list of key/value pairs: their `addTags` (a `ResourceProperties`
/// requirement, a no-op for other types) adds the tags whose keys the resource does not already have.
public protocol TaggableProperties: ResourceProperties {}
