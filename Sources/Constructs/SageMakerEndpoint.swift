import Foundation
import AWSResources
import CloudFormation

/// A SageMaker real-time endpoint: model, endpoint configuration and endpoint, with a least-privilege
/// execution role (read the model archive, pull the image, write logs).
///
/// The model and the endpoint configuration get no fixed names: a new model archive changes the model,
/// CloudFormation replaces it and the configuration, and updates the endpoint in place, which keeps its
/// stable name for clients. `RetainAllVariantProperties` keeps the instance count autoscaling chose.
public final class SageMakerEndpoint: Construct, Grantable {
    /// The inference container.
    public enum ContainerImage {
        /// An AWS Deep Learning Container, resolved per region from the registry accounts AWS publishes
        /// (a template mapping), so the template stays region-agnostic.
        case deepLearningContainer(repository: String, tag: String)
        /// A complete image URI.
        case uri(String)

        /// The Hugging Face PyTorch inference image (torch + transformers) on CPU.
        public static func huggingFacePyTorchInference(tag: String = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04") -> ContainerImage {
            .deepLearningContainer(repository: "huggingface-pytorch-inference", tag: tag)
        }
    }

    /// One production variant of an instance-based endpoint.
    public struct Variant: Sendable {
        public var name: String
        public var weight: Double
        public var instanceType: String
        public var initialInstanceCount: Int

        public init(name: String, weight: Double = 1, instanceType: String, initialInstanceCount: Int = 1) {
            self.name = name
            self.weight = weight
            self.instanceType = instanceType
            self.initialInstanceCount = initialInstanceCount
        }
    }

    /// How the endpoint is served.
    public enum Serving {
        /// Instances, one or more weighted variants (an A/B test when there are several).
        case instances([Variant])
        /// Serverless inference: memory and concurrency, no instances to scale.
        case serverless(variantName: String, memoryMiB: Int, maxConcurrency: Int)
    }

    /// Where captured requests and responses go.
    public struct DataCapture {
        public var bucket: Bucket
        public var prefix: String
        public var samplingPercent: Int

        public init(bucket: Bucket, prefix: String, samplingPercent: Int) {
            self.bucket = bucket
            self.prefix = prefix
            self.samplingPercent = samplingPercent
        }
    }

    public let serving: Serving
    public var role: Role { storedRole }
    private var storedRole: Role!
    public var model: Resource<SageMaker.Model> { storedModel }
    private var storedModel: Resource<SageMaker.Model>!
    public var endpointConfig: Resource<SageMaker.EndpointConfig> { storedEndpointConfig }
    private var storedEndpointConfig: Resource<SageMaker.EndpointConfig>!
    public var endpoint: Resource<SageMaker.Endpoint> { storedEndpoint }
    private var storedEndpoint: Resource<SageMaker.Endpoint>!
    public private(set) var registryAccounts: Mapping?
    public private(set) var scaling: [ScalableInstanceCount] = []
    private let endpointName: String

