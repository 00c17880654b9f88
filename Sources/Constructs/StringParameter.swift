import CloudFormation

/// An SSM String parameter that is written at run time (by the registrar function), not by CloudFormation.
///
/// Why not an `AWS::SSM::Parameter` resource: CloudFormation would need a value before any model exists,
/// and every run-time write would be drift that the next deployment reverts. The stacks therefore only
/// grant access to the parameter by name, and read its value at deploy time through a template
/// parameter of type `AWS::SSM::Parameter::Value<String>`.
public struct StringParameter {
    /// The parameter name, such as `/mlops/sentiment/model-data-url`.
    public let name: String

    public init(name: String) { self.name = name }

    /// The parameter's ARN in the stack's account and region (names with a leading `/` give `parameter/a/b`).
    public var arn: Value<String> {
        let path = name.hasPrefix("/") ? name : "/" + name
        return "arn:\(Pseudo.partition):ssm:\(Pseudo.region):\(Pseudo.accountId):parameter\(path)"
    }

    /// `ssm:PutParameter` on exactly this parameter.
    public func grantWrite(_ grantee: Grantable) {
        grantee.grantRole.addToPolicy(PolicyStatement(actions: ["ssm:PutParameter"], resources: [arn]))
    }

    /// `ssm:GetParameter` on exactly this parameter.
    public func grantRead(_ grantee: Grantable) {
        grantee.grantRole.addToPolicy(PolicyStatement(actions: ["ssm:GetParameter"], resources: [arn]))
    }

    /// A template parameter of type `AWS::SSM::Parameter::Value<String>` whose default is this parameter's name:
    /// CloudFormation reads the current value on every deployment.
    public func deployTimeValue(in scope: Stack, _ id: String, description: String) -> Parameter<String> {
        Parameter(scope, id, type: .ssmString, description: description, default: name)
    }
}
