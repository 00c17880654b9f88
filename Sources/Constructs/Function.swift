import AWSResources
import CloudFormation

/// A Lambda function with production defaults that cost nothing: its own log group with retention, a dead-letter
/// queue for failed asynchronous invocations, bounded retries, and a role that holds only what grants add (plus
/// writing to its own log group).
///
/// `Function(scope, "Worker", code: code)` is enough: runtime `provided.al2023` with handler `bootstrap` (any other
/// runtime takes a `handler:`), a name CloudFormation generates, and the services' default encryption (AWS-owned
/// keys). Give `key:` to encrypt the environment, logs and dead-letter queue with a customer-managed key instead,
/// and a `functionName` in `settings` when something outside the stack must find the function by name.
public final class Function: Construct, Grantable {
    public enum Architecture: String, Sendable { case arm64, x86_64 }

    /// Where the deployment package is: an S3 bucket and key, typically template parameters,
    /// so the template deploys as it is with `aws cloudformation deploy --parameter-overrides`.
    public struct Code {
        public var bucket: Value<String>
        public var key: Value<String>

        public init(bucket: Value<String>, key: Value<String>) {
            self.bucket = bucket
            self.key = key
        }
    }

    /// Everything but the code and runtime; every field has a default.
    public struct Settings {
        /// A fixed name; nil lets CloudFormation generate one (which a replacement can then change freely).
        public var functionName: String?
        public var description: String?
        public var architecture: Architecture
        public var memoryMiB: Int
        public var timeoutSeconds: Int
        /// Reserved concurrency; nil leaves the function in the account's unreserved pool.
        public var reservedConcurrency: Int?
        public var logRetentionDays: Int
        public var maximumRetryAttempts: Int
        public var maximumEventAgeSeconds: Int
        /// Whether anything invokes the function asynchronously (S3, EventBridge, SNS): only then do the dead-letter
        /// queue and the retry settings (`maximumRetryAttempts`, `maximumEventAgeSeconds`) apply. A function called only
        /// synchronously (a function URL, an API) gets neither, instead of a queue nothing ever writes to.
        public var invokedAsynchronously: Bool

        public init(functionName: String? = nil, description: String? = nil, architecture: Architecture = .arm64, memoryMiB: Int = 256,
                    timeoutSeconds: Int = 30, reservedConcurrency: Int? = nil, logRetentionDays: Int = 30,
                    maximumRetryAttempts: Int = 2, maximumEventAgeSeconds: Int = 3600, invokedAsynchronously: Bool = true) {
            self.functionName = functionName
            self.description = description
            self.architecture = architecture
            self.memoryMiB = memoryMiB
            self.timeoutSeconds = timeoutSeconds
            self.reservedConcurrency = reservedConcurrency
            self.logRetentionDays = logRetentionDays
            self.maximumRetryAttempts = maximumRetryAttempts
            self.maximumEventAgeSeconds = maximumEventAgeSeconds
            self.invokedAsynchronously = invokedAsynchronously
        }
    }

    public let settings: Settings
    public let runtime: Lambda.Function.Runtime
    public var role: Role { storedRole }
    private var storedRole: Role!
    public var logGroup: Resource<Logs.LogGroup> { storedLogGroup }
    private var storedLogGroup: Resource<Logs.LogGroup>!
    /// Failed asynchronous invocations; nil for a function invoked only synchronously.
    public private(set) var deadLetterQueue: Queue?
    public var resource: Resource<Lambda.Function> { storedResource }
    private var storedResource: Resource<Lambda.Function>!
    /// Retries and maximum event age of asynchronous invocations; nil for a function invoked only synchronously.
    public private(set) var invokeConfig: Resource<Lambda.EventInvokeConfig>?
    private var environment: [(String, Value<String>)] = []
    private let handler: String?

