import AWSCore
import HTTPClient
import LambdaRuntime

/// The registry settings, from the function's environment. Registry mode is on when `MODEL_PACKAGE_GROUP` is set.
struct RegistrySettings: Equatable {
    var groupName: String
    var imageUri: String
    var metricsFileName: String
    var rule: ComparisonRule
    var requireMetrics: Bool
    var metricsWaitSeconds: Double
    var alarmTopicArn: String?

    /// nil when `MODEL_PACKAGE_GROUP` is unset or empty (no registry: an upload goes straight to SSM).
    static func from(environment: [String: String]) throws(HandlerError) -> RegistrySettings? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func invalid(_ message: String) -> HandlerError { HandlerError.configuration(message) }
        func flag(_ name: String, default fallback: Bool) throws(HandlerError) -> Bool {
            guard let text = value(name) else { return fallback }
            guard text == "true" || text == "false" else { throw invalid("\(name) must be true or false, not \"\(text)\"") }
            return text == "true"
        }
        func number(_ name: String, default fallback: Double) throws(HandlerError) -> Double {
            guard let text = value(name) else { return fallback }
            guard let number = Double(text), number.isFinite, number >= 0 else { throw invalid("\(name) must be a number ≥ 0, not \"\(text)\"") }
            return number
        }
        guard let group = value("MODEL_PACKAGE_GROUP") else { return nil }
        guard let image = value("MODEL_IMAGE_URI") else {
            throw invalid("MODEL_IMAGE_URI is not set; the registry needs the endpoint's inference image for each model package")
        }
        guard let metric = value("PRIMARY_METRIC") else { throw invalid("PRIMARY_METRIC is not set; it names the metric that decides approval") }
        return RegistrySettings(
            groupName: group, imageUri: image, metricsFileName: value("METRICS_FILE_NAME") ?? "metrics.json",
            rule: ComparisonRule(metric: metric, higherIsBetter: try flag("HIGHER_IS_BETTER", default: true),
                                 minimumImprovement: try number("MINIMUM_IMPROVEMENT", default: 0)),
            requireMetrics: try flag("REQUIRE_METRICS", default: false),
            metricsWaitSeconds: try number("METRICS_WAIT_SECONDS", default: 10),
            alarmTopicArn: value("ALARM_TOPIC_ARN"))
    }
}

/// What one invocation did, for the response and the log.
struct RegistryOutcome: Equatable {
    /// The S3 URI written to the SSM parameter, if any.
    var deployed: String?
    var packageArn: String?
    var status: String?
    var reason: String
}

/// Upload → model package version (with metrics, compared with the latest approved one) → SSM when approved;
/// a person's approval (EventBridge) → SSM.
struct ModelPackageRegistry {
    static let approved = "Approved", pending = "PendingManualApproval", rejected = "Rejected"
    /// In `ModelPackageDescription` of versions the registrar approved itself: their approval event is not a deployment.
    static let autoApprovalMarker = "approved automatically by the registrar"

    let settings: RegistrySettings
    let suffix: String
    let parameterName: String
    let metricsNamespace: String?
    let backend: RegistryBackend
    let parameter: ModelRegistry

    // MARK: - Uploads

    /// An archive arrived: read its metrics file (waiting up to `metricsWaitSeconds` for it), then register.
    func archiveUploaded(_ object: UploadedObject, id: String, deadline: Double) throws(HandlerError) -> RegistryOutcome {
        let metricsKey = MetricsContract.metricsKey(forArchive: object.key, fileName: settings.metricsFileName)
        var metrics = try read(bucket: object.bucket, key: metricsKey, deadline: deadline)
        // Keep 5 s for the registration itself.
        let waitUntil = min(Clock.nowSeconds() + settings.metricsWaitSeconds, deadline - 5)
        if metrics == nil, Clock.nowSeconds() < waitUntil {
            log("\(id) no s3://\(object.bucket)/\(metricsKey) yet; waiting up to \(MetricText.format(settings.metricsWaitSeconds)) s for it")
        }
        while metrics == nil, Clock.nowSeconds() + 1 <= waitUntil {
            backend.sleep(seconds: 1)
            metrics = try read(bucket: object.bucket, key: metricsKey, deadline: deadline)
        }
        return try register(bucket: object.bucket, archiveKey: object.key, archiveETag: object.eTag,
                            metricsKey: metricsKey, metrics: metrics, id: id, deadline: deadline)
    }

