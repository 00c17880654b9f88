import AWSResources
import CloudFormation

extension SageMakerEndpoint {
    /// The endpoint's ARN (`Ref` of `AWS::SageMaker::Endpoint`).
    public var arn: Value<String> { endpoint.ref }

    /// Lets a role invoke this endpoint and read its status (`sagemaker:InvokeEndpoint`, `sagemaker:DescribeEndpoint`),
    /// on this endpoint's ARN only.
    public func grantInvoke(_ grantee: Grantable) {
        grantee.grantRole.addToPolicy(PolicyStatement(actions: ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"], resources: [arn]))
    }
}
