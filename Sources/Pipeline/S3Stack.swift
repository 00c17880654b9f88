import AWSResources
import CloudFormation
import Constructs

/// The model bucket data scientists upload to, its access-log bucket, and the notification that invokes the registrar.
/// Owns its `Stack` (`stack`), as every pipeline stack does.
public struct S3Stack {
    public let stack: Stack
    public let bucket: Bucket
    public let accessLogs: Bucket

    public init(_ app: App, _ id: String = "S3Stack", lambdaStack: LambdaStack, config: PipelineConfig) {
        stack = Stack(app, id, description: "Model bucket: uploads of model archives invoke the registrar")
        let settings = config.modelBucket
        let name = settings.bucketName
        let logsName: Value<String> = settings.name.map { Value("\($0)-logs") }
            ?? "\(settings.namePrefix)-logs-\(Pseudo.accountId)-\(Pseudo.region)"
        accessLogs = Bucket(stack, "AccessLogBucket", name: logsName, purpose: .accessLogs,
                            noncurrentVersionExpirationDays: settings.accessLogExpirationDays)
        accessLogs.resource.properties.lifecycleConfiguration?.rules.append(S3.Bucket.Rule(
            expirationInDays: Value(settings.accessLogExpirationDays), id: "ExpireAccessLogs", status: .init(.enabled)))
        bucket = Bucket(stack, "ModelBucket", name: name, purpose: .data(accessLogs: accessLogs),
                        noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays)
        bucket.addObjectCreatedNotification(to: lambdaStack.function, prefix: settings.modelPrefix, suffix: settings.modelSuffix)
        if config.registry.enabled {
            // The metrics file beside an archive is a trigger too (either may arrive first).
            bucket.addObjectCreatedNotification(to: lambdaStack.function, prefix: settings.modelPrefix, suffix: config.registry.metricsFileName)
        }
        Output(stack, "ModelBucketName", value: bucket.name, description: "Upload model archives here, under \(settings.modelPrefix.isEmpty ? "any prefix" : settings.modelPrefix)")
        Tagging.apply(config.tags, to: stack)
    }
}

extension PipelineConfig.ModelBucket {
    /// The model bucket's name: the configured one, or `<namePrefix>-<account>-<region>`. One place, because
    /// S3Stack creates the bucket while LambdaStack's grants and the rollout's settings name it (a mismatch would
    /// only show at run time, as access denied).
    var bucketName: Value<String> { name.map { Value($0) } ?? "\(namePrefix)-\(Pseudo.accountId)-\(Pseudo.region)" }
}