    /// A metrics file arrived: register the archive beside it if it is there; if not, its own upload will.
    func metricsUploaded(_ object: UploadedObject, id: String, deadline: Double) throws(HandlerError) -> RegistryOutcome {
        let directory = MetricsContract.directory(of: object.key)
        let listed: [ListedObject]
        do { listed = try backend.listObjects(bucket: object.bucket, prefix: directory, deadline: deadline) } catch {
            throw HandlerError(type: "S3.ListObjectsFailed", message: "cannot list s3://\(object.bucket)/\(directory): \(error)")
        }
        let archives = listed.filter { $0.key.hasSuffix(suffix) && MetricsContract.directory(of: $0.key) == directory }
        guard let archive = archives.first else {
            log("\(id) \(object.uri) arrived before its archive: the archive's upload registers the version")
            return RegistryOutcome(reason: "no archive ending in \(suffix) in s3://\(object.bucket)/\(directory) yet; its upload registers the version")
        }
        guard archives.count == 1 else {
            let keys = archives.map(\.key).joined(separator: ", ")
            log("\(id) refused \(object.uri): \(archives.count) archives share its directory (\(keys)); one model version per directory")
            return RegistryOutcome(reason: "\(archives.count) archives in s3://\(object.bucket)/\(directory): one model version per directory")
        }
        let metrics = try read(bucket: object.bucket, key: object.key, deadline: deadline)
        return try register(bucket: object.bucket, archiveKey: archive.key, archiveETag: archive.eTag,
                            metricsKey: object.key, metrics: metrics, id: id, deadline: deadline)
    }

    private func read(bucket: String, key: String, deadline: Double) throws(HandlerError) -> StoredObject? {
        do { return try backend.getObject(bucket: bucket, key: key, deadline: deadline) } catch {
            throw HandlerError(type: "S3.GetObjectFailed", message: "cannot read s3://\(bucket)/\(key): \(error)")
        }
    }

    /// The decision for a candidate, before anything is written.
    struct Decision: Equatable {
        var status: String
        var explanation: String
        var notify: Bool
        var metricName: String
    }

    func decide(metricsUri: String, metrics: StoredObject?, id: String, deadline: Double) throws(HandlerError) -> (Decision, ModelMetricsFile?) {
        guard let metrics else {
            if settings.requireMetrics {
                return (Decision(status: Self.rejected, explanation: "no metrics file \(metricsUri) and registry.requireMetrics is true: rejected, not deployed",
                                 notify: true, metricName: "ModelRejected"), nil)
            }
            return (Decision(status: Self.approved, explanation: "Approved automatically by the registrar: no metrics file \(metricsUri) and registry.requireMetrics is false",
                             notify: false, metricName: "ModelApproved"), nil)
        }
        let parsed: Result<ModelMetricsFile, MetricsProblem> = metrics.truncated
            ? .failure(MetricsProblem("is larger than \(maximumObjectBytes / 1024) KiB (a metrics file holds a few numbers)"))
            : ModelMetricsFile.parse(metrics.bytes, primaryMetric: settings.rule.metric)
        switch parsed {
        case .failure(let problem):
            return (Decision(status: Self.pending, explanation: "the metrics file \(metricsUri) \(problem.reason): not deployed; fix the file and upload it again, or approve this version by hand",
                             notify: true, metricName: "ModelPendingApproval"), nil)
        case .success(let file):
            let candidate = file.value(of: settings.rule.metric)!
            let (baseline, version) = try baselineValue(id: id, deadline: deadline)
            let result = ModelComparison.compare(candidate: candidate, baseline: baseline, baselineVersion: version, rule: settings.rule)
            if result.approve {
                return (Decision(status: Self.approved, explanation: "Approved automatically by the registrar: \(result.explanation)",
                                 notify: false, metricName: "ModelApproved"), file)
            }
            return (Decision(status: Self.pending, explanation: "\(result.explanation): not deployed; approve this version by hand to deploy it",
                             notify: true, metricName: "ModelPendingApproval"), file)
        }
    }

    /// The primary metric of the latest `Approved` version (from its `CustomerMetadataProperties`, else from its
    /// metrics file), and that version's number; nil when there is none or it has no such metric.
    func baselineValue(id: String, deadline: Double) throws(HandlerError) -> (Double?, String?) {
        let metric = settings.rule.metric
        let latest: PackageSummary?
        let described: JSON
        do {
            latest = try backend.listModelPackages(group: settings.groupName, status: Self.approved, maxResults: 1, deadline: deadline).first
            guard let latest else { return (nil, nil) }
            described = try backend.describeModelPackage(arn: latest.arn, deadline: deadline)
        } catch {
            throw HandlerError(type: "SageMaker.RegistryReadFailed", message: "cannot read the approved versions of \(settings.groupName): \(error)")
        }
        let version = (described["ModelPackageVersion"]?.intValue ?? latest?.version).map { "\($0)" }
        if let text = described["CustomerMetadataProperties"]?[metric]?.stringValue, let value = Double(text) { return (value, version) }
        if let uri = described["ModelMetrics"]?["ModelQuality"]?["Statistics"]?["S3Uri"]?.stringValue, let (bucket, key) = Self.splitS3Uri(uri),
           let file = try read(bucket: bucket, key: key, deadline: deadline),
           case .success(let metrics) = ModelMetricsFile.parse(file.bytes, primaryMetric: metric) {
            return (metrics.value(of: metric), version)
        }
        log("\(id) the latest approved version \(latest?.arn ?? "") has no \(metric): nothing to compare with")
        return (nil, version)
    }

