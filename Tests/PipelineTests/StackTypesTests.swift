import CloudFormation
import Constructs
@testable import Pipeline
import XCTest

/// The pipeline's stacks are small types that own a `Stack` and expose their constructs as `let`s: an app built by hand
/// from them is the app `PipelineApp.make` builds, and every construct is reachable without unwrapping.
final class StackTypesTests: XCTestCase {
    func testStacksBuiltByHandExposeTheirConstructs() throws {
        let config = try PipelineConfig.load(from: PipelineTemplateTests.configPath)
        let app = App()
        let lambda = LambdaStack(app, config: config)
        let storage = S3Stack(app, lambdaStack: lambda, config: config)
        let endpoint = SentimentEndpointStack(app, modelBucket: storage.bucket, lambdaStack: lambda, config: config)
        let monitoring = MonitoringStack(app, lambdaStack: lambda, storage: storage, endpointStack: endpoint, config: config)

        XCTAssertEqual(app.stacks.map(\.stackName), ["LambdaStack", "S3Stack", "SentimentEndpointStack", "MonitoringStack"])
        XCTAssertTrue(monitoring.stack.explicitDependencies.contains { $0 === endpoint.stack })
        let function: Function = lambda.function
        XCTAssertEqual(function.resource.logicalId, "ModelRegistrar")
        XCTAssertEqual(lambda.rollout.function.resource.logicalId, "RolloutFunction")
        XCTAssertEqual(lambda.rollout.node.path, "LambdaStack/Rollout")
        XCTAssertEqual(lambda.registry.group.logicalId, "RegistryModelPackageGroup")
        XCTAssertEqual(storage.bucket.resource.logicalId, "ModelBucket")
        XCTAssertEqual(storage.accessLogs.resource.logicalId, "AccessLogBucket")
        XCTAssertEqual(endpoint.endpoint.endpoint.logicalId, "SentimentEndpoint")
        XCTAssertEqual(endpoint.predictionAPI.url.resource.logicalId, "PredictionApiFunctionUrl")
        XCTAssertEqual(monitoring.dashboard.resource.logicalId, "Dashboard")
        XCTAssertEqual(monitoring.schedule?.logicalId, "DataQualitySchedule")
        XCTAssertNotNil(monitoring.role)

        let byHand = try app.synthesize()
        let made = try PipelineApp.make(config: config).synthesize()
        XCTAssertEqual(byHand.files.map(\.name), made.files.map(\.name))
        XCTAssertEqual(byHand.files.map(\.contents), made.files.map(\.contents))
    }
}
