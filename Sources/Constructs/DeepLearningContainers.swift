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