    /// A function with the given code; see the type's documentation for the defaults.
    /// - Parameters:
    ///   - runtime: any Lambda runtime; `provided.al2023` (a custom runtime's `bootstrap`) by default.
    ///   - handler: the handler; defaults to `bootstrap` for the `provided` runtimes, required for the others.
    ///   - key: a customer-managed key for the environment, logs and dead-letter queue; nil: AWS-owned keys.
    public init(_ scope: Construct, _ id: String, code: Code, runtime: Lambda.Function.Runtime = .providedAl2023, handler: String? = nil,
                settings: Settings = Settings(), key: EncryptionKey? = nil) {
        self.settings = settings
        self.runtime = runtime
        self.handler = handler ?? (runtime.rawValue.hasPrefix("provided") ? "bootstrap" : nil)
        super.init(scope, id)
        let logGroupName = settings.functionName.map { "/aws/lambda/\($0)" }
        storedRole = Role(self, "ServiceRole", assumedBy: "lambda.amazonaws.com",
                    description: "Execution role of \(settings.functionName ?? path): only the permissions its grants add")
        if let key {
            // Without a fixed name the log group's ARN is not known when the key policy is written: any log group of the account.
            let logGroupArn: Value<String> = "arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:\(logGroupName ?? "*")"
            // The encryption context names the log group only on cryptographic requests; `kms:DescribeKey` carries none, so
            // it is allowed in a statement of its own (one per key), where that condition cannot make it unmatchable.
            key.allowService("AllowLogsFor\(LogicalID.sanitize(String(path.drop { $0 != "/" })))", "logs.\(Pseudo.region).amazonaws.com",
                             actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey"],
                             conditions: [.init("ArnEquals", "kms:EncryptionContext:aws:logs:arn", [logGroupArn])])
            key.allowService("AllowLogsDescribeKey", "logs.\(Pseudo.region).amazonaws.com", actions: ["kms:DescribeKey"])
        }
        storedLogGroup = Resource(self, "LogGroup", Logs.LogGroup(
            kmsKeyId: key?.arn, logGroupName: logGroupName.map { Value($0) }, retentionInDays: Value(settings.logRetentionDays)))
        logGroup.deletionPolicy = .retain
        logGroup.updateReplacePolicy = .retain
        role.addToPolicy(PolicyStatement(actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.attrArn]))
        if settings.invokedAsynchronously {
            let queue = Queue(self, "DeadLetterQueue", key: key)
            queue.grantSendMessages(role)
            deadLetterQueue = queue
        }
        key?.grantDecrypt(role)
        storedResource = Resource(self, "Resource", Lambda.Function(
            architectures: [Value(settings.architecture.rawValue)],
            code: Lambda.Function.Code(s3Bucket: code.bucket, s3Key: code.key),
            deadLetterConfig: deadLetterQueue.map { Lambda.Function.DeadLetterConfig(targetArn: $0.arn) },
            description: settings.description.map { Value($0) },
            functionName: settings.functionName.map { Value($0) },
            handler: self.handler.map { Value($0) },
            kmsKeyArn: key?.arn,
            loggingConfig: Lambda.Function.LoggingConfig(logFormat: .init(.text), logGroup: logGroup.ref),
            memorySize: Value(settings.memoryMiB),
            reservedConcurrentExecutions: settings.reservedConcurrency.map { Value($0) },
            role: role.arn,
            runtime: .init(runtime),
            timeout: Value(settings.timeoutSeconds)))
        // The role's policy is inline, so it exists before the function; `LoggingConfig.LogGroup` refers to the
        // log group, so CloudFormation creates it first too (else Lambda would create one of its own).
        if settings.invokedAsynchronously {
            invokeConfig = Resource(self, "EventInvokeConfig", Lambda.EventInvokeConfig(
                functionName: resource.ref,
                maximumEventAgeInSeconds: Value(settings.maximumEventAgeSeconds),
                maximumRetryAttempts: Value(settings.maximumRetryAttempts),
                qualifier: "$LATEST"))
        }
    }

    /// The pipeline's form: settings first, a customer-managed key always; `handler` is the `_HANDLER` name that picks one
    /// of the handlers the pipeline's single `bootstrap` serves.
    public convenience init(_ scope: Construct, _ id: String, handler: String? = nil, settings: Settings, code: Code, key: EncryptionKey) {
        self.init(scope, id, code: code, handler: handler, settings: settings, key: key)
    }

    public var grantRole: Role { role }
    /// The function's ARN.
    public var arn: Value<String> { resource.attrArn }
    /// The function's name (`Ref`).
    public var name: Value<String> { resource.ref }

    /// Sets an environment variable (encrypted at rest with the function's key).
    public func addEnvironment(_ name: String, _ value: Value<String>) {
        environment.removeAll { $0.0 == name }
        environment.append((name, value))
        resource.properties.environment = Lambda.Function.Environment(
            variables: Dictionary(environment.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }))
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        // Ranges the registry schema states (timeout, retries, event age, minimum memory) are checked by the generated
        // rules; these are the service's stricter ones.
        if settings.memoryMiB > 10240 {
            report.error(resource, property: "MemorySize", value: String(settings.memoryMiB), rule: "must be at most 10240 (Lambda's limit; the schema allows more)")
        }
        if let reserved = settings.reservedConcurrency, reserved < 1 {
            report.error(resource, property: "ReservedConcurrentExecutions", value: String(reserved),
                         rule: "must be at least 1 (0 throttles every invocation; leave it nil for the unreserved pool)")
        }
        if handler == nil {
            report.error(resource, property: "Handler", value: "(none)",
                         rule: "runtime \(runtime.rawValue) needs a handler (only the provided runtimes default to bootstrap)")
        }
        let reserved = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV"]
        for (name, _) in environment where reserved.contains(name) {
            report.error(resource, property: "Environment.Variables.\(name)", value: name, rule: "is reserved by the Lambda runtime")
        }
    }
}