    /// - Parameters:
    ///   - endpointName: the stable name clients call; nil: `<stack name>-<id>` (at most 63 characters), still fixed at
    ///     synth time so the execution role's log permissions can name the endpoint's log group.
    ///   - key: a customer-managed key for the instances' volumes and captured data; nil: AWS-managed encryption, and
    ///     the role gets no KMS permission. A serverless endpoint without data capture uses no key at all.
    ///   - dataCapture: request/response capture into a bucket (instance serving only); nil: none.
    public init(_ scope: Construct, _ id: String, endpointName: String? = nil, image: ContainerImage, modelData: Value<String>,
                serving: Serving, environment: [String: String] = [:], networkIsolation: Bool = true,
                key: EncryptionKey? = nil, dataCapture: DataCapture? = nil, tags: [(String, String)] = []) {
        self.serving = serving
        let endpointName = endpointName ?? Self.defaultName(stack: scope.enclosingStack?.stackName ?? "", id: id)
        self.endpointName = endpointName
        super.init(scope, id)
        storedRole = Role(self, "ExecutionRole", assumedBy: "sagemaker.amazonaws.com",
                    description: "SageMaker execution role of \(endpointName): read the model, pull the image, write logs")
        let imageUri: Value<String>
        switch image {
        case .uri(let uri):
            imageUri = Value(uri)
            if let (account, region, repository) = Self.parseEcrUri(uri) {
                grantImagePull(account: Value(account), region: Value(region), repository: repository)
            }
        case .deepLearningContainer(let repository, _):
            let (uri, mapping) = image.uri(in: self)
            registryAccounts = mapping
            imageUri = uri
            grantImagePull(account: Fn.findInMap(mapping!, Pseudo.region, "Account"), region: Pseudo.region, repository: repository)
        }
        role.addToPolicy(PolicyStatement(
            actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources: ["arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:/aws/sagemaker/Endpoints/\(endpointName)",
                        "arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:/aws/sagemaker/Endpoints/\(endpointName):log-stream:*"]))
        role.addToPolicy(PolicyStatement(
            actions: ["cloudwatch:PutMetricData"], resources: ["*"],
            conditions: [.init("StringLike", "cloudwatch:namespace", ["/aws/sagemaker/*"])]))
        let resourceTags = tags.map { SageMaker.Model.Tag(key: Value($0.0), value: Value($0.1)) }
        storedModel = Resource(self, "Model", SageMaker.Model(
            enableNetworkIsolation: Value(networkIsolation),
            executionRoleArn: role.arn,
            primaryContainer: SageMaker.Model.ContainerDefinition(
                environment: environment.isEmpty ? nil : .sortedObject(environment.mapValues(TemplateValue.string)),
                image: imageUri, modelDataUrl: modelData),
            tags: resourceTags.isEmpty ? nil : resourceTags))
        var config = SageMaker.EndpointConfig(productionVariants: [])
        switch serving {
        case .instances(let variants):
            config.productionVariants = variants.map { variant in
                SageMaker.EndpointConfig.ProductionVariant(
                    initialInstanceCount: Value(variant.initialInstanceCount), initialVariantWeight: Value(variant.weight),
                    instanceType: Value(variant.instanceType), modelName: model.attrModelName, variantName: Value(variant.name))
            }
            config.kmsKeyId = key?.arn
        case .serverless(let variantName, let memory, let concurrency):
            config.productionVariants = [SageMaker.EndpointConfig.ProductionVariant(
                modelName: model.attrModelName,
                serverlessConfig: .init(maxConcurrency: Value(concurrency), memorySizeInMB: Value(memory)),
                variantName: Value(variantName))]
        }
        if let dataCapture {
            config.dataCaptureConfig = SageMaker.EndpointConfig.DataCaptureConfig(
                captureOptions: [.init(captureMode: "Input"), .init(captureMode: "Output")],
                destinationS3Uri: "s3://\(dataCapture.bucket.name)/\(dataCapture.prefix)",
                enableCapture: true,
                initialSamplingPercentage: Value(dataCapture.samplingPercent),
                kmsKeyId: key?.arn)
            dataCapture.bucket.grantWrite(role, prefix: dataCapture.prefix)
        }
        config.tags = tags.isEmpty ? nil : tags.map { .init(key: Value($0.0), value: Value($0.1)) }
        storedEndpointConfig = Resource(self, "EndpointConfig", config)
        // SageMaker uses the key only for instance volumes and captured data: no KMS permission for a key it never uses.
        let keyUsed: Bool = if case .instances = serving { true } else { dataCapture != nil }
        if let key, keyUsed { key.grantSageMakerUse(role) }
        storedEndpoint = Resource(self, "Endpoint", SageMaker.Endpoint(
            endpointConfigName: endpointConfig.attrEndpointConfigName, endpointName: Value(endpointName),
            retainAllVariantProperties: true,
            tags: tags.isEmpty ? nil : tags.map { .init(key: Value($0.0), value: Value($0.1)) }))
    }

