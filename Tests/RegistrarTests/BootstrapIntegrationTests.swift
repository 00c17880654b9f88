import AWSCore
import Foundation
import LambdaTestSupport
import XCTest

/// The built static `bootstrap` against the project's local Runtime API (scripts/local-runtime-api.py) and against moto_server
/// with SigV4 checking on. Run by .ci/run (scripts/ci-lambda.sh sets LAMBDA_BOOTSTRAP and MOTO_ENDPOINT); skipped otherwise.
final class BootstrapIntegrationTests: XCTestCase {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/s3-events")

    func bootstrap() throws -> String {
        guard let path = LocalLambda.bootstrap else { throw XCTSkip(LocalLambda.bootstrapMissing) }
        return path
    }

    func writeEvent(_ text: String) throws -> String { try LocalLambda.eventFile(text) }

    func run(events: [String], environment: [String: String]) throws -> LocalLambda.Run {
        try LocalLambda.run(bootstrap: try bootstrap(), events: events, environment: environment, timeoutSeconds: 20)
    }

    let baseEnvironment = ["_HANDLER": "registrar", "SSM_PARAMETER_NAME": "/mlops/model", "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "AKIDTEST",
                           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]

    func testSeveralEventsOnOneConnectionWithSuccessAndErrors() throws {
        let testEvent = Self.fixtures.appendingPathComponent("test-event.json").path
        let malformed = try writeEvent(#"{"hello": "world"}"#)
        let upload = Self.fixtures.appendingPathComponent("object-created-put.json").path  // SSM unreachable: a handler error
        let run = try run(events: [testEvent, malformed, upload, testEvent], environment: baseEnvironment)
        XCTAssertEqual(run.results.count, 4, run.log)
        XCTAssertEqual(run.results.map { $0["status"] as? String }, ["response", "error", "error", "response"], run.log)
        XCTAssertEqual(run.results[1]["errorType"] as? String, "InvalidEvent")
        XCTAssertTrue((run.results[1]["body"] as? String)?.contains("no Records array") == true)
        XCTAssertEqual(run.results[2]["errorType"] as? String, "SSM.PutParameterFailed")
        XCTAssertTrue((run.results[0]["body"] as? String)?.contains("\"statusCode\":200") == true)
        XCTAssertEqual(run.connections, 1, "every Runtime API request went over one keep-alive connection")
        XCTAssertTrue(run.log.contains("skipped s3:TestEvent"))
        XCTAssertNotEqual(run.status, 0, "errors are reported")
    }

    func testInitErrorWithoutParameterName() throws {
        var environment = baseEnvironment
        environment["SSM_PARAMETER_NAME"] = nil
        let run = try run(events: [Self.fixtures.appendingPathComponent("test-event.json").path], environment: environment)
        XCTAssertEqual(run.results.first?["status"] as? String, "init-error", run.log)
        XCTAssertEqual(run.results.first?["errorType"] as? String, "Runtime.ConfigurationError")
        XCTAssertTrue((run.results.first?["body"] as? String)?.contains("SSM_PARAMETER_NAME") == true)
        XCTAssertNotEqual(run.status, 0)
    }

    func testInitErrorForAnUnknownHandler() throws {
        var environment = baseEnvironment
        environment["_HANDLER"] = "bootstrap"
        let run = try run(events: [Self.fixtures.appendingPathComponent("test-event.json").path], environment: environment)
        XCTAssertEqual(run.results.first?["status"] as? String, "init-error", run.log)
        XCTAssertEqual(run.results.first?["errorType"] as? String, "Runtime.UnknownHandler")
        // The known names, sorted (more handlers may follow "registrar"): `serves "predict", "registrar"`.
        XCTAssertTrue((run.results.first?["body"] as? String)?.contains(#"serves \"predict\", \"registrar\""#) == true, "\(run.results)")
        XCTAssertNotEqual(run.status, 0)
    }

    // MARK: moto, with SigV4 checking on

    func moto() throws -> Endpoint {
        guard let endpoint = LocalLambda.moto else { throw XCTSkip(LocalLambda.motoMissing) }
        return endpoint
    }

    /// Creates an IAM user with a key in moto, then turns signature checking on. Returns the key.
    func motoCredentials(_ endpoint: Endpoint) throws -> Credentials {
        let credentials = try LocalLambda.createUser(at: endpoint, named: "registrar")
        try LocalLambda.signatureChecking(true, at: endpoint)
        return credentials
    }

    func getParameter(_ name: String, endpoint: Endpoint, credentials: Credentials) throws -> String? {
        let ssm = AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: credentials, region: "us-west-2", service: "ssm"), caFile: nil)
        let response = try ssm.post(headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.GetParameter")],
                                    body: Array(#"{"Name":"\#(name)"}"#.utf8), deadline: Date().timeIntervalSince1970 + 10)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (object?["Parameter"] as? [String: Any])?["Value"] as? String
    }

    func testRegistersInMotoWithSignatureCheckingAndRefusesABadSignature() throws {
        let endpoint = try moto()
        _ = try bootstrap()
        let credentials = try motoCredentials(endpoint)
        let parameter = "/mlops/test/\(UUID().uuidString.prefix(8))"
        var environment = ["_HANDLER": "registrar", "SSM_PARAMETER_NAME": parameter, "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
                           "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey, "AWS_ENDPOINT_URL": endpoint.description,
                           "METRICS_NAMESPACE": "MLOps/Test"]
        let upload = Self.fixtures.appendingPathComponent("object-created-put.json").path
        let good = try run(events: [upload], environment: environment)
        XCTAssertEqual(good.status, 0, good.log)
        let expected = "s3://sentiment-models-123456789012-us-west-2/models/2026-11-22/sentiment v3/model.tar.gz"
        XCTAssertEqual(try getParameter(parameter, endpoint: endpoint, credentials: credentials), expected)
        XCTAssertTrue(good.results.first?["body"] as? String == #"{"parameter":"\#(parameter)","skipped":0,"statusCode":200,"value":"\#(expected)"}"#,
                      "\(good.results)")
        // The metric went through CloudWatch's query protocol (signed as `monitoring`).
        let cloudWatch = AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: credentials, region: "us-west-2", service: "monitoring"), caFile: nil)
        let metrics = try cloudWatch.post(headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                          body: Array("Action=ListMetrics&Version=2010-08-01&Namespace=MLOps%2FTest".utf8),
                                          deadline: Date().timeIntervalSince1970 + 10).bodyText
        XCTAssertTrue(metrics.contains("<MetricName>ModelRegistered</MetricName>"), metrics)

        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        environment["SSM_PARAMETER_NAME"] = parameter + "-bad"
        let bad = try run(events: [upload], environment: environment)
        XCTAssertEqual(bad.results.first?["status"] as? String, "error", bad.log)
        XCTAssertTrue((bad.results.first?["body"] as? String)?.contains("SignatureDoesNotMatch") == true, bad.log)
        XCTAssertThrowsError(try getParameter(parameter + "-bad", endpoint: endpoint, credentials: credentials), "the badly signed write did not land")
    }
}
