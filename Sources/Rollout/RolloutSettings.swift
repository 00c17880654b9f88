import LambdaRuntime

/// The rollout handler's settings, from the function's environment (LambdaStack sets every one).
struct RolloutSettings: Equatable {
    /// The endpoint stack the rollout updates.
    var stackName: String
    /// The SSM parameter that records which model serves.
    var parameterName: String
    /// The endpoint stack's template parameter that reads `parameterName` (type `AWS::SSM::Parameter::Value<String>`).
    var templateParameter: String
    /// Only `s3://<modelBucket>/<modelPrefix>…<modelSuffix>` is rolled out.
    var modelBucket: String
    var modelPrefix: String
    var modelSuffix: String
    /// What UpdateStack acknowledges (the endpoint stack creates an IAM role).
    var capabilities: [String]
    var metricsNamespace: String?
    var alarmTopicArn: String?
    /// Polling of a busy or updating stack: first pause, doubling up to the maximum.
    var pollInitialSeconds: Double
    var pollMaximumSeconds: Double

    init(environment: [String: String]) throws(HandlerError) {
        func required(_ name: String, _ meaning: String) throws(HandlerError) -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw HandlerError.configuration("\(name) is not set; it names \(meaning)")
            }
            return value
        }
        func optional(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func seconds(_ name: String, default value: Double) throws(HandlerError) -> Double {
            guard let text = optional(name) else { return value }
            guard let number = Double(text), number > 0, number <= 300 else {
                throw HandlerError.configuration("\(name) = \"\(text)\" must be a number of seconds above 0 and at most 300")
            }
            return number
        }
        stackName = try required("ENDPOINT_STACK_NAME", "the endpoint stack to update")
        parameterName = try required("SSM_PARAMETER_NAME", "the SSM parameter that records the model to serve")
        modelBucket = try required("MODEL_BUCKET", "the bucket every rolled-out model must come from")
        templateParameter = optional("MODEL_DATA_TEMPLATE_PARAMETER") ?? "ModelDataUrl"
        modelPrefix = optional("MODEL_PREFIX") ?? ""
        modelSuffix = optional("MODEL_SUFFIX") ?? ".tar.gz"
        capabilities = (optional("STACK_CAPABILITIES") ?? "CAPABILITY_NAMED_IAM").split(separator: ",").map(String.init)
        metricsNamespace = optional("METRICS_NAMESPACE")
        alarmTopicArn = optional("ALARM_TOPIC_ARN")
        pollInitialSeconds = try seconds("POLL_INITIAL_SECONDS", default: 5)
        pollMaximumSeconds = try seconds("POLL_MAXIMUM_SECONDS", default: 30)
    }

    /// Why `uri` may not be rolled out, or nil when it may: an `s3://` URI in the model bucket, under the prefix, with the suffix.
    func refusal(of uri: String) -> String? {
        let expected = "an s3:// URI under s3://\(modelBucket)/\(modelPrefix) ending in \(modelSuffix)"
        let head = "s3://\(modelBucket)/"
        guard uri.hasPrefix(head) else { return "\"\(uri)\" is not \(expected)" }
        let key = String(uri.dropFirst(head.count))
        guard key.hasPrefix(modelPrefix), key.hasSuffix(modelSuffix), key.count > modelPrefix.count + modelSuffix.count else {
            return "\"\(uri)\" is not \(expected)"
        }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "\"\(uri)\" contains control characters"
        }
        // `a//b`, `a/./b`, `a/../b`: S3 keys may hold them, but such a URI is not what the registrar writes.
        if key.split(separator: "/", omittingEmptySubsequences: false).dropLast().contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "\"\(uri)\" has an empty or relative path segment"
        }
        return nil
    }
}
