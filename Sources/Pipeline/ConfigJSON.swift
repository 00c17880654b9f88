import CloudFormation

/// The config reader's JSON parser: the strict, position-keeping parser the CloudFormation target shares
/// with the template assertions and `--diff`.
typealias ConfigJSON = JSONParser
