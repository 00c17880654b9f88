import CloudFormation
import Constructs

/// A bucket, a `provided.al2023` function that reads it, a serverless SageMaker endpoint serving a model from it,
/// and an output. Each stack is a small type that owns its `Stack` and exposes its constructs as `let`s.
public struct DataStack {
    public let stack: Stack
    public let bucket: Bucket
    public let reader: Function
    public let endpoint: SageMakerEndpoint

    public init(_ app: App) {
        stack = Stack(app, "QuickstartData", description: "Quickstart: a bucket, a function reading it, a serverless endpoint")
        let codeBucket = Parameter<String>(stack, "CodeBucket", description: "S3 bucket of the function's deployment package")
        let codeKey = Parameter<String>(stack, "CodeKey", description: "S3 key of the deployment package", default: "reader.zip")
        bucket = Bucket(stack, "Data")
        reader = Function(stack, "Reader", code: .init(bucket: codeBucket.value, key: codeKey.value))
        reader.addEnvironment("DATA_BUCKET", bucket.name)
        bucket.grantRead(reader, prefix: "input/")
        endpoint = SageMakerEndpoint(stack, "Sentiment", image: .huggingFacePyTorchInference(),
                                     modelData: "s3://\(bucket.name)/models/model.tar.gz",
                                     serving: .serverless(variantName: "AllTraffic", memoryMiB: 2048, maxConcurrency: 5))
        bucket.grantRead(endpoint, prefix: "models/")
        Output(stack, "EndpointName", value: endpoint.name, description: "Invoke with aws sagemaker-runtime invoke-endpoint")
    }
}

/// A second stack that uses the first one's bucket ARN: the App adds the export and the import.
public struct AuditStack {
    public let stack: Stack
    public let auditor: Role

    @discardableResult
    public init(_ app: App, data: DataStack) {
        stack = Stack(app, "QuickstartAudit", description: "Quickstart: a role that may read the data bucket's reports")
        auditor = Role(stack, "Auditor", assumedBy: "lambda.amazonaws.com", description: "Reads reports from the data bucket")
        data.bucket.grantRead(auditor, prefix: "reports/")
    }
}

public enum Quickstart {
    /// The whole app: QuickstartData, then QuickstartAudit.
    public static func makeApp() -> App {
        let app = App()
        let data = DataStack(app)
        AuditStack(app, data: data)
        return app
    }
}
