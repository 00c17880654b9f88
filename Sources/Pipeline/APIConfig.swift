import Foundation

extension PipelineConfig {
    /// The prediction API: a function of the handler package (`_HANDLER=predict`) behind a Lambda function URL,
    /// in front of the endpoint (SentimentEndpointStack).
    public struct API: Sendable, Equatable {
        public enum AuthType: String, Sendable, CaseIterable {
            /// Callers sign with SigV4 (service `lambda`) and need IAM permission (the default).
            case awsIAM = "AWS_IAM"
            /// Public: anyone on the internet (synthesis warns).
            case none = "NONE"
        }

        public var functionName: String
        public var authType: AuthType
        /// Browser origins allowed by CORS (`https://app.example.com`, or `*`); empty: no CORS.
        public var corsAllowOrigins: [String]
        public var memoryMiB: Int
        public var timeoutSeconds: Int
        /// The most requests served at once: beyond it callers get 429 from Lambda (throttles alarm).
        public var reservedConcurrency: Int
        public var logRetentionDays: Int
        /// Most texts per request (`API_MAX_ITEMS`).
        public var maxItems: Int
        /// Most characters per text (`API_MAX_CHARS`).
        public var maxChars: Int
        /// Function errors (crashes, timeouts) per alarm period that raise the alarm.
        public var errorsAlarmThreshold: Int
        /// Throttled requests (reserved concurrency exhausted) per alarm period that raise the alarm.
        public var throttlesAlarmThreshold: Int

        public static let defaults = API(functionName: "sentiment-prediction-api", authType: .awsIAM, corsAllowOrigins: [], memoryMiB: 256,
                                         timeoutSeconds: 30, reservedConcurrency: 5, logRetentionDays: 30, maxItems: 16, maxChars: 5000,
                                         errorsAlarmThreshold: 1, throttlesAlarmThreshold: 1)
    }
}

extension ConfigDecoder {
    static func decodeAPI(_ object: ConfigReader.Object) -> PipelineConfig.API {
        let defaults = PipelineConfig.API.defaults
        let name = object.string("functionName", default: defaults.functionName, [
            ConfigDecoder.lambdaFunctionName,
        ])
        let authType = object.choice("authType", default: defaults.authType)
        var origins: [String] = []
        if let items = object.array("corsAllowOrigins") {
            if items.count > 100 { object.fail("corsAllowOrigins", "\(items.count) origins", "must have at most 100 origins") }
            let origin = Rule<String>.pattern("^(\\*|https?://[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?(:[0-9]{1,5})?)$",
                                              "must be * or an origin such as https://app.example.com (scheme, host, optional port; no path)")
            for item in items {
                guard case .string(let text) = item.value.node else {
                    object.reader.report(item.field, ConfigReader.Object.describe(item.value.node), "must be a string", at: item.value)
                    continue
                }
                guard origin.test(text), text.count <= 253 else {
                    object.reader.report(item.field, "\"\(text)\"", text.count > 253 ? "length must be at most 253 characters" : origin.text, at: item.value)
                    continue
                }
                if origins.contains(text) {
                    object.reader.report(item.field, "\"\(text)\"", "origins must be unique", at: item.value)
                    continue
                }
                origins.append(text)
            }
        }
        let memory = object.integer("memoryMiB", default: defaults.memoryMiB, [.range(128...10240)])
        let timeout = object.integer("timeoutSeconds", default: defaults.timeoutSeconds,
                                     [Rule(text: "must be between 1 and 60 (SageMaker InvokeEndpoint answers within 60 s)") { (1...60).contains($0) }])
        let concurrency = object.integer("reservedConcurrency", default: defaults.reservedConcurrency, [.range(1...1000)])
        let retention = object.integer("logRetentionDays", default: defaults.logRetentionDays, [.oneOf(logRetentionDays)])
        let maxItems = object.integer("maxItems", default: defaults.maxItems, [.range(1...1000)])
        let maxChars = object.integer("maxChars", default: defaults.maxChars, [.range(1...100_000)])
        let errors = object.integer("errorsAlarmThreshold", default: defaults.errorsAlarmThreshold, [.range(1...1_000_000)])
        let throttles = object.integer("throttlesAlarmThreshold", default: defaults.throttlesAlarmThreshold, [.range(1...1_000_000)])
        object.finish()
        return .init(functionName: name, authType: authType, corsAllowOrigins: origins, memoryMiB: memory, timeoutSeconds: timeout,
                     reservedConcurrency: concurrency, logRetentionDays: retention, maxItems: maxItems, maxChars: maxChars,
                     errorsAlarmThreshold: errors, throttlesAlarmThreshold: throttles)
    }
}
