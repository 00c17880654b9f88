import CloudFormation

/// Where AWS Deep Learning Containers live: the ECR registry account per region, as AWS publishes it
/// for the Hugging Face images (most commercial regions share one account; opt-in regions, China and
/// GovCloud have their own). A region missing here fails the deployment at `Fn::FindInMap`; use an
/// explicit image URI there.
public enum DeepLearningContainers {
    public static let registryAccounts: [String: String] = [
        "af-south-1": "626614931356",
        "ap-east-1": "871362719292",
        "ap-northeast-1": "763104351884",
        "ap-northeast-2": "763104351884",
        "ap-northeast-3": "364406365360",
        "ap-south-1": "763104351884",
        "ap-southeast-1": "763104351884",
        "ap-southeast-2": "763104351884",
        "ca-central-1": "763104351884",
        "cn-north-1": "727897471807",
        "cn-northwest-1": "727897471807",
        "eu-central-1": "763104351884",
        "eu-north-1": "763104351884",
        "eu-south-1": "692866216735",
        "eu-west-1": "763104351884",
        "eu-west-2": "763104351884",
        "eu-west-3": "763104351884",
        "me-south-1": "217643126080",
        "sa-east-1": "763104351884",
        "us-east-1": "763104351884",
        "us-east-2": "763104351884",
        "us-gov-west-1": "442386744353",
        "us-west-1": "763104351884",
        "us-west-2": "763104351884",
    ]
}

extension SageMakerEndpoint.ContainerImage {
    /// The image URI as a template value: the literal URI, or for a Deep Learning Container
    /// `<account>.dkr.ecr.<region>.<url suffix>/<repository>:<tag>` with the account looked up in a mapping added to
    /// `scope` as `id` (the region's registry, as `SageMakerEndpoint` resolves it), so another stack (the registrar's,
    /// which records the image in each model package) names exactly the image the endpoint runs.
    public func uri(in scope: Construct, mappingId: String = "ImageRegistryAccounts") -> (uri: Value<String>, mapping: Mapping?) {
        switch self {
        case .uri(let uri): return (Value(uri), nil)
        case .deepLearningContainer(let repository, let tag):
            let mapping = Mapping(scope, mappingId, DeepLearningContainers.registryAccounts.mapValues { ["Account": .string($0)] })
            let account = Fn.findInMap(mapping, Pseudo.region, "Account")
            return ("\(account).dkr.ecr.\(Pseudo.region).\(Pseudo.urlSuffix)/\(repository):\(tag)", mapping)
        }
    }
}

/// Where SageMaker Model Monitor's own analyzer image (`sagemaker-model-monitor-analyzer`) lives: the registry account
/// per region, as AWS publishes it ("Model Monitor pre-built container"). A region missing here fails the deployment
/// at `Fn::FindInMap`.
public enum ModelMonitorImages {
    public static let repository = "sagemaker-model-monitor-analyzer"
    public static let registryAccounts: [String: String] = [
        "af-south-1": "875698925577",
        "ap-east-1": "001633400207",
        "ap-northeast-1": "574779866223",
        "ap-northeast-2": "709848358524",
        "ap-south-1": "126357580389",
        "ap-southeast-1": "245545462676",
        "ap-southeast-2": "563025443158",
        "ca-central-1": "536280801234",
        "cn-north-1": "453000072557",
        "cn-northwest-1": "453252182341",
        "eu-central-1": "048819808253",
        "eu-north-1": "895015795356",
        "eu-south-1": "933208885752",
        "eu-west-1": "468650794304",
        "eu-west-2": "749857270468",
        "eu-west-3": "680080141114",
        "me-south-1": "607024016150",
        "sa-east-1": "539772159869",
        "us-east-1": "156813124566",
        "us-east-2": "777275614652",
        "us-gov-west-1": "362178532790",
        "us-west-1": "890145073186",
        "us-west-2": "159807026194",
    ]

    /// `<account>.dkr.ecr.<region>.<url suffix>/sagemaker-model-monitor-analyzer` with the account from a mapping added to `scope`.
    public static func uri(in scope: Construct, mappingId: String = "ModelMonitorRegistryAccounts") -> Value<String> {
        let mapping = Mapping(scope, mappingId, registryAccounts.mapValues { ["Account": .string($0)] })
        return "\(Fn.findInMap(mapping, Pseudo.region, "Account")).dkr.ecr.\(Pseudo.region).\(Pseudo.urlSuffix)/\(repository)"
    }
}