    public var grantRole: Role { role }

    /// `<stack>-<id>` with only letters, digits and hyphens, at most 63 characters (SageMaker's endpoint name rule).
    static func defaultName(stack: String, id: String) -> String {
        let raw = stack.isEmpty ? id : "\(stack)-\(id)"
        let cleaned = raw.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "-" }.joined()
        return String(cleaned.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// The endpoint's name (`Fn::GetAtt EndpointName`; `Ref` would give the ARN).
    public var name: Value<String> { endpoint.attrEndpointName }

    /// The variant names, in order.
    public var variantNames: [String] {
        switch serving {
        case .instances(let variants): variants.map(\.name)
        case .serverless(let name, _, _): [name]
        }
    }

    /// Scales a variant's instance count between `min` and `max` (instance serving only). Add policies to the result.
    @discardableResult
    public func autoScaleInstanceCount(variant: String? = nil, min: Int, max: Int) -> ScalableInstanceCount {
        let variantName = variant ?? variantNames.first ?? "AllTraffic"
        let instanceType: String? = if case .instances(let variants) = serving {
            variants.first { $0.name == variantName }?.instanceType
        } else { nil }
        let target = ScalableInstanceCount(self, "\(LogicalID.sanitize(variantName))Scaling", endpoint: self, variantName: variantName,
                                           instanceType: instanceType, minCapacity: min, maxCapacity: max)
        scaling.append(target)
        return target
    }

    private func grantImagePull(account: Value<String>, region: Value<String>, repository: String) {
        role.addToPolicy(PolicyStatement(
            actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            resources: ["arn:\(Pseudo.partition):ecr:\(region):\(account):repository/\(repository)"]))
        role.addToPolicy(PolicyStatement(actions: ["ecr:GetAuthorizationToken"], resources: ["*"]))
    }

    static func parseEcrUri(_ uri: String) -> (account: String, region: String, repository: String)? {
        let parts = uri.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let host = parts[0].split(separator: ".")
        guard host.count >= 6, host[1] == "dkr", host[2] == "ecr" else { return nil }
        let path = parts[1]
        let repository = path.split(separator: "@").first.flatMap { $0.split(separator: ":").first } ?? path
        return (String(host[0]), String(host[3]), String(repository))
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        switch serving {
        case .instances(let variants):
            if variants.isEmpty || variants.count > 10 {
                report.error(endpointConfig, property: "ProductionVariants", value: "\(variants.count) variants", rule: "must have 1 to 10 variants")
            }
            if !variants.isEmpty, variants.allSatisfy({ $0.weight <= 0 }) {
                report.error(endpointConfig, property: "ProductionVariants", value: "all weights 0", rule: "at least one variant needs a weight above 0")
            }
            var seen = Set<String>()
            for (index, variant) in variants.enumerated() where !seen.insert(variant.name).inserted {
                report.error(endpointConfig, property: "ProductionVariants[\(index)].VariantName", value: variant.name, rule: "variant names must be unique")
            }
        case .serverless(_, let memory, let concurrency):
            if ![1024, 2048, 3072, 4096, 5120, 6144].contains(memory) {
                report.error(endpointConfig, property: "ProductionVariants[0].ServerlessConfig.MemorySizeInMB", value: String(memory),
                             rule: "must be 1024, 2048, 3072, 4096, 5120 or 6144")
            }
            if !(1...200).contains(concurrency) {
                report.error(endpointConfig, property: "ProductionVariants[0].ServerlessConfig.MaxConcurrency", value: String(concurrency),
                             rule: "must be between 1 and 200")
            }
            if !scaling.isEmpty {
                report.error(endpointConfig, property: "ProductionVariants", value: "serverless",
                             rule: "serverless endpoints have no instance count to auto scale")
            }
            if endpointConfig.properties.dataCaptureConfig != nil {
                report.error(endpointConfig, property: "DataCaptureConfig", value: "serverless", rule: "serverless endpoints do not support data capture")
            }
        }
    }
}
