import AWSCore
import HTTPClient
import LambdaRuntime

/// Where the registrar writes: abstracted so tests can run the handler without AWS.
protocol ModelRegistry {
    func record(uri: String, in parameter: String, deadline: Double) throws(AWSError)
    /// A count of 1 for `name` in `namespace` (the registry's outcomes).
    func count(_ name: String, namespace: String, deadline: Double) throws(AWSError)
    /// The parameter's current value; nil when it does not exist.
    func current(in parameter: String, deadline: Double) throws(AWSError) -> String?
}

extension ModelRegistry {
    /// Writes `uri` unless the parameter already holds it: every write is a Parameter Store change (a rollout trigger
    /// and a version in the parameter's history, which is how a person rolls back), so a repeated event (S3 and
    /// EventBridge deliver at least once) or a retry must not add one. When the current value cannot be read, it
    /// writes (a write too many is harmless; one too few is not). True when it wrote.
    @discardableResult
    func write(_ uri: String, to parameterName: String, id: String, deadline: Double) throws(HandlerError) -> Bool {
        do {
            if try current(in: parameterName, deadline: deadline) == uri {
                log("\(id) \(parameterName) already holds \(uri): not written again")
                return false
            }
        } catch {
            log("\(id) warning: cannot read \(parameterName) (\(error)); writing it")
        }
        do { try record(uri: uri, in: parameterName, deadline: deadline) } catch {
            throw HandlerError(type: "SSM.PutParameterFailed", message: "cannot write \(parameterName): \(error)")
        }
        return true
    }

    /// A count of 1 for `name`, when metrics are on. A lost metric must not make the event retry: the model is
    /// registered by then.
    func count(_ name: String, namespace: String?, id: String, deadline: Double) {
        guard let namespace else { return }
        do { try count(name, namespace: namespace, deadline: deadline) } catch {
            log("\(id) warning: metric \(name) not put: \(error)")
        }
    }
}

/// SSM and CloudWatch through AWSCore.
struct AWSModelRegistry: ModelRegistry {
    let ssm: SSMClient
    let cloudWatch: CloudWatchClient

    func record(uri: String, in parameter: String, deadline: Double) throws(AWSError) {
        try ssm.putParameter(name: parameter, value: uri, deadline: deadline)
    }

    func current(in parameter: String, deadline: Double) throws(AWSError) -> String? {
        try ssm.getParameter(name: parameter, deadline: deadline)?.value
    }

    func count(_ name: String, namespace: String, deadline: Double) throws(AWSError) {
        try cloudWatch.putMetric(namespace: namespace, name: name, value: 1, unit: "Count", deadline: deadline)
    }
}

/// The registrar's settings, from the function's environment.
struct RegistrarSettings: Equatable {
    var parameterName: String
    var suffix: String
    var metricsNamespace: String?