    func register(bucket: String, archiveKey: String, archiveETag: String, metricsKey: String, metrics: StoredObject?,
                  id: String, deadline: Double) throws(HandlerError) -> RegistryOutcome {
        let archiveUri = "s3://\(bucket)/\(archiveKey)"
        let metricsUri = "s3://\(bucket)/\(metricsKey)"
        // One version per (archive, its content, its metrics): a repeated event or a retry finds it instead of adding another.
        // ETags compare without their quotes (events carry none, S3's headers and listings do).
        func bare(_ eTag: String) -> String { String(eTag.filter { $0 != "\"" }) }
        let token = String(Crypto.hex(Crypto.sha256(Array("\(archiveUri)\n\(bare(archiveETag))\n\(metrics.map { bare($0.eTag) } ?? "-")".utf8))).prefix(32))
        let marker = "[registration \(token)]"
        let recent: [PackageSummary]
        do { recent = try backend.listModelPackages(group: settings.groupName, status: nil, maxResults: 20, deadline: deadline) } catch {
            throw HandlerError(type: "SageMaker.RegistryReadFailed", message: "cannot list the versions of \(settings.groupName): \(error)")
        }
        if let existing = recent.first(where: { Text.contains($0.description, marker) }) {
            log("\(id) \(archiveUri) is already registered as \(existing.arn) (\(existing.status))")
            var outcome = RegistryOutcome(packageArn: existing.arn, status: existing.status, reason: "already registered")
            if existing.status == Self.approved {
                try write(archiveUri, id: id, deadline: deadline)
                outcome.deployed = archiveUri
            }
            return outcome
        }
        let (decision, file) = try decide(metricsUri: metricsUri, metrics: metrics, id: id, deadline: deadline)
        var properties: [String: JSON] = [:]
        for (name, value) in file?.metrics ?? [] { properties[name] = .string(MetricText.format(value)) }
        if let dataset = file?.dataset { properties["dataset"] = .string(dataset) }
        let autoApproved = decision.status == Self.approved
        var request: [String: JSON] = [
            "ModelPackageGroupName": .string(settings.groupName),
            "ModelPackageDescription": .string(String("Model \(archiveUri), \(autoApproved ? Self.autoApprovalMarker : "registered by the registrar") \(marker)".suffix(1024))),
            "InferenceSpecification": .object([
                "Containers": .array([.object(["Image": .string(settings.imageUri), "ModelDataUrl": .string(archiveUri)])]),
                "SupportedContentTypes": .array([.string("application/json")]),
                "SupportedResponseMIMETypes": .array([.string("application/json")]),
            ]),
            "ModelApprovalStatus": .string(decision.status),
            "ClientToken": .string(token),
        ]
        if metrics != nil {
            request["ModelMetrics"] = .object(["ModelQuality": .object(["Statistics": .object([
                "ContentType": .string("application/json"), "S3Uri": .string(metricsUri)])])])
        }
        if !properties.isEmpty { request["CustomerMetadataProperties"] = .object(properties) }
        let arn: String
        do { arn = try backend.createModelPackage(.object(request), deadline: deadline) } catch {
            throw HandlerError(type: "SageMaker.CreateModelPackageFailed", message: "cannot register \(archiveUri) in \(settings.groupName): \(error)")
        }
        log("\(id) registered \(archiveUri) as \(arn): \(decision.status): \(decision.explanation)")
        // CreateModelPackage takes no ApprovalDescription; the same status again with it. The properties are sent again
        // because some implementations (moto) replace them on every update.
        var update: [String: JSON] = [
            "ModelPackageArn": .string(arn), "ModelApprovalStatus": .string(decision.status),
            "ApprovalDescription": .string(String(decision.explanation.prefix(1024))),
        ]
        if !properties.isEmpty { update["CustomerMetadataProperties"] = .object(properties) }
        do { try backend.updateModelPackage(.object(update), deadline: deadline) } catch {
            log("\(id) warning: ApprovalDescription of \(arn) not set: \(error)")
        }
        count("ModelRegistered", id: id, deadline: deadline)
        count(decision.metricName, id: id, deadline: deadline)
        var outcome = RegistryOutcome(packageArn: arn, status: decision.status, reason: decision.explanation)
        if decision.status == Self.approved {
            try write(archiveUri, id: id, deadline: deadline)
            outcome.deployed = archiveUri
        } else {
            log("\(id) \(archiveUri) not deployed: \(decision.explanation)")
        }
        if decision.notify {
            let subject = decision.status == Self.rejected ? "Model rejected: no metrics" : "Model awaiting approval"
            notify(subject: subject, message: "\(archiveUri)\nmodel package: \(arn)\nstatus: \(decision.status)\n\(decision.explanation)",
                   id: id, deadline: deadline)
        }
        return outcome
    }

