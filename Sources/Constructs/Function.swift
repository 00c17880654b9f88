import AWSResources
import CloudFormation

/// A Lambda function on the `provided.al2023` custom runtime (`bootstrap` handler) with production defaults:
/// its own KMS-encrypted log group with retention, environment encrypted with a customer-managed key,
/// reserved concurrency, a dead-letter queue for failed asynchronous invocations and bounded retries,
/// and a role that holds only what grants add (plus writing to its own log group).
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

    public struct Settings {
        public var functionName: String
        /// Passed to the runtime as `_HANDLER`: a custom runtime's `bootstrap` uses it to pick which of its handlers runs.
        public var handler: String
        public var description: String?
        public var architecture: Architecture
        public var memoryMiB: Int
        public var timeoutSeconds: Int
        public var reservedConcurrency: Int
        public var logRetentionDays: Int
        public var maximumRetryAttempts: Int
        public var maximumEventAgeSeconds: Int

        public init(functionName: String, handler: String = "bootstrap", description: String? = nil, architecture: Architecture = .arm64, memoryMiB: Int = 256,
                    timeoutSeconds: Int = 30, reservedConcurrency: Int = 5, logRetentionDays: Int = 30,
                    maximumRetryAttempts: Int = 2, maximumEventAgeSeconds: Int = 3600) {
            self.functionName = functionName
            self.handler = handler
            self.description = description
            self.architecture = architecture
            self.memoryMiB = memoryMiB
            self.timeoutSeconds = timeoutSeconds
            self.reservedConcurrency = reservedConcurrency
            self.logRetentionDays = logRetentionDays
            self.maximumRetryAttempts = maximumRetryAttempts
            self.maximumEventAgeSeconds = maximumEventAgeSeconds
        }
    }

    public let settings: Settings
    public private(set) var role: Role!
    public private(set) var logGroup: Resource<Logs.LogGroup>!
    public private(set) var deadLetterQueue: Queue!
    public private(set) var resource: Resource<Lambda.Function>!
    public private(set) var invokeConfig: Resource<Lambda.EventInvokeConfig>!
    private var environment: [(String, Value<String>)] = []

    public init(_ scope: Construct, _ id: String, settings: Settings, code: Code, key: EncryptionKey) {
        self.settings = settings
        super.init(scope, id)
        let logGroupName = "/aws/lambda/\(settings.functionName)"
        role = Role(self, "ServiceRole", assumedBy: "lambda.amazonaws.com",
                    description: "Execution role of \(settings.functionName): only the permissions its grants add")
        // The encryption context names the log group only on cryptographic requests; `kms:DescribeKey` carries none, so
        // it is allowed in a statement of its own (one per key), where that condition cannot make it unmatchable.
        key.allowService("AllowLogsFor\(LogicalID.sanitize(id))", "logs.\(Pseudo.region).amazonaws.com",
                         actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey"],
                         conditions: [.init("ArnEquals", "kms:EncryptionContext:aws:logs:arn",
                                            ["arn:\(Pseudo.partition):logs:\(Pseudo.region):\(Pseudo.accountId):log-group:\(logGroupName)"])])
        key.allowService("AllowLogsDescribeKey", "logs.\(Pseudo.region).amazonaws.com", actions: ["kms:DescribeKey"])
        logGroup = Resource(self, "LogGroup", Logs.LogGroup(
            kmsKeyId: key.arn, logGroupName: Value(logGroupName), retentionInDays: Value(settings.logRetentionDays)))
        logGroup.deletionPolicy = .retain
        logGroup.updateReplacePolicy = .retain
        role.addToPolicy(PolicyStatement(actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.attrArn]))
        deadLetterQueue = Queue(self, "DeadLetterQueue", key: key)
        deadLetterQueue.grantSendMessages(role)
        key.grantDecrypt(role)
        resource = Resource(self, "Resource", Lambda.Function(
            architectures: [Value(settings.architecture.rawValue)],
            code: Lambda.Function.Code(s3Bucket: code.bucket, s3Key: code.key),
            deadLetterConfig: Lambda.Function.DeadLetterConfig(targetArn: deadLetterQueue.arn),
            description: settings.description.map { Value($0) },
            functionName: Value(settings.functionName),
            handler: Value(settings.handler),
            kmsKeyArn: key.arn,
            loggingConfig: Lambda.Function.LoggingConfig(logFormat: .init(.text), logGroup: logGroup.ref),
            memorySize: Value(settings.memoryMiB),
            reservedConcurrentExecutions: Value(settings.reservedConcurrency),
            role: role.arn,
            runtime: .init(.providedAl2023),
            timeout: Value(settings.timeoutSeconds)))
        // The role's policy is inline, so it exists before the function; `LoggingConfig.LogGroup` refers to the
        // log group, so CloudFormation creates it first too (else Lambda would create an unencrypted one).
        invokeConfig = Resource(self, "EventInvokeConfig", Lambda.EventInvokeConfig(
            functionName: resource.ref,
            maximumEventAgeInSeconds: Value(settings.maximumEventAgeSeconds),
            maximumRetryAttempts: Value(settings.maximumRetryAttempts),
            qualifier: "$LATEST"))
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
        // Ranges the registry schema states (timeout, retries, event age, minimum memory) are checked by the generated
        // rules; these are the service's stricter ones.
        if settings.memoryMiB > 10240 {
            report.error(resource, property: "MemorySize", value: String(settings.memoryMiB), rule: "must be at most 10240 (Lambda's limit; the schema allows more)")
        }
        if settings.reservedConcurrency < 1 {
            report.error(resource, property: "ReservedConcurrentExecutions", value: String(settings.reservedConcurrency),
                         rule: "must be at least 1 (0 throttles every invocation)")
        }
        let reserved = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV"]
        for (name, _) in environment where reserved.contains(name) {
            report.error(resource, property: "Environment.Variables.\(name)", value: name, rule: "is reserved by the Lambda runtime")
        }
    }
}
