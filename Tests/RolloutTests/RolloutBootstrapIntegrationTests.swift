import AWSCore
import Foundation
import LambdaTestSupport
import XCTest

/// The built static `bootstrap` with `_HANDLER=rollout` against moto_server (signature checking on), through the project's local
/// Runtime API: a real CloudFormation stack with an SSM-typed parameter is updated with its previous template. Run by .ci/run
/// (scripts/ci-lambda.sh sets LAMBDA_BOOTSTRAP and MOTO_ENDPOINT); skipped otherwise. The whole pipeline's rollout is in
/// scripts/e2e-local.sh.
final class RolloutBootstrapIntegrationTests: XCTestCase {
    func prerequisites() throws -> (bootstrap: String, moto: Endpoint) {
        guard let path = LocalLambda.bootstrap else { throw XCTSkip(LocalLambda.bootstrapMissing) }
        guard let endpoint = LocalLambda.moto else { throw XCTSkip(LocalLambda.motoMissing) }
        return (path, endpoint)
    }

    func client(_ endpoint: Endpoint, _ credentials: Credentials, _ service: String) -> AWSClient {
        AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: credentials, region: "us-west-2", service: service), caFile: nil)
    }

    var deadline: Double { Date().timeIntervalSince1970 + 15 }

    /// With checking off: an IAM user with a key, the model parameter and a stack that uses it; then checking on.
    func setUp(_ endpoint: Endpoint, parameter: String, stack: String) throws -> Credentials {
        let credentials = try LocalLambda.createUser(at: endpoint, named: "rollout")
        try SSMClient(client: client(endpoint, credentials, "ssm")).putParameter(name: parameter, value: "s3://models/models/v1/model.tar.gz", deadline: deadline)
        let template = #"{"Parameters": {"ModelDataUrl": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "\#(parameter)"}, "Stage": {"Type": "String"}},"#
            + #" "Resources": {"Served": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "\#(parameter)-served", "Type": "String", "Value": {"Ref": "ModelDataUrl"}}}}}"#
        _ = try client(endpoint, credentials, "cloudformation").queryCall(action: "CreateStack", version: "2010-05-15", [
            ("StackName", stack), ("TemplateBody", template), ("Parameters.member.1.ParameterKey", "Stage"), ("Parameters.member.1.ParameterValue", "test"),
        ], deadline: deadline)
        try LocalLambda.signatureChecking(true, at: endpoint)
        return credentials
    }

    func run(_ bootstrap: String, events: [String], environment: [String: String]) throws -> (results: [[String: Any]], log: String) {
        let run = try LocalLambda.run(bootstrap: bootstrap, events: try events.map(LocalLambda.eventFile), environment: environment)
        return (run.results, run.log)
    }

    func body(_ result: [String: Any]?) -> [String: Any] {
        guard let text = result?["body"] as? String else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    func testRollsOutThroughCloudFormationInMotoWithSignatureChecking() throws {
        let (bootstrap, endpoint) = try prerequisites()
        let id = UUID().uuidString.prefix(8)
        let parameter = "/mlops/rollout-test/\(id)"
        let stack = "RolloutTest-\(id)"
        let credentials = try setUp(endpoint, parameter: parameter, stack: stack)
        // Checking off again afterwards: other tests set up their users against the same moto with checking off.
        defer { try? LocalLambda.signatureChecking(false, at: endpoint) }
        let ssm = SSMClient(client: client(endpoint, credentials, "ssm"))
        XCTAssertEqual(try ssm.getParameter(name: "\(parameter)-served", deadline: deadline)?.value, "s3://models/models/v1/model.tar.gz")
        try ssm.putParameter(name: parameter, value: "s3://models/models/v2/model.tar.gz", deadline: deadline)

        let event = #"{"version":"0","id":"t","detail-type":"Parameter Store Change","source":"aws.ssm","account":"123456789012","time":"2026-11-26T10:00:00Z","region":"us-west-2","resources":[],"detail":{"name":"\#(parameter)","type":"String","operation":"Update"}}"#
        var environment = ["_HANDLER": "rollout", "ENDPOINT_STACK_NAME": stack, "SSM_PARAMETER_NAME": parameter, "MODEL_BUCKET": "models",
                           "MODEL_PREFIX": "models/", "METRICS_NAMESPACE": "MLOps/RolloutTest", "POLL_INITIAL_SECONDS": "0.2",
                           "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
                           "AWS_ENDPOINT_URL": endpoint.description]
        // The rollout, then the same event again: one update, then a no-op.
        let first = try run(bootstrap, events: [event, event], environment: environment)
        XCTAssertEqual(first.results.map { $0["status"] as? String }, ["response", "response"], first.log)
        XCTAssertEqual(body(first.results.first)["status"] as? String, "succeeded", first.log)
        XCTAssertEqual(body(first.results.first)["stackStatus"] as? String, "UPDATE_COMPLETE")
        XCTAssertEqual(body(first.results.last)["status"] as? String, "alreadyServing", first.log)
        XCTAssertEqual(try ssm.getParameter(name: "\(parameter)-served", deadline: deadline)?.value, "s3://models/models/v2/model.tar.gz",
                       "the stack re-read the SSM-typed parameter with its previous template")
        let cloudFormation = CloudFormationClient(client: client(endpoint, credentials, "cloudformation"))
        let described = try XCTUnwrap(cloudFormation.describeStack(name: stack, deadline: deadline))
        XCTAssertEqual(described.parameter("Stage")?.value, "test", "UsePreviousValue kept the other parameter")
        XCTAssertEqual(described.parameter("ModelDataUrl")?.effectiveValue, "s3://models/models/v2/model.tar.gz")
        let metrics = try client(endpoint, credentials, "monitoring").queryCall(action: "ListMetrics", version: "2010-08-01",
                                                                                [("Namespace", "MLOps/RolloutTest")], deadline: deadline).bodyText
        XCTAssertTrue(metrics.contains("ModelRolloutStarted") && metrics.contains("ModelRolloutSucceeded"), metrics)

        // A missing stack is a clean skip; a wrong secret is refused by moto and nothing is updated.
        environment["ENDPOINT_STACK_NAME"] = "NoSuchStack-\(id)"
        let missing = try run(bootstrap, events: [event], environment: environment)
        XCTAssertEqual(body(missing.results.first)["status"] as? String, "skipped", missing.log)
        environment["ENDPOINT_STACK_NAME"] = stack
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let bad = try run(bootstrap, events: [event], environment: environment)
        XCTAssertEqual(bad.results.first?["errorType"] as? String, "CloudFormation.DescribeStacksFailed", bad.log)
        XCTAssertTrue((bad.results.first?["body"] as? String)?.contains("SignatureDoesNotMatch") == true, bad.log)
    }
}
