import AWSResources
import CloudFormation
import Constructs

/// The clients' entry to the model: the handler package's `predict` handler behind a function URL (IAM-authenticated
/// unless the config says otherwise), allowed to invoke and describe this one endpoint and nothing else, with its
/// concurrency capped so a burst of clients cannot queue more requests on the endpoint than it can serve in time.
/// A small type owning its construct-tree node (`node`, at `<scope>/<id>`), as the pipeline's stacks own theirs.
struct PredictionAPI {
    let node: Construct
    let function: Function
    let url: FunctionURL

    init(_ scope: Construct, _ id: String, endpoint: SageMakerEndpoint, code: Function.Code, key: EncryptionKey, alarmTopic: Topic, config: PipelineConfig) {
        node = Construct(scope, id)
        let api = config.api
        function = Function(node, "Function", handler: "predict", settings: .init(
            functionName: api.functionName,
            description: "Prediction API: POST /predict and GET /health in front of the SageMaker endpoint \(config.endpoint.name)",
            // The same package as the registrar's, so the same architecture.
            architecture: config.registrar.architecture.function,
            memoryMiB: api.memoryMiB, timeoutSeconds: api.timeoutSeconds, reservedConcurrency: api.reservedConcurrency,
            logRetentionDays: api.logRetentionDays, invokedAsynchronously: false),
            code: code, key: key)
        function.addEnvironment("ENDPOINT_NAME", endpoint.name)
        function.addEnvironment("API_MAX_ITEMS", Value(String(api.maxItems)))
        function.addEnvironment("API_MAX_CHARS", Value(String(api.maxChars)))
        endpoint.grantInvoke(function)
        CheckSuppression.checkov(function.resource, "CKV_AWS_116",
                                 reason: "Only a function URL invokes it, synchronously: the caller gets every error, so a dead-letter queue (for asynchronous invocations) would never receive anything.")
        CheckSuppression.checkov(function.resource, "CKV_AWS_117",
                                 reason: "The function only calls the SageMaker runtime and API endpoints; a VPC would add NAT or endpoints and cold-start cost for no isolation gain.")
        url = FunctionURL(node, "FunctionUrl", function: function, authType: api.authType == .none ? .none : .awsIAM,
                          corsAllowOrigins: api.corsAllowOrigins)
        let dimensions: [(String, Value<String>)] = [("FunctionName", function.name)]
        Alarm(node, "ErrorsAlarm", description: "The prediction API function failed (crash, timeout or init error); check its log",
              metric: Metric(namespace: "AWS/Lambda", name: "Errors", dimensions: dimensions, statistic: .sum),
              threshold: Double(api.errorsAlarmThreshold), periodSeconds: config.alarms.periodSeconds, evaluationPeriods: 1, notify: alarmTopic)
        Alarm(node, "ThrottlesAlarm",
              description: "Prediction API requests were throttled: more than \(api.reservedConcurrency) at once (api.reservedConcurrency)",
              metric: Metric(namespace: "AWS/Lambda", name: "Throttles", dimensions: dimensions, statistic: .sum),
              threshold: Double(api.throttlesAlarmThreshold), periodSeconds: config.alarms.periodSeconds, evaluationPeriods: 1, notify: alarmTopic)
    }
}
