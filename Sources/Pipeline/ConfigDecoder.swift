import Foundation
import JSON

/// The field-by-field rules of `PipelineConfig`, in one place.
enum ConfigDecoder {
    static let logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
    static var sagemakerName: Rule<String> { .pattern("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", "must be 1 to 63 letters, digits or hyphens, starting and ending with a letter or digit") }
    static let bucketPrefixMaxLength = 63 - "-123456789012-ap-southeast-4".count
    static var lambdaFunctionName: Rule<String> { .pattern("^[a-zA-Z0-9_-]{1,64}$", "must be 1 to 64 letters, digits, hyphens or underscores") }

    /// A function's `metricsNamespace`: `fallback` when the key is absent, no metrics when it is null.
    static func metricsNamespace(_ object: ConfigReader.Object, default fallback: String?) -> String? {
        let given = object.isPresent("metricsNamespace")
        let namespace = object.optionalString("metricsNamespace", [
            .length(1...255), .pattern("^[^:]*$", "must not contain ':'"),
            Rule(text: "must not start with AWS/ (reserved for AWS services)") { !$0.hasPrefix("AWS/") },
        ])
        return given ? namespace : fallback
    }

    static func decode(_ root: ConfigReader.Object) -> PipelineConfig {
        let bucket = decodeBucket(root.object("modelBucket"))
        let registrar = decodeRegistrar(root.object("registrar"))
        let parameterName = root.string("modelParameterName", default: "/mlops/sentiment/model-data-url", [
            .pattern("^/[a-zA-Z0-9_.\\-/]+$", "must start with / and use only letters, digits and _ . - /"),
            .length(2...1011),
            Rule(text: "must not start with /aws or /ssm (reserved by AWS)") { name in
                let lower = name.lowercased()
                return !lower.hasPrefix("/aws") && !lower.hasPrefix("/ssm")
            },
            Rule(text: "must have at most 15 levels") { $0.split(separator: "/").count <= 15 },
            Rule(text: "must not end with /") { !$0.hasSuffix("/") },
        ])
        let endpoint = decodeEndpoint(root.object("endpoint"))
        let alarms = decodeAlarms(root.object("alarms"))
        let registry = decodeRegistry(root.object("registry"), modelSuffix: bucket.modelSuffix, registrarTimeout: registrar.timeoutSeconds)
        let monitoring = decodeMonitoring(root.object("monitoring"))
        let rollout = decodeRollout(root.object("rollout"))
        let tags = root.stringMap("tags",
                                  keyRules: [.length(1...128), Rule(text: "must not start with aws: (reserved)") { !$0.lowercased().hasPrefix("aws:") },
                                             .pattern("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", "may use letters, digits, spaces and _ . : / = + - @")],
                                  valueRules: [.length(0...256), .pattern("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", "may use letters, digits, spaces and _ . : / = + - @")])
            ?? [("Project", "sentiment-analysis"), ("ManagedBy", "swift-synth")]
        if tags.count > 50 { root.fail("tags", "\(tags.count) tags", "must have at most 50 tags") }
        let api = decodeAPI(root.object("api"))
        if endpoint.mode == .serverless, api.reservedConcurrency > endpoint.serverless.maxConcurrency {
            root.reader.report("api.reservedConcurrency", String(api.reservedConcurrency),
                               "must not exceed endpoint.serverless.maxConcurrency (\(endpoint.serverless.maxConcurrency)) in serverless mode: SageMaker would throttle the excess",
                               at: root.located("api")?["reservedConcurrency"] ?? root.located("api"))
        }
        root.finish()
        var config = PipelineConfig(modelBucket: bucket, registrar: registrar, modelParameterName: parameterName,
                                    endpoint: endpoint, alarms: alarms, registry: registry, monitoring: monitoring,
                                    tags: tags.map { (key: $0.0, value: $0.1) }, rollout: rollout)
        config.api = api
        return config
    }

