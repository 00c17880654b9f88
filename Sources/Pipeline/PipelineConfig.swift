import Foundation
import JSON

/// Every setting of the pipeline, decoded from `config/pipeline.json` and validated field by field.
///
/// A missing key takes the default documented in the README (the shipped file lists every key);
/// an unknown key is an error, so a typo never passes silently.
public struct PipelineConfig: Sendable, Equatable {
    /// The bucket data scientists upload model archives to.
    public struct ModelBucket: Sendable, Equatable {
        /// An explicit bucket name; nil means `<namePrefix>-<account>-<region>`, unique per environment.
        public var name: String?
        public var namePrefix: String
        /// Only keys under this prefix trigger registration (empty: the whole bucket).
        public var modelPrefix: String
        /// Only keys with this suffix trigger registration.
        public var modelSuffix: String
        /// Days before a replaced (noncurrent) object version is deleted.
        public var noncurrentVersionExpirationDays: Int
        /// Days the access logs are kept.
        public var accessLogExpirationDays: Int
    }

    public enum Architecture: String, Sendable, CaseIterable { case arm64, x86_64 }

    /// The Lambda function that records each uploaded model's S3 URI.
    public struct Registrar: Sendable, Equatable {
        public var functionName: String
        public var architecture: Architecture
        public var memoryMiB: Int
        public var timeoutSeconds: Int
        public var reservedConcurrency: Int
        public var logRetentionDays: Int
        public var maximumRetryAttempts: Int
        public var maximumEventAgeSeconds: Int
        /// CloudWatch namespace of the `ModelRegistered` metric; nil disables the metric.
        public var metricsNamespace: String?
    }

    public enum ServingMode: String, Sendable, CaseIterable { case instance, serverless }

    /// The inference container image.
    public enum Image: Sendable, Equatable {
        /// An AWS Deep Learning Container from the regional registry, for example
        /// `huggingface-pytorch-inference` with tag `2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04`.
        case deepLearningContainer(repository: String, tag: String)
        /// A full image URI (region-specific: the templates then only deploy where that registry is).
        case uri(String)
    }

    /// One production variant; several with weights split traffic for an A/B test.
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var weight: Double
        public var instanceType: String
        public var initialInstanceCount: Int
    }

    public struct Serverless: Sendable, Equatable {
        public var memorySizeMiB: Int
        public var maxConcurrency: Int
    }

    public struct Autoscaling: Sendable, Equatable {
        public var minCapacity: Int
        public var maxCapacity: Int
        /// Target average CPU use, in percent of the whole instance (all vCPUs).
        public var cpuTargetPercent: Double
        /// Optional second target: invocations per instance per minute.
        public var invocationsPerInstance: Double?
        public var scaleInCooldownSeconds: Int
        public var scaleOutCooldownSeconds: Int
    }

    public struct DataCapture: Sendable, Equatable {
        public var enabled: Bool
        public var samplingPercent: Int
        public var prefix: String
    }

    public struct Endpoint: Sendable, Equatable {
        public var name: String
        public var mode: ServingMode
        public var image: Image
        public var environment: [String: String]
        public var networkIsolation: Bool
        public var variants: [Variant]
        public var serverless: Serverless
        public var autoscaling: Autoscaling
        public var dataCapture: DataCapture
        /// Name of the SageMaker model package group where trained models are registered with their metrics.
        public var modelPackageGroupName: String
        /// Deployment guardrails for a changed model (blue/green traffic shifting, automatic rollback).
        public var rollout: EndpointRollout = .defaults
    }

    public struct Alarms: Sendable, Equatable {
        /// An address subscribed to the alarm topic (it must confirm the subscription); nil for none.
        public var email: String?
        public var periodSeconds: Int
        public var evaluationPeriods: Int
        public var endpoint5xxErrors: Int
        public var modelLatencyMilliseconds: Int
        public var registrarErrors: Int
    }

    public var modelBucket: ModelBucket
    public var registrar: Registrar
    /// The SSM parameter holding the S3 URI of the newest model.
    public var modelParameterName: String
    public var endpoint: Endpoint
    public var alarms: Alarms
    public var registry: Registry
    public var monitoring: Monitoring
    /// Tags for every resource that takes tags, in file order.
    public var tags: [(key: String, value: String)]
    /// The prediction API in front of the endpoint.
    public var api: API = .defaults
    /// The function that rolls a newly recorded model out to the endpoint.
    public var rollout: Rollout = .defaults

    public static func == (a: PipelineConfig, b: PipelineConfig) -> Bool {
        a.modelBucket == b.modelBucket && a.registrar == b.registrar && a.modelParameterName == b.modelParameterName
            && a.endpoint == b.endpoint && a.alarms == b.alarms && a.api == b.api && a.registry == b.registry
            && a.monitoring == b.monitoring && a.rollout == b.rollout
            && a.tags.map { "\($0.key)=\($0.value)" } == b.tags.map { "\($0.key)=\($0.value)" }
    }

    /// The default Hugging Face PyTorch inference image on CPU (torch + transformers).
    public static let defaultImage = Image.deepLearningContainer(
        repository: "huggingface-pytorch-inference", tag: "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04")

    /// Reads and validates a config file. Throws `ConfigError` with every problem, or `ConfigFileError` when the file cannot be read.
    public static func load(from path: String) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFileError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, issues: [ConfigIssue(field: "(file)", value: "", rule: "must be UTF-8 text")])
        }
        return try decode(text, file: path)
    }

    /// Decodes and validates config JSON text.
    public static func decode(_ text: String, file: String = "config") throws -> PipelineConfig {
        let root: LocatedJSON
        do {
            root = try LocatedJSON(parsing: text, options: .strict)
        } catch {
            throw ConfigError(file: file, issues: [ConfigIssue(field: "", value: "", rule: "malformed JSON: \(error.reason)",
                                                               line: error.line, column: error.column)])
        }
        let reader = ConfigReader()
        let config = ConfigDecoder.decode(ConfigReader.Object(reader: reader, path: "", located: root))
        if !reader.issues.isEmpty { throw ConfigError(file: file, issues: reader.issues) }
        return config
    }
}

/// The config file is missing or unreadable.
public struct ConfigFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "config file \(path) \(reason)" }
}
