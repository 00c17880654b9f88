import AWSCore
import Foundation
import LambdaTestSupport
import XCTest

/// The built static `bootstrap` with `_HANDLER=predict`, through the local Runtime API (scripts/local-runtime-api.py), against
/// moto_server's SageMaker runtime and API with SigV4 checking on. Run by .ci/run (scripts/ci-lambda.sh sets LAMBDA_BOOTSTRAP
/// and MOTO_ENDPOINT); skipped otherwise.
///
/// What moto 5.2.1 does here (measured): InvokeEndpoint answers any endpoint name, existing or not, with the next result
/// queued through `POST /moto-api/static/sagemaker/endpoint-results` (per account and region, us-east-1 unless the
/// body says otherwise), and the same answer again for an identical request (endpoint, body, Accept,
/// X-Amzn-SageMaker-* headers); with the queue empty it answers the body `body` with content type `content_type`. It
/// never answers an error (no ModelError, throttling or 5XX: the unit tests cover those). DescribeEndpoint knows only
/// endpoints created in moto.
final class PredictBootstrapIntegrationTests: XCTestCase {
    struct Run {
        var status: Int32
        /// One per event: the function URL response (`statusCode`, `headers`, `body` parsed) or an /error.
        var results: [[String: Any]]
        var log: String

        func response(_ index: Int) -> (status: Int, headers: [String: String], body: [String: Any])? {
            guard index < results.count, results[index]["status"] as? String == "response",
                  let text = results[index]["body"] as? String,
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let status = object["statusCode"] as? Int, let body = object["body"] as? String,
                  let parsed = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
            return (status, object["headers"] as? [String: String] ?? [:], parsed)
        }
    }

    func bootstrap() throws -> String {
        guard let path = LocalLambda.bootstrap else { throw XCTSkip(LocalLambda.bootstrapMissing) }
        return path
    }

    func moto() throws -> Endpoint {
        guard let endpoint = LocalLambda.moto else { throw XCTSkip(LocalLambda.motoMissing) }
        return endpoint
    }