    static func decodeBucket(_ object: ConfigReader.Object) -> PipelineConfig.ModelBucket {
        let bucketName = Rule<String>(text: "must be 3 to 63 lowercase letters, digits, dots or hyphens, start and end with a letter or digit, have no '..', and not look like an IP address") { name in
            S3BucketName.isValid(name)
        }
        let name = object.optionalString("name", [bucketName, Rule(text: "must be at most 58 characters (the access-log bucket adds -logs)") { $0.count <= 58 }])
        let prefix = object.string("namePrefix", default: "sentiment-models", [
            .pattern("^[a-z0-9][a-z0-9-]*$", "must be lowercase letters, digits or hyphens, starting with a letter or digit"),
            .length(3...bucketPrefixMaxLength),
            Rule(text: "must not start with xn-- or sthree- (reserved by S3)") { !$0.hasPrefix("xn--") && !$0.hasPrefix("sthree-") },
        ])
        let modelPrefix = object.string("modelPrefix", default: "models/", [
            .length(0...512), Rule(text: "must not start with /") { !$0.hasPrefix("/") },
            Rule(text: "must not contain * (S3 filters match literally)") { !$0.contains("*") },
        ])
        let suffix = object.string("modelSuffix", default: ".tar.gz", [
            .length(1...255), Rule(text: "must not contain * (S3 filters match literally)") { !$0.contains("*") },
        ])
        let noncurrent = object.integer("noncurrentVersionExpirationDays", default: 90, [.range(1...3650)])
        let accessLogs = object.integer("accessLogExpirationDays", default: 365, [.range(1...3650)])
        object.finish()
        return .init(name: name, namePrefix: prefix, modelPrefix: modelPrefix, modelSuffix: suffix,
                     noncurrentVersionExpirationDays: noncurrent, accessLogExpirationDays: accessLogs)
    }

    static func decodeRegistrar(_ object: ConfigReader.Object) -> PipelineConfig.Registrar {
        let name = object.string("functionName", default: "sentiment-model-registrar", [
            lambdaFunctionName,
        ])
        let architecture = object.choice("architecture", default: PipelineConfig.Architecture.x86_64)
        let memory = object.integer("memoryMiB", default: 256, [.range(128...10240)])
        let timeout = object.integer("timeoutSeconds", default: 30, [.range(1...900)])
        let concurrency = object.integer("reservedConcurrency", default: 5, [.range(1...1000)])
        let retention = object.integer("logRetentionDays", default: 30, [.oneOf(logRetentionDays)])
        let retries = object.integer("maximumRetryAttempts", default: 2, [.range(0...2)])
        let eventAge = object.integer("maximumEventAgeSeconds", default: 3600, [.range(60...21600)])
        let namespace = metricsNamespace(object, default: "MLOps/ModelRegistry")
        object.finish()
        return .init(functionName: name, architecture: architecture, memoryMiB: memory, timeoutSeconds: timeout,
                     reservedConcurrency: concurrency, logRetentionDays: retention, maximumRetryAttempts: retries,
                     maximumEventAgeSeconds: eventAge, metricsNamespace: namespace)
    }