    init(environment: [String: String]) throws(HandlerError) {
        guard let name = environment["SSM_PARAMETER_NAME"], !name.isEmpty else {
            throw HandlerError.configuration("SSM_PARAMETER_NAME is not set; it names the SSM parameter that receives the model's S3 URI")
        }
        parameterName = name
        suffix = environment["MODEL_SUFFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? ".tar.gz"
        metricsNamespace = environment["METRICS_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// An S3 event → the newest matching object's URI in SSM (+ a metric); with the registry, the upload becomes a model
/// package version first, and only an approved version (automatically, by its metrics, or by a person through
/// EventBridge) is written to SSM.
public struct RegistrarHandler: LambdaHandler {
    let settings: RegistrarSettings
    let registry: ModelRegistry
    /// The model registry, when `MODEL_PACKAGE_GROUP` is set.
    let packages: ModelPackageRegistry?

    init(settings: RegistrarSettings, registry: ModelRegistry, packages: RegistrySettings? = nil, backend: RegistryBackend? = nil) {
        self.settings = settings
        self.registry = registry
        if let packages, let backend {
            self.packages = ModelPackageRegistry(settings: packages, suffix: settings.suffix, parameterName: settings.parameterName,
                                                 metricsNamespace: settings.metricsNamespace, backend: backend, parameter: registry)
        } else {
            self.packages = nil
        }
    }

    /// The `_HANDLER` name of this handler.
    public static let name = "registrar"

    /// The handler as the function's environment configures it; a missing setting is a configuration error.
    public static func make(environment: [String: String]) throws -> any LambdaHandler {
        let settings = try RegistrarSettings(environment: environment)
        let aws: AWSEnvironment
        do { aws = try AWSEnvironment(variables: environment) } catch {
            throw HandlerError.configuration(error.description)
        }
        let registry = AWSModelRegistry(ssm: SSMClient(client: aws.client(for: .ssm)),
                                        cloudWatch: CloudWatchClient(client: aws.client(for: .cloudWatch)))
        let packages = try RegistrySettings.from(environment: environment)
        log("model registrar ready: parameter \(settings.parameterName), suffix \(settings.suffix), metrics \(settings.metricsNamespace ?? "off"), "
            + (packages.map { "registry \($0.groupName) (\($0.rule.metric), \($0.rule.higherIsBetter ? "higher" : "lower") is better, metrics file \($0.metricsFileName))" } ?? "registry off"))
        return RegistrarHandler(settings: settings, registry: registry, packages: packages,
                                backend: packages == nil ? nil : AWSRegistryBackend(environment: aws))
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let id = context.requestId
        if let packages, let document = try? JSON(parsing: event), let type = document["detail-type"]?.stringValue {
            guard type == "SageMaker Model Package State Change" else {
                throw HandlerError(type: "InvalidEvent", message: "unexpected EventBridge event \"\(type)\" (expected SageMaker Model Package State Change)")
            }
            let deadline = Double(context.deadlineMs) / 1000 - 0.2
            return respond(try packages.approvalChanged(document, id: id, deadline: deadline), skipped: 0)
        }
        guard let objects = try S3EventDecoding.objects(in: event) else {
            log("\(id) skipped s3:TestEvent")
            return respond(value: nil, skipped: 0, reason: "s3:TestEvent")
        }
        var candidates: [UploadedObject] = []
        let metricsFile = packages?.settings.metricsFileName
        for object in objects {
            if !object.eventName.hasPrefix("ObjectCreated:") {
                log("\(id) skipped \(object.uri): event \(object.eventName) is not ObjectCreated")
            } else if let metricsFile, MetricsContract.isMetricsFile(object.key, fileName: metricsFile) {
                log("\(id) candidate metrics file \(object.uri) at \(object.eventTime)")
                candidates.append(object)
            } else if !object.key.hasSuffix(settings.suffix) {
                log("\(id) skipped \(object.uri): key does not end with \(settings.suffix)")
            } else {
                log("\(id) candidate \(object.uri) at \(object.eventTime)")
                candidates.append(object)
            }
        }
        // The newest upload wins; on equal times the later record does.
        guard let newest = candidates.enumerated().max(by: {
            (S3EventDecoding.epochMilliseconds($0.element.eventTime) ?? Int64.min, $0.offset)
                < (S3EventDecoding.epochMilliseconds($1.element.eventTime) ?? Int64.min, $1.offset)
        })?.element else {
            log("\(id) nothing to register (\(objects.count) records skipped)")
            return respond(value: nil, skipped: objects.count,
                               reason: "no ObjectCreated record with a key ending in \(settings.suffix)")
        }
        let deadline = Double(context.deadlineMs) / 1000 - 0.2
        if let packages {
            let outcome = if let metricsFile, MetricsContract.isMetricsFile(newest.key, fileName: metricsFile) {
                try packages.metricsUploaded(newest, id: id, deadline: deadline)
            } else {
                try packages.archiveUploaded(newest, id: id, deadline: deadline)
            }
            return respond(outcome, skipped: objects.count - 1)
        }
        if try registry.write(newest.uri, to: settings.parameterName, id: id, deadline: deadline) {
            log("\(id) registered \(newest.uri) in \(settings.parameterName)")
            registry.count("ModelRegistered", namespace: settings.metricsNamespace, id: id, deadline: deadline)
        }
        return respond(value: newest.uri, skipped: objects.count - 1, reason: nil)
    }

    /// The registry's response: the plain one plus `modelPackageArn` and `modelApprovalStatus` when a version is involved.
    private func respond(_ outcome: RegistryOutcome, skipped: Int) -> [UInt8] {
        var members: [String: JSON] = [
            "statusCode": .int(200), "parameter": .string(settings.parameterName), "value": outcome.deployed.map(JSON.string) ?? .null,
            "skipped": .int(skipped), "reason": .string(outcome.reason),
        ]
        if let arn = outcome.packageArn { members["modelPackageArn"] = .string(arn) }
        if let status = outcome.status { members["modelApprovalStatus"] = .string(status) }
        return JSON.object(members).bytes
    }

    /// `{"parameter":…,"reason":…,"skipped":n,"statusCode":200,"value":"s3://…"|null}` (keys sorted): `value` is null
    /// and `reason` says why when nothing was registered.
    private func respond(value: String?, skipped: Int, reason: String?) -> [UInt8] {
        var members: [String: JSON] = [
            "statusCode": .int(200),
            "parameter": .string(settings.parameterName),
            "value": value.map(JSON.string) ?? .null,
            "skipped": .int(skipped),
        ]
        if let reason { members["reason"] = .string(reason) }
        return JSON.object(members).bytes
    }
}