    /// A function URL event (payload format 2.0) in a temporary file.
    func event(method: String, path: String, body: String? = nil, headers: [String: String] = ["content-type": "application/json"],
               base64: Bool = false) throws -> String {
        var event: [String: Any] = ["version": "2.0", "rawPath": path, "rawQueryString": "", "headers": headers, "isBase64Encoded": base64,
                                    "requestContext": ["http": ["method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"],
                                                       "requestId": UUID().uuidString]]
        if let body { event["body"] = base64 ? Data(body.utf8).base64EncodedString() : body }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("url-event-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: event).write(to: url)
        return url.path
    }

    func run(events: [String], environment: [String: String]) throws -> Run {
        let run = try LocalLambda.run(bootstrap: try bootstrap(), events: events, environment: environment)
        return Run(status: run.status, results: run.results, log: run.log)
    }

    /// An IAM user with a key in moto; signature checking is switched on, and off again when the test ends.
    func motoCredentials(_ endpoint: Endpoint) throws -> Credentials {
        let credentials = try LocalLambda.createUser(at: endpoint, named: "predict")
        try LocalLambda.signatureChecking(true, at: endpoint)
        addTeardownBlock { try? LocalLambda.signatureChecking(false, at: endpoint) }
        return credentials
    }

    /// Queues InvokeEndpoint answers in moto (for us-west-2; moto's default would be us-east-1).
    func queue(_ endpoint: Endpoint, _ answers: [(body: String, variant: String)]) throws {
        let results = answers.map { ["Body": $0.body, "ContentType": "application/json", "InvokedProductionVariant": $0.variant] }
        let body = try JSONSerialization.data(withJSONObject: ["account_id": "123456789012", "region": "us-west-2", "results": results])
        try LocalLambda.motoAPI(endpoint, "/moto-api/static/sagemaker/endpoint-results", contentType: "application/json", body: String(decoding: body, as: UTF8.self))
    }

    func environment(_ endpoint: Endpoint, _ credentials: Credentials, endpointName: String) -> [String: String] {
        ["_HANDLER": "predict", "ENDPOINT_NAME": endpointName, "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
         "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey, "AWS_ENDPOINT_URL": endpoint.description, "API_MAX_ITEMS": "4"]
    }

    func testPredictionsErrorsAndHealthThroughTheBootstrapAgainstMotoWithSignatureChecking() throws {
        let endpoint = try moto()
        _ = try bootstrap()
        let credentials = try motoCredentials(endpoint)
        let name = "sentiment-\(UUID().uuidString.prefix(8).lowercased())"
        try queue(endpoint, [
            (#"[{"label": "POSITIVE", "score": 0.9991}, {"label": "NEGATIVE", "score": 0.8765}]"#, "AllTraffic"),
            (#"[{"label": "NEGATIVE", "score": 0.5}]"#, "Candidate"),
        ])
        let events = [
            try event(method: "POST", path: "/predict", body: #"{"inputs": ["I love this", "I hate this"]}"#),
            try event(method: "POST", path: "/predict", body: #"{"inputs": "meh"}"#, headers: ["Content-Type": "application/json; charset=utf-8"], base64: true),
            try event(method: "POST", path: "/predict", body: #"{"inputs": ["a", "b", "c", "d", "e"]}"#),
            try event(method: "POST", path: "/predict", body: "{not json"),
            try event(method: "GET", path: "/nothing"),
            try event(method: "GET", path: "/health"),
            // Nothing queued any more: moto answers "body", which is not the model's format.
            try event(method: "POST", path: "/predict", body: #"{"inputs": ["unqueued"]}"#),
        ]
        let run = try run(events: events, environment: environment(endpoint, credentials, endpointName: name))
        XCTAssertEqual(run.results.count, events.count, run.log)
        XCTAssertEqual(run.results.map { $0["status"] as? String }, Array(repeating: "response", count: events.count),
                       "every request, good or bad, is a response, never an invocation error: \(run.log)")
        XCTAssertEqual(run.status, 0, run.log)

        let first = try XCTUnwrap(run.response(0), run.log)
        XCTAssertEqual(first.status, 200, "\(first.body)")
        let predictions = try XCTUnwrap(first.body["predictions"] as? [[String: Any]])
        XCTAssertEqual(predictions.map { $0["label"] as? String }, ["POSITIVE", "NEGATIVE"])
        XCTAssertEqual(predictions.map { $0["score"] as? Double }, [0.9991, 0.8765])
        XCTAssertEqual(first.body["variant"] as? String, "AllTraffic", "from X-Amzn-Invoked-Production-Variant")
        XCTAssertEqual(first.headers["content-type"], "application/json")

        let second = try XCTUnwrap(run.response(1))
        XCTAssertEqual(second.status, 200, "\(second.body)")
        XCTAssertEqual(second.body["variant"] as? String, "Candidate")

        let tooMany = try XCTUnwrap(run.response(2))
        XCTAssertEqual(tooMany.status, 400)
        XCTAssertEqual((tooMany.body["error"] as? [String: Any])?["code"] as? String, "TooManyItems", "API_MAX_ITEMS=4 from the environment")
        XCTAssertEqual((tooMany.body["error"] as? [String: Any])?["field"] as? String, "inputs")
        XCTAssertEqual(try XCTUnwrap(run.response(3)).status, 400)
        XCTAssertEqual(try XCTUnwrap(run.response(4)).status, 404)

        let health = try XCTUnwrap(run.response(5))
        XCTAssertEqual(health.status, 503, "DescribeEndpoint (signed, checked by moto) does not know \(name)")
        XCTAssertEqual((health.body["error"] as? [String: Any])?["code"] as? String, "EndpointNotDeployed")
        XCTAssertNotNil(health.headers["retry-after"])

        let unqueued = try XCTUnwrap(run.response(6))
        XCTAssertEqual(unqueued.status, 502)
        XCTAssertEqual((unqueued.body["error"] as? [String: Any])?["code"] as? String, "InvalidModelResponse")

        // One log line per request, with the request id the Runtime API gave.
        for result in run.results {
            let id = try XCTUnwrap(result["requestId"] as? String)
            XCTAssertTrue(run.log.contains("\(id) POST /predict") || run.log.contains("\(id) GET /"), "no log line for \(id): \(run.log)")
        }
        XCTAssertFalse(run.log.contains("I love this"), "texts are not logged")
    }

    func testHealthOfAnEndpointInServiceAndABadSignature() throws {
        let endpoint = try moto()
        _ = try bootstrap()
        let credentials = try motoCredentials(endpoint)
        let name = "sentiment-\(UUID().uuidString.prefix(8).lowercased())"
        // An endpoint in moto (moto checks that the model and config exist, and reports the endpoint InService at once).
        let sageMaker = AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: credentials, region: "us-west-2", service: "sagemaker"), caFile: nil)
        let deadline = Date().timeIntervalSince1970 + 10
        _ = try sageMaker.jsonCall(target: "SageMaker.CreateModel", .object([
            "ModelName": .string(name), "ExecutionRoleArn": .string("arn:aws:iam::123456789012:role/sagemaker"),
            "PrimaryContainer": .object(["Image": .string("763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-inference:2.1.0")]),
        ]), deadline: deadline)
        _ = try sageMaker.jsonCall(target: "SageMaker.CreateEndpointConfig", .object([
            "EndpointConfigName": .string(name), "ProductionVariants": .array([.object([
                "VariantName": .string("AllTraffic"), "ModelName": .string(name), "InitialInstanceCount": .int(1), "InstanceType": .string("ml.m5.large"),
            ])]),
        ]), deadline: deadline)
        _ = try sageMaker.jsonCall(target: "SageMaker.CreateEndpoint", .object(["EndpointName": .string(name), "EndpointConfigName": .string(name)]),
                                   deadline: deadline)

        let good = try run(events: [try event(method: "GET", path: "/health")], environment: environment(endpoint, credentials, endpointName: name))
        let health = try XCTUnwrap(good.response(0), good.log)
        XCTAssertEqual(health.status, 200, "\(health.body)")
        XCTAssertEqual(health.body["endpoint"] as? String, name)
        XCTAssertEqual(health.body["status"] as? String, "InService")

        var wrong = environment(endpoint, credentials, endpointName: name)
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let bad = try run(events: [try event(method: "POST", path: "/predict", body: #"{"inputs": ["x"]}"#)], environment: wrong)
        let refused = try XCTUnwrap(bad.response(0), bad.log)
        XCTAssertEqual(refused.status, 500, "moto refused the signature; the client learns only that the API failed: \(refused.body)")
        XCTAssertEqual((refused.body["error"] as? [String: Any])?["code"] as? String, "InternalError")
        XCTAssertTrue(bad.log.contains("SignatureDoesNotMatch"), "the log says why: \(bad.log)")
    }

    func testInitErrorWithoutEndpointName() throws {
        let run = try run(events: [try event(method: "GET", path: "/health")],
                          environment: ["_HANDLER": "predict", "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
        XCTAssertEqual(run.results.first?["status"] as? String, "init-error", run.log)
        XCTAssertEqual(run.results.first?["errorType"] as? String, "Runtime.ConfigurationError")
        XCTAssertTrue((run.results.first?["body"] as? String)?.contains("ENDPOINT_NAME") == true)
        XCTAssertNotEqual(run.status, 0)
    }
}
