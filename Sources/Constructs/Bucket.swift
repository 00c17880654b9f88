import AWSResources
import CloudFormation

/// An S3 bucket with secure defaults that need no remembering: SSE-S3 encryption, versioning, public
/// access fully blocked, bucket-owner-enforced ownership (no ACLs), a TLS-only bucket policy, expiry of
/// replaced versions and abandoned multipart uploads, and `Retain` on stack deletion.
///
/// `Bucket(scope, "Data")` is enough: the name is generated. Server access logging is opt-in
/// (`purpose: .data(accessLogs: logBucket)` with a `Bucket(scope, "Logs", purpose: .accessLogs)`), because it costs
/// a second bucket and its storage; checkov's CKV_AWS_18 reports a data bucket without it.
public final class Bucket: Construct {
    /// What the bucket is for, which decides its logging and policy.
    public enum Purpose {
        /// A data bucket whose access is logged to `accessLogs` under a prefix named after the bucket's id (nil: not logged).
        case data(accessLogs: Bucket?)
        /// A bucket that receives other buckets' S3 server access logs (it is not logged itself: that would loop).
        case accessLogs
    }

    public var resource: Resource<S3.Bucket> { storedResource }
    private var storedResource: Resource<S3.Bucket>!
    public var policy: Resource<S3.BucketPolicy> { storedPolicy }
    private var storedPolicy: Resource<S3.BucketPolicy>!
    public let purpose: Purpose
    /// The bucket name as given, known at synth time, so ARNs can be built without referring to the bucket.
    public let bucketName: Value<String>?
    private var policyStatements: [PolicyStatement] = []
    private var notifications: [S3.Bucket.LambdaConfiguration] = []
    private var notifiedFunctions: [Function] = []
    private var sourceBuckets: [Bucket] = []

    /// - Parameters:
    ///   - name: a fixed name, known at synth time (needed for `addObjectCreatedNotification`); nil: generated.
    ///   - purpose: a data bucket (optionally logged) or an access-log bucket.
    public init(_ scope: Construct, _ id: String, name: Value<String>? = nil, purpose: Purpose = .data(accessLogs: nil),
                noncurrentVersionExpirationDays: Int = 90) {
        self.purpose = purpose
        self.bucketName = name
        super.init(scope, id)
        var properties = S3.Bucket(
            bucketEncryption: S3.Bucket.BucketEncryption(serverSideEncryptionConfiguration: [
                S3.Bucket.ServerSideEncryptionRule(serverSideEncryptionByDefault: .init(sseAlgorithm: .init(.aes256))),
            ]),
            bucketName: name,
            lifecycleConfiguration: S3.Bucket.LifecycleConfiguration(rules: [
                S3.Bucket.Rule(abortIncompleteMultipartUpload: .init(daysAfterInitiation: 7), id: "ExpireNoncurrentVersions",
                               noncurrentVersionExpiration: .init(noncurrentDays: Value(noncurrentVersionExpirationDays)),
                               status: .init(.enabled)),
            ]),
            ownershipControls: S3.Bucket.OwnershipControls(rules: [.init(objectOwnership: .init(.bucketOwnerEnforced))]),
            publicAccessBlockConfiguration: S3.Bucket.PublicAccessBlockConfiguration(
                blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true),
            versioningConfiguration: S3.Bucket.VersioningConfiguration(status: .init(.enabled)))
        if case .data(let logs?) = purpose {
            properties.loggingConfiguration = S3.Bucket.LoggingConfiguration(destinationBucketName: logs.name, logFilePrefix: Value("\(id)/"))
        }
        storedResource = Resource(self, "Resource", properties)
        resource.deletionPolicy = .retain
        resource.updateReplacePolicy = .retain
        policyStatements.append(PolicyStatement(
            sid: "DenyInsecureTransport", effect: .deny, principals: [.aws("*")], actions: ["s3:*"],
            resources: [arn, "\(arn)/*"], conditions: [.init("Bool", "aws:SecureTransport", ["false"])]))
        storedPolicy = Resource(self, "Policy", S3.BucketPolicy(bucket: name ?? resource.ref, policyDocument: PolicyDocument(policyStatements).templateValue))
        if case .data(let logs?) = purpose { logs.acceptAccessLogs(from: self) }
        if case .accessLogs = purpose {
            CheckSuppression.checkov(resource, "CKV_AWS_18", reason: "This is the access-log bucket; logging it into itself would loop.")
        }
    }

