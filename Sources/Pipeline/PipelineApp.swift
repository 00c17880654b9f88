import CloudFormation
import Constructs

/// Builds the whole pipeline from its config: LambdaStack → S3Stack → SentimentEndpointStack → MonitoringStack.
public enum PipelineApp {
    public static func make(config: PipelineConfig) -> App {
        let app = App()
        let lambda = LambdaStack(app, config: config)
        let storage = S3Stack(app, lambdaStack: lambda, config: config)
        let endpoint = SentimentEndpointStack(app, modelBucket: storage.bucket, lambdaStack: lambda, config: config)
        MonitoringStack(app, lambdaStack: lambda, storage: storage, endpointStack: endpoint, config: config)
        return app
    }
}
