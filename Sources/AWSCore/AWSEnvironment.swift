import HTTPClient

/// What every handler needs to call AWS, read once from the function's environment: region, credentials, the CA bundle,
/// and endpoint overrides. One place builds clients, so every service honours `AWS_ENDPOINT_URL_<SERVICE>` and
/// `AWS_ENDPOINT_URL` (the AWS SDKs' convention) and the same binary runs against a local emulator unchanged.
public struct AWSEnvironment: Sendable {
    /// A service as the SDKs name it: the endpoint prefix (`runtime.sagemaker`), the suffix of its
    /// `AWS_ENDPOINT_URL_<SERVICE>` variable (the SDK service id in upper snake case) and its SigV4 signing name.
    public struct Service: Sendable, Equatable {
        public var endpointPrefix: String
        public var environmentName: String
        public var signingName: String

        public init(endpointPrefix: String, environmentName: String, signingName: String) {
            self.endpointPrefix = endpointPrefix
            self.environmentName = environmentName
            self.signingName = signingName
        }

        public static let ssm = Service(endpointPrefix: "ssm", environmentName: "SSM", signingName: "ssm")
        public static let cloudWatch = Service(endpointPrefix: "monitoring", environmentName: "CLOUDWATCH", signingName: "monitoring")
        public static let cloudFormation = Service(endpointPrefix: "cloudformation", environmentName: "CLOUDFORMATION", signingName: "cloudformation")
        public static let sns = Service(endpointPrefix: "sns", environmentName: "SNS", signingName: "sns")
        public static let s3 = Service(endpointPrefix: "s3", environmentName: "S3", signingName: "s3")
        public static let sageMaker = Service(endpointPrefix: "api.sagemaker", environmentName: "SAGEMAKER", signingName: "sagemaker")
        public static let sageMakerRuntime = Service(endpointPrefix: "runtime.sagemaker", environmentName: "SAGEMAKER_RUNTIME", signingName: "sagemaker")
    }

    public let region: String
    public let credentials: Credentials
    public let caFile: String?
    public let variables: [String: String]

    /// Fails with a message naming the missing variable.
    public init(variables: [String: String]) throws(AWSError) {
        guard let region = variables["AWS_REGION"] ?? variables["AWS_DEFAULT_REGION"], !region.isEmpty else {
            throw .configuration("AWS_REGION is not set")
        }
        guard let credentials = Credentials.fromEnvironment(variables) else {
            throw .configuration("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
        self.region = region
        self.credentials = credentials
        self.caFile = TLSStream.caBundle(environment: variables)
        self.variables = variables
    }

    public func endpoint(for service: Service) -> Endpoint {
        Endpoint.resolve(service: service.endpointPrefix, environmentName: service.environmentName, region: region, environment: variables)
    }

    public func client(for service: Service, retry: RetryPolicy = RetryPolicy()) -> AWSClient {
        AWSClient(endpoint: endpoint(for: service), signer: SigV4Signer(credentials: credentials, region: region, service: service.signingName),
                  retry: retry, caFile: caFile)
    }
}