    /// The bucket's name: the literal or `Fn::Sub` it was given, else `Ref`.
    public var name: Value<String> { bucketName ?? resource.ref }
    /// The bucket's ARN (`Fn::GetAtt Arn`); using it from another stack exports it.
    public var arn: Value<String> { resource.attrArn }

    /// Lets a role read objects under `prefix` (and nothing else in the bucket).
    public func grantRead(_ grantee: Grantable, prefix: String = "") {
        grantee.grantRole.addToPolicy(PolicyStatement(actions: ["s3:GetObject"], resources: ["\(arn)/\(prefix)*"]))
    }

    /// Lets a role write objects under `prefix`.
    public func grantWrite(_ grantee: Grantable, prefix: String = "") {
        grantee.grantRole.addToPolicy(PolicyStatement(actions: ["s3:PutObject"], resources: ["\(arn)/\(prefix)*"]))
    }

    /// Invokes `function` for every object created under `prefix` with `suffix`. Adds the `AWS::Lambda::Permission`
    /// for S3, limited to this account and this bucket through a `SourceArn` built from the bucket's name (not a
    /// reference to the bucket, which would make a cycle), and creates the bucket after it (S3 checks the
    /// permission when the notification is saved).
    public func addObjectCreatedNotification(to function: Function, prefix: String = "", suffix: String) {
        let sourceArn: Value<String> = "arn:\(Pseudo.partition):s3:::\(bucketName ?? "")"
        // One permission per function, however many filters invoke it.
        if !notifiedFunctions.contains(where: { $0 === function }) {
            let permission = Resource(self, "AllowNotify\(LogicalID.sanitize(function.id))\(notifiedFunctions.count == 0 ? "" : String(notifiedFunctions.count + 1))",
                                      Lambda.Permission(action: "lambda:InvokeFunction", functionName: function.arn,
                                                        principal: "s3.amazonaws.com", sourceAccount: Pseudo.accountId, sourceArn: sourceArn))
            resource.addDependency(permission)
            notifiedFunctions.append(function)
        }
        var rules: [S3.Bucket.FilterRule] = []
        if !prefix.isEmpty { rules.append(.init(name: "prefix", value: Value(prefix))) }
        rules.append(.init(name: "suffix", value: Value(suffix)))
        notifications.append(S3.Bucket.LambdaConfiguration(
            event: "s3:ObjectCreated:*", filter: .init(s3Key: .init(rules: rules)), function: function.arn))
        resource.properties.notificationConfiguration = S3.Bucket.NotificationConfiguration(lambdaConfigurations: notifications)
    }

    private func acceptAccessLogs(from source: Bucket) {
        sourceBuckets.append(source)
        policyStatements.removeAll { $0.sid == "AllowServerAccessLogs" }
        policyStatements.append(PolicyStatement(
            sid: "AllowServerAccessLogs", principals: [.service("logging.s3.amazonaws.com")], actions: ["s3:PutObject"],
            resources: ["\(arn)/*"],
            conditions: [.init("StringEquals", "aws:SourceAccount", [Pseudo.accountId]),
                         .init("ArnLike", "aws:SourceArn", sourceBuckets.map(\.arn))]))
        policy.properties.policyDocument = PolicyDocument(policyStatements).templateValue
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        if !notifications.isEmpty, bucketName == nil {
            report.error(resource, property: "BucketName", value: "(none)",
                         rule: "a bucket with notifications needs a name known at synth time, so the Lambda permission's SourceArn does not refer to the bucket (a cycle)")
        }
    }
}