    static func decodeEndpoint(_ object: ConfigReader.Object) -> PipelineConfig.Endpoint {
        let name = object.string("name", default: "sentiment-endpoint", [sagemakerName])
        let mode = object.choice("mode", default: PipelineConfig.ServingMode.instance)
        let image = decodeImage(object.object("image"))
        let environment = object.stringMap("environment",
                                           keyRules: [.pattern("^[a-zA-Z_][a-zA-Z0-9_]*$", "must be a valid environment variable name"), .length(1...1024)],
                                           valueRules: [.length(0...1024)])
            ?? [("HF_TASK", "text-classification")]
        let networkIsolation = object.bool("networkIsolation", default: true)
        var variants: [PipelineConfig.Variant] = []
        if let items = object.array("variants") {
            if items.isEmpty || items.count > 10 {
                object.fail("variants", "\(items.count) variants", "must have 1 to 10 variants")
            }
            for item in items {
                let variant = ConfigReader.Object(reader: object.reader, path: item.field, located: item.value)
                variants.append(decodeVariant(variant))
            }
        } else {
            variants = [.init(name: "AllTraffic", weight: 1, instanceType: "ml.m5.large", initialInstanceCount: 1)]
        }
        var seen = Set<String>()
        for (index, variant) in variants.enumerated() where !seen.insert(variant.name).inserted {
            object.fail("variants", "\"\(variant.name)\"", "variant names must be unique (variants[\(index)] repeats one)")
        }
        if !variants.isEmpty, !variants.contains(where: { $0.weight > 0 }) {
            object.fail("variants", "all weights 0", "at least one variant must have a weight above 0")
        }
        let serverless = decodeServerless(object.object("serverless"))
        let autoscaling = decodeAutoscaling(object.object("autoscaling"), variants: variants, mode: mode)
        let dataCapture = decodeDataCapture(object.object("dataCapture"))
        if mode == .serverless, dataCapture.enabled {
            object.fail("dataCapture", "enabled", "serverless endpoints do not support data capture; set endpoint.dataCapture.enabled to false")
        }
        let groupName = object.string("modelPackageGroupName", default: "sentiment-models", [sagemakerName])
        let rollout = decodeEndpointRollout(object.object("rollout"))
        // The endpoint stack watches two alarms per variant (5XX errors, p90 latency); SageMaker's rollback takes ten.
        if rollout.autoRollback, variants.count > 5 {
            object.fail("rollout", "autoRollback with \(variants.count) variants",
                        "autoRollback watches 2 alarms per variant and SageMaker accepts at most 10: use at most 5 variants or set endpoint.rollout.autoRollback to false")
        }
        object.finish()
        return .init(name: name, mode: mode, image: image, environment: Dictionary(environment, uniquingKeysWith: { a, _ in a }),
                     networkIsolation: networkIsolation, variants: variants, serverless: serverless,
                     autoscaling: autoscaling, dataCapture: dataCapture, modelPackageGroupName: groupName, rollout: rollout)
    }

