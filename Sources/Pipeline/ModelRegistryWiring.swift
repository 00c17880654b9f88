import AWSResources
import CloudFormation
import Constructs

/// The model registry around the registrar: the model package group, the registrar's registry settings and the
/// least-privilege grants for its calls, and the EventBridge rule that turns a person's approval into a deployment.
///
/// It lives in LambdaStack because the registrar needs the group before the first upload, and the endpoint stack can
/// only be deployed after one (it reads the model from SSM).
///
/// A small type owning its construct-tree node (`node`, at `<scope>/<id>`), as the pipeline's stacks own theirs.
public struct ModelRegistryWiring {
    public let node: Construct
    public let group: Resource<SageMaker.ModelPackageGroup>
    /// Nil when `registry.enabled` is false.
    public let approvalRule: EventPatternRule?
    /// The image each model package names: the endpoint's, resolved for the region the same way (nil when the registry is off).
    public let imageUri: Value<String>?

    public init(_ scope: Construct, _ id: String, function: Function, topic: Topic, parameter: StringParameter, config: PipelineConfig) {
        node = Construct(scope, id)
        let groupName = config.endpoint.modelPackageGroupName
        group = Resource(node, "ModelPackageGroup", SageMaker.ModelPackageGroup(
            modelPackageGroupDescription: "Sentiment models with their training metrics; the registrar compares each candidate with the latest approved version",
            modelPackageGroupName: Value(groupName)))
        let registry = config.registry
        guard registry.enabled else {
            approvalRule = nil
            imageUri = nil
            return
        }

        let uri = config.endpoint.image.container.uri(in: node).uri
        imageUri = uri
        let settings: [(String, Value<String>)] = [
            ("MODEL_PACKAGE_GROUP", Value(groupName)),
            ("MODEL_IMAGE_URI", uri),
            ("METRICS_FILE_NAME", Value(registry.metricsFileName)),
            ("PRIMARY_METRIC", Value(registry.primaryMetric)),
            ("HIGHER_IS_BETTER", Value(registry.higherIsBetter ? "true" : "false")),
            ("MINIMUM_IMPROVEMENT", Value(JSONWriter.formatNumber(registry.minimumImprovement))),
            ("REQUIRE_METRICS", Value(registry.requireMetrics ? "true" : "false")),
            ("METRICS_WAIT_SECONDS", Value(String(registry.metricsWaitSeconds))),
            ("ALARM_TOPIC_ARN", topic.arn),
        ]
        for (name, value) in settings { function.addEnvironment(name, value) }

        // SageMaker writes names lower-case in ARNs.
        let packages: Value<String> = "arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):model-package/\(groupName.lowercased())/*"
        let groupArn: Value<String> = "arn:\(Pseudo.partition):sagemaker:\(Pseudo.region):\(Pseudo.accountId):model-package-group/\(groupName.lowercased())"
        let role = function.grantRole
        role.addToPolicy(PolicyStatement(actions: ["sagemaker:CreateModelPackage"], resources: [groupArn, packages]))
        role.addToPolicy(PolicyStatement(actions: ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"], resources: [packages]))
        // ListModelPackages has no resource-level permissions (IAM only grants it on *); it returns summaries, no data.
        role.addToPolicy(PolicyStatement(actions: ["sagemaker:ListModelPackages"], resources: ["*"]))
        // The metrics files only (never the archives), and listing only under the model prefix (to find the archive
        // beside a metrics file; it also makes a missing object a 404 instead of a 403).
        let bucketName = config.modelBucket.bucketName
        let prefix = config.modelBucket.modelPrefix
        role.addToPolicy(PolicyStatement(actions: ["s3:GetObject"], resources: [
            "arn:\(Pseudo.partition):s3:::\(bucketName)/\(prefix)*/\(registry.metricsFileName)",
            "arn:\(Pseudo.partition):s3:::\(bucketName)/\(prefix)\(registry.metricsFileName)",
        ]))
        role.addToPolicy(PolicyStatement(actions: ["s3:ListBucket"], resources: ["arn:\(Pseudo.partition):s3:::\(bucketName)"],
                                         conditions: [.init("StringLike", "s3:prefix", [Value("\(prefix)*")])]))
        // The topic is encrypted with the stack's key; the role already has kms:GenerateDataKey and kms:Decrypt on it
        // (its dead-letter queue uses the same key).
        role.addToPolicy(PolicyStatement(actions: ["sns:Publish"], resources: [topic.arn]))
        // Read before writing: a repeated event must not add a Parameter Store change (a rollout trigger, a history entry).
        parameter.grantRead(function)

        let rule = EventPatternRule(node, "ApprovalRule", description: "A person approved a version of \(groupName): the registrar writes its archive to \(config.modelParameterName)",
                                    pattern: [
                                        "source": ["aws.sagemaker"],
                                        "detail-type": ["SageMaker Model Package State Change"],
                                        "detail": ["ModelPackageGroupName": .array([.string(groupName)]), "ModelApprovalStatus": ["Approved"]],
                                    ])
        rule.addTarget(function)
        approvalRule = rule
    }
}