    // MARK: - Approval by a person

    /// `SageMaker Model Package State Change` with `ModelApprovalStatus` `Approved` (EventBridge): the version's
    /// archive goes to the SSM parameter. Other statuses, other groups and the registrar's own approvals do nothing.
    func approvalChanged(_ event: JSON, id: String, deadline: Double) throws(HandlerError) -> RegistryOutcome {
        func invalid(_ message: String) -> HandlerError { HandlerError(type: "InvalidEvent", message: message) }
        guard let detail = event["detail"], detail.objectValue != nil else { throw invalid("the model package state change has no detail object") }
        guard let arn = detail["ModelPackageArn"]?.stringValue, !arn.isEmpty else { throw invalid("detail.ModelPackageArn is missing") }
        let group = detail["ModelPackageGroupName"]?.stringValue ?? ""
        guard group == settings.groupName else {
            log("\(id) skipped \(arn): group \(group) is not \(settings.groupName)")
            return RegistryOutcome(packageArn: arn, reason: "model package group \(group) is not \(settings.groupName)")
        }
        let announced = detail["ModelApprovalStatus"]?.stringValue ?? ""
        guard announced == Self.approved else {
            log("\(id) skipped \(arn): status \(announced), nothing to deploy")
            return RegistryOutcome(packageArn: arn, status: announced, reason: "status \(announced): nothing to deploy")
        }
        let described: JSON
        do { described = try backend.describeModelPackage(arn: arn, deadline: deadline) } catch {
            throw HandlerError(type: "SageMaker.DescribeModelPackageFailed", message: "cannot describe \(arn): \(error)")
        }
        let status = described["ModelApprovalStatus"]?.stringValue ?? ""
        guard status == Self.approved else {
            log("\(id) skipped \(arn): it is \(status) now")
            return RegistryOutcome(packageArn: arn, status: status, reason: "no longer approved (\(status))")
        }
        if Text.contains(described["ModelPackageDescription"]?.stringValue ?? "", Self.autoApprovalMarker) {
            log("\(id) skipped \(arn): the registrar approved it at registration and wrote the parameter then")
            return RegistryOutcome(packageArn: arn, status: status, reason: "approved automatically at registration; already written")
        }
        guard let uri = described["InferenceSpecification"]?["Containers"]?.arrayValue?.first?["ModelDataUrl"]?.stringValue,
              Self.splitS3Uri(uri) != nil else {
            throw HandlerError(type: "InvalidModelPackage", message: "\(arn) has no s3:// ModelDataUrl in its inference specification")
        }
        try write(uri, id: id, deadline: deadline)
        log("\(id) \(arn) approved by hand: \(uri) written to \(parameterName)")
        count("ModelApprovedManually", id: id, deadline: deadline)
        return RegistryOutcome(deployed: uri, packageArn: arn, status: status, reason: "approved by hand")
    }

    // MARK: - Helpers

    private func write(_ uri: String, id: String, deadline: Double) throws(HandlerError) {
        try parameter.write(uri, to: parameterName, id: id, deadline: deadline)
    }

    private func count(_ name: String, id: String, deadline: Double) {
        parameter.count(name, namespace: metricsNamespace, id: id, deadline: deadline)
    }

    private func notify(subject: String, message: String, id: String, deadline: Double) {
        guard let topic = settings.alarmTopicArn else { return }
        do { try backend.publish(topicArn: topic, subject: subject, message: message, deadline: deadline) } catch {
            log("\(id) warning: notification not published to \(topic): \(error)")
        }
    }

    /// `s3://bucket/key` → (bucket, key).
    static func splitS3Uri(_ uri: String) -> (String, String)? {
        guard uri.hasPrefix("s3://") else { return nil }
        let rest = uri.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash]), key = String(rest[rest.index(after: slash)...])
        return bucket.isEmpty || key.isEmpty ? nil : (bucket, key)
    }
}