    static func decodeImage(_ object: ConfigReader.Object) -> PipelineConfig.Image {
        let uri = object.optionalString("uri", [
            .pattern("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$",
                     "must be an ECR image URI with a tag or digest"),
        ])
        let repository = object.optionalString("repository", [.pattern("^[a-z0-9]+([._/-][a-z0-9]+)*$", "must be an ECR repository name")])
        let tag = object.optionalString("tag", [.pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", "must be an image tag")])
        object.finish()
        if let uri {
            if repository != nil || tag != nil {
                object.fail("uri", "\"\(uri)\"", "give either uri or repository and tag, not both")
            }
            return .uri(uri)
        }
        guard case .deepLearningContainer(let defaultRepository, let defaultTag) = PipelineConfig.defaultImage else { fatalError() }
        return .deepLearningContainer(repository: repository ?? defaultRepository, tag: tag ?? defaultTag)
    }

    static func decodeVariant(_ object: ConfigReader.Object) -> PipelineConfig.Variant {
        let name = object.string("name", default: "AllTraffic", [sagemakerName])
        let weight = object.number("weight", default: 1, [Rule(text: "must be between 0 and 1000") { (0...1000).contains($0) }])
        let instanceType = object.string("instanceType", default: "ml.m5.large", [
            .pattern("^ml\\.[a-z0-9]+\\.([0-9]*x?large|medium|metal)$", "must be a SageMaker instance type such as ml.m5.large"),
        ])
        let count = object.integer("initialInstanceCount", default: 1, [.range(1...100)])
        object.finish()
        return .init(name: name, weight: weight, instanceType: instanceType, initialInstanceCount: count)
    }

    static func decodeServerless(_ object: ConfigReader.Object) -> PipelineConfig.Serverless {
        let memory = object.integer("memorySizeMiB", default: 2048, [.oneOf([1024, 2048, 3072, 4096, 5120, 6144])])
        let concurrency = object.integer("maxConcurrency", default: 5, [.range(1...200)])
        object.finish()
        return .init(memorySizeMiB: memory, maxConcurrency: concurrency)
    }

    static func decodeAutoscaling(_ object: ConfigReader.Object, variants: [PipelineConfig.Variant],
                                  mode: PipelineConfig.ServingMode) -> PipelineConfig.Autoscaling {
        let minimum = object.integer("minCapacity", default: 1, [.range(1...100)])
        let maximum = object.integer("maxCapacity", default: 4, [.range(1...100)])
        let cpu = object.number("cpuTargetPercent", default: 70, [Rule(text: "must be above 0 and at most 100 (percent of the whole instance)") { $0 > 0 && $0 <= 100 }])
        let invocations = object.raw("invocationsPerInstance") == nil ? nil
            : object.number("invocationsPerInstance", default: 0, [Rule(text: "must be above 0") { $0 > 0 }])
        let scaleIn = object.integer("scaleInCooldownSeconds", default: 300, [.range(0...86400)])
        let scaleOut = object.integer("scaleOutCooldownSeconds", default: 60, [.range(0...86400)])
        if minimum > maximum {
            object.fail("minCapacity", String(minimum), "must not exceed maxCapacity (\(maximum))")
        }
        if mode == .instance {
            for variant in variants where !(minimum...max(minimum, maximum)).contains(variant.initialInstanceCount) {
                object.fail("minCapacity", String(minimum),
                            "variant \(variant.name) starts with \(variant.initialInstanceCount) instances, outside minCapacity...maxCapacity (\(minimum)...\(maximum))")
            }
        }
        object.finish()
        return .init(minCapacity: minimum, maxCapacity: maximum, cpuTargetPercent: cpu, invocationsPerInstance: invocations,
                     scaleInCooldownSeconds: scaleIn, scaleOutCooldownSeconds: scaleOut)
    }

    static func decodeDataCapture(_ object: ConfigReader.Object) -> PipelineConfig.DataCapture {
        let enabled = object.bool("enabled", default: true)
        let sampling = object.integer("samplingPercent", default: 20, [.range(0...100)])
        let prefix = object.string("prefix", default: "data-capture/", [
            .length(1...512), .pattern("^[a-zA-Z0-9!_.*'()/-]+$", "must be an S3 key prefix of safe characters"),
            Rule(text: "must not start with /") { !$0.hasPrefix("/") },
        ])
        object.finish()
        return .init(enabled: enabled, samplingPercent: sampling, prefix: prefix)
    }

    static func decodeAlarms(_ object: ConfigReader.Object) -> PipelineConfig.Alarms {
        let email = object.optionalString("email", [.pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", "must be an email address")])
        let period = object.integer("periodSeconds", default: 60, [
            Rule(text: "must be 10, 30 or a multiple of 60") { $0 == 10 || $0 == 30 || ($0 >= 60 && $0 % 60 == 0) },
            Rule(text: "must be at most 86400") { $0 <= 86400 },
        ])
        let evaluations = object.integer("evaluationPeriods", default: 5, [.range(1...100)])
        let errors5xx = object.integer("endpoint5xxErrors", default: 1, [.range(1...1_000_000)])
        let latency = object.integer("modelLatencyMilliseconds", default: 1000, [.range(1...3_600_000)])
        let registrarErrors = object.integer("registrarErrors", default: 1, [.range(1...1_000_000)])
        if period * evaluations > 86400 {
            object.fail("evaluationPeriods", String(evaluations), "periodSeconds × evaluationPeriods must be at most 86400 (one day)")
        }
        object.finish()
        return .init(email: email, periodSeconds: period, evaluationPeriods: evaluations, endpoint5xxErrors: errors5xx,
                     modelLatencyMilliseconds: latency, registrarErrors: registrarErrors)
    }
}

/// S3's bucket naming rules (general purpose buckets).
enum S3BucketName {
    static func isValid(_ name: String) -> Bool {
        guard (3...63).contains(name.count) else { return false }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }
        guard allowed, let first = name.unicodeScalars.first, let last = name.unicodeScalars.last else { return false }
        let alnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard alnum(first), alnum(last), !name.contains(".."), !name.contains(".-"), !name.contains("-.") else { return false }
        if name.hasPrefix("xn--") || name.hasPrefix("sthree-") || name.hasSuffix("-s3alias") || name.hasSuffix("--ol-s3") { return false }
        let parts = name.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ Int($0).map { (0...255).contains($0) } == true }) { return false }
        return true
    }
}
