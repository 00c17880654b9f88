import AWSResources
import Foundation

extension PipelineConfig {
    /// The model registry gate: every upload becomes a model package version, compared with the approved ones.
    public struct Registry: Sendable, Equatable {
        /// Off: an upload goes straight to the SSM parameter, as before the registry (the group still exists).
        public var enabled: Bool
        /// The metrics file beside each archive (`<dir>/<metricsFileName>`).
        public var metricsFileName: String
        /// The metric that decides approval.
        public var primaryMetric: String
        public var higherIsBetter: Bool
        /// The smallest improvement over the latest approved version that approves a candidate; 0 means strictly better.
        public var minimumImprovement: Double
        /// An archive without a metrics file: rejected (true) or approved as before the registry (false).
        public var requireMetrics: Bool
        /// How long an archive's event waits for a metrics file uploaded after it.
        public var metricsWaitSeconds: Int
    }

    /// The dashboard and the data-quality monitoring of the live endpoint.
    public struct Monitoring: Sendable, Equatable {
        public var dashboardName: String
        /// An hourly SageMaker Model Monitor data-quality schedule on the captured data (instance mode with capture only).
        public var dataQuality: Bool
        public var instanceType: String
        public var volumeSizeGB: Int
        public var maxRuntimeSeconds: Int
        /// `s3://…/` holding `statistics.json` and `constraints.json` from a baselining job; nil runs without a baseline.
        public var baselineUri: String?
        /// Where the monitoring reports go in the model bucket.
        public var reportsPrefix: String
    }
}

extension ConfigDecoder {
    static func decodeRegistry(_ object: ConfigReader.Object, modelSuffix: String, registrarTimeout: Int) -> PipelineConfig.Registry {
        let enabled = object.bool("enabled", default: true)
        let fileName = object.string("metricsFileName", default: "metrics.json", [
            .pattern("^[A-Za-z0-9._-]{1,255}$", "must be a file name of letters, digits, . _ -"),
            Rule(text: "must not end with modelBucket.modelSuffix (it would be taken for an archive)") { !$0.hasSuffix(modelSuffix) },
        ])
        let metric = object.string("primaryMetric", default: "f1", [
            .pattern("^[A-Za-z0-9_.:/=+@-]{1,64}$", "must be 1 to 64 letters, digits or _ . : / = + - @ (a metrics.json key)"),
        ])
        let higher = object.bool("higherIsBetter", default: true)
        let improvement = object.number("minimumImprovement", default: 0, [Rule(text: "must be 0 or more") { $0 >= 0 && $0.isFinite }])
        let require = object.bool("requireMetrics", default: false)
        let wait = object.integer("metricsWaitSeconds", default: 10, [.range(0...600)])
        if wait + 10 > registrarTimeout {
            object.fail("metricsWaitSeconds", String(wait), "must leave the registrar 10 s: at most registrar.timeoutSeconds − 10 (\(registrarTimeout - 10))")
        }
        object.finish()
        return .init(enabled: enabled, metricsFileName: fileName, primaryMetric: metric, higherIsBetter: higher,
                     minimumImprovement: improvement, requireMetrics: require, metricsWaitSeconds: wait)
    }

    static func decodeMonitoring(_ object: ConfigReader.Object) -> PipelineConfig.Monitoring {
        let name = object.string("dashboardName", default: "sentiment-pipeline", [
            .pattern("^[A-Za-z0-9_-]{1,255}$", "must be 1 to 255 letters, digits, - or _"),
        ])
        let dataQuality = object.bool("dataQuality", default: true)
        let instanceTypes = SageMaker.DataQualityJobDefinition.ClusterConfig.InstanceType.allCases.map(\.rawValue)
        let instanceType = object.string("instanceType", default: "ml.m5.large", [
            Rule(text: "must be an instance type SageMaker processing offers, such as ml.m5.large") { instanceTypes.contains($0) },
        ])
        let volume = object.integer("volumeSizeGB", default: 20, [.range(1...16384)])
        let runtime = object.integer("maxRuntimeSeconds", default: 1800, [.range(1...3600)])
        let baseline = object.optionalString("baselineUri", [
            .pattern("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*]*/)?$", "must be an s3://bucket/prefix/ URI ending with / (it holds statistics.json and constraints.json)"),
        ])
        let reports = object.string("reportsPrefix", default: "monitoring/data-quality/", [
            .length(1...512), .pattern("^[a-zA-Z0-9!_.*'()/-]+/$", "must be an S3 key prefix of safe characters ending with /"),
            Rule(text: "must not start with /") { !$0.hasPrefix("/") },
        ])
        object.finish()
        return .init(dashboardName: name, dataQuality: dataQuality, instanceType: instanceType, volumeSizeGB: volume,
                     maxRuntimeSeconds: runtime, baselineUri: baseline, reportsPrefix: reports)
    }
}
