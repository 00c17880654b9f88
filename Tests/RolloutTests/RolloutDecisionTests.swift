import AWSCore
import Foundation
import HTTPClient
import LambdaRuntime
@testable import Rollout
import XCTest

/// A fake AWS: DescribeStacks answers come from a script (the last one repeats), every call is recorded.
final class FakeAWS: RolloutBackend, @unchecked Sendable {
    var stacks: [StackDescription?]
    var parameter: String?
    var describeError: AWSError?
    var parameterError: AWSError?
    var updateAnswer: Result<StackUpdateStart, AWSError> = .success(.started(stackId: "arn:stack/SentimentEndpointStack/1"))
    /// DescribeStacks answers once UpdateStack was called (the last one repeats): a stack, nil (gone), or an error.
    var afterUpdate: [Result<StackDescription?, AWSError>] = []
    var events: [StackEvent] = []
    var updates: [(parameters: [(key: String, value: StackParameterValue)], capabilities: [String])] = []
    var metrics: [String] = []
    var messages: [(topic: String, subject: String, message: String)] = []
    var describeCount = 0

    init(stacks: [StackDescription?], parameter: String?) {
        self.stacks = stacks
        self.parameter = parameter
    }

    func describeStack(_ name: String, deadline: Double) throws(AWSError) -> StackDescription? {
        describeCount += 1
        if let describeError { throw describeError }
        if !updates.isEmpty, !afterUpdate.isEmpty { return try (afterUpdate.count > 1 ? afterUpdate.removeFirst() : afterUpdate[0]).get() }
        return stacks.count > 1 ? stacks.removeFirst() : stacks.first ?? nil
    }

    func updateStack(_ name: String, parameters: [(key: String, value: StackParameterValue)], capabilities: [String],
                     deadline: Double) throws(AWSError) -> StackUpdateStart {
        updates.append((parameters, capabilities))
        return try updateAnswer.get()
    }

    func stackEvents(_ name: String, deadline: Double) throws(AWSError) -> [StackEvent] { events }

    func parameterValue(_ name: String, deadline: Double) throws(AWSError) -> String? {
        if let parameterError { throw parameterError }
        return parameter
    }

    func putMetric(namespace: String, name: String, deadline: Double) throws(AWSError) { metrics.append("\(namespace)/\(name)") }

    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError) {
        messages.append((topicArn, subject, message))
    }
}

/// Time that passes only when the code under test sleeps.
final class FakeClock: RolloutClock, @unchecked Sendable {
    var current: Double
    var sleeps: [Double] = []
    init(_ start: Double = 1_000_000) { current = start }
    func now() -> Double { current }
    func sleep(seconds: Double) { sleeps.append(seconds); current += seconds }
}

final class RolloutDecisionTests: XCTestCase {
    static let environment = [
        "ENDPOINT_STACK_NAME": "SentimentEndpointStack", "SSM_PARAMETER_NAME": "/mlops/model", "MODEL_BUCKET": "models-bucket",
        "MODEL_PREFIX": "models/", "MODEL_SUFFIX": ".tar.gz", "METRICS_NAMESPACE": "MLOps/ModelRollout",
        "ALARM_TOPIC_ARN": "arn:aws:sns:us-west-2:123456789012:alarms", "AWS_REGION": "us-west-2",
    ]
    let v1 = "s3://models-bucket/models/v1/model.tar.gz"
    let v2 = "s3://models-bucket/models/v2/model.tar.gz"

    func stack(_ status: String, serving uri: String, awsStyle: Bool = true) -> StackDescription {
        // AWS reports an SSM-typed parameter's name as ParameterValue and its value as ResolvedValue; moto the value only.
        let model = awsStyle ? StackDescription.Parameter(key: "ModelDataUrl", value: "/mlops/model", resolvedValue: uri)
            : StackDescription.Parameter(key: "ModelDataUrl", value: uri)
        return StackDescription(name: "SentimentEndpointStack", id: "arn:stack/SentimentEndpointStack/1", status: status,
                                parameters: [model, .init(key: "Stage", value: "prod")], capabilities: ["CAPABILITY_IAM"])
    }

    func event(name: String = "/mlops/model", operation: String = "Update") -> [UInt8] {
        Array(#"{"version":"0","id":"e1","detail-type":"Parameter Store Change","source":"aws.ssm","account":"123456789012","time":"2026-11-26T10:00:00Z","region":"us-west-2","resources":["arn:aws:ssm:us-west-2:123456789012:parameter\#(name)"],"detail":{"name":"\#(name)","type":"String","operation":"\#(operation)"}}"#.utf8)
    }

    /// Runs the handler with `seconds` before the deadline; returns the response (or rethrows).
    func run(_ aws: FakeAWS, clock: FakeClock = FakeClock(), seconds: Double = 900, event: [UInt8]? = nil,
             environment: [String: String] = [:]) throws -> [String: Any] {
        let settings = try RolloutSettings(environment: Self.environment.merging(environment) { $1 })
        let handler = RolloutHandler(settings: settings, aws: aws, clock: clock)
        let context = InvocationContext(requestId: "r1", deadlineMs: Int64((clock.now() + seconds) * 1000))
        let bytes = try handler.handle(event ?? self.event(), context: context)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testMissingStackIsALoggedSkip() throws {
        let aws = FakeAWS(stacks: [nil], parameter: v2)
        let response = try run(aws)
        XCTAssertEqual(response["status"] as? String, "skipped")
        XCTAssertTrue((response["reason"] as? String ?? "").contains("deploy the endpoint stack first"), "\(response)")
        XCTAssertTrue(aws.updates.isEmpty)
        XCTAssertTrue(aws.metrics.isEmpty)
        XCTAssertTrue(aws.messages.isEmpty)
    }

    func testSameValueIsANoOpInBothParameterStyles() throws {
        for awsStyle in [true, false] {
            let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v2, awsStyle: awsStyle)], parameter: v2)
            let response = try run(aws)
            XCTAssertEqual(response["status"] as? String, "alreadyServing")
            XCTAssertEqual(response["model"] as? String, v2)
            XCTAssertTrue(aws.updates.isEmpty, "no UpdateStack when the stack already serves the value")
            XCTAssertTrue(aws.metrics.isEmpty)
            XCTAssertTrue(aws.messages.isEmpty)
        }
    }

    func testUpdatesWithThePreviousTemplateAndOnlyTheModelParameterNamed() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.afterUpdate = [stack("UPDATE_IN_PROGRESS", serving: v2), stack("UPDATE_COMPLETE", serving: v2)].map { .success($0) }
        let clock = FakeClock()
        let response = try run(aws, clock: clock)
        XCTAssertEqual(response["status"] as? String, "succeeded")
        XCTAssertEqual(response["stackStatus"] as? String, "UPDATE_COMPLETE")
        XCTAssertEqual(aws.updates.count, 1)
        let update = try XCTUnwrap(aws.updates.first)
        XCTAssertEqual(update.parameters.map(\.key), ["ModelDataUrl", "Stage"])
        XCTAssertEqual(update.parameters.map(\.value), [.value("/mlops/model"), .usePrevious])
        XCTAssertEqual(update.capabilities, ["CAPABILITY_NAMED_IAM"])
        XCTAssertEqual(aws.metrics, ["MLOps/ModelRollout/ModelRolloutStarted", "MLOps/ModelRollout/ModelRolloutSucceeded"])
        XCTAssertEqual(aws.messages.count, 1)
        let message = try XCTUnwrap(aws.messages.first)
        XCTAssertEqual(message.topic, "arn:aws:sns:us-west-2:123456789012:alarms")
        XCTAssertEqual(message.subject, "Model rollout succeeded: SentimentEndpointStack")
        XCTAssertTrue(message.message.contains("model: \(v2)") && message.message.contains("status: UPDATE_COMPLETE"), message.message)
        XCTAssertEqual(clock.sleeps, [5, 10], "polls with doubling backoff")
    }

    func testInProgressThenFreeWaitsThenDecidesAgain() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_IN_PROGRESS", serving: v1), stack("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", serving: v1),
                                   stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.afterUpdate = [stack("UPDATE_COMPLETE", serving: v2)].map { .success($0) }
        let clock = FakeClock()
        let response = try run(aws, clock: clock)
        XCTAssertEqual(response["status"] as? String, "succeeded")
        XCTAssertEqual(aws.updates.count, 1)
        XCTAssertEqual(Array(clock.sleeps.prefix(2)), [5, 10], "two waits while busy, with backoff")
    }

    func testInProgressUntilTheDeadlineFailsForARetryWithoutUpdating() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_IN_PROGRESS", serving: v1)], parameter: v2)
        let clock = FakeClock()
        XCTAssertThrowsError(try run(aws, clock: clock, seconds: 120)) { error in
            let failure = error as? HandlerError
            XCTAssertEqual(failure?.type, "Rollout.StackBusy")
            XCTAssertTrue(failure?.message.contains("UPDATE_IN_PROGRESS") == true, "\(error)")
        }
        XCTAssertTrue(aws.updates.isEmpty)
        XCTAssertEqual(clock.sleeps, [5, 10, 20, 30, 30], "backoff capped at 30 s, never sleeping past the deadline")
        XCTAssertLessThanOrEqual(clock.sleeps.reduce(0, +), 120 - 5)
    }

    func testRollbackCompleteCannotBeUpdatedButUpdateRollbackCompleteCan() throws {
        let broken = FakeAWS(stacks: [stack("ROLLBACK_COMPLETE", serving: v1)], parameter: v2)
        let response = try run(broken)
        XCTAssertEqual(response["status"] as? String, "refused")
        XCTAssertTrue((response["reason"] as? String ?? "").contains("ROLLBACK_COMPLETE, which CloudFormation cannot update"), "\(response)")
        XCTAssertTrue(broken.updates.isEmpty)
        XCTAssertEqual(broken.metrics, ["MLOps/ModelRollout/ModelRolloutFailed"])
        XCTAssertEqual(broken.messages.count, 1)

        let recovered = FakeAWS(stacks: [stack("UPDATE_ROLLBACK_COMPLETE", serving: v1)], parameter: v2)
        recovered.afterUpdate = [stack("UPDATE_COMPLETE", serving: v2)].map { .success($0) }
        XCTAssertEqual(try run(recovered)["status"] as? String, "succeeded")
        XCTAssertEqual(recovered.updates.count, 1)
    }

    func testFailedUpdateIsReportedWithItsReasons() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        var rolledBack = stack("UPDATE_ROLLBACK_COMPLETE", serving: v1)
        rolledBack.statusReason = "The following resource(s) failed to update: [SentimentEndpoint]."
        aws.afterUpdate = [stack("UPDATE_IN_PROGRESS", serving: v2), stack("UPDATE_ROLLBACK_IN_PROGRESS", serving: v2), rolledBack].map { .success($0) }
        aws.events = [
            .init(logicalId: "SentimentEndpointStack", resourceType: "AWS::CloudFormation::Stack", status: "UPDATE_ROLLBACK_COMPLETE"),
            .init(logicalId: "SentimentEndpoint", resourceType: "AWS::SageMaker::Endpoint", status: "UPDATE_FAILED",
                  reason: "Auto rollback triggered by alarm Invocation5XXErrorsAlarm"),
            .init(logicalId: "SentimentModel", resourceType: "AWS::SageMaker::Model", status: "CREATE_COMPLETE"),
            .init(logicalId: "SentimentEndpointStack", resourceType: "AWS::CloudFormation::Stack", status: "UPDATE_IN_PROGRESS"),
            .init(logicalId: "Old", resourceType: "AWS::SageMaker::Model", status: "CREATE_FAILED", reason: "an earlier update"),
        ]
        let response = try run(aws)
        XCTAssertEqual(response["status"] as? String, "failed")
        XCTAssertEqual(response["stackStatus"] as? String, "UPDATE_ROLLBACK_COMPLETE")
        let reason = response["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("SentimentEndpoint: Auto rollback triggered by alarm"), reason)
        XCTAssertFalse(reason.contains("an earlier update"), "only this update's events")
        XCTAssertEqual(aws.metrics, ["MLOps/ModelRollout/ModelRolloutStarted", "MLOps/ModelRollout/ModelRolloutFailed"])
        let message = try XCTUnwrap(aws.messages.first)
        XCTAssertEqual(message.subject, "Model rollout failed: SentimentEndpointStack")
        XCTAssertTrue(message.message.contains("status: UPDATE_ROLLBACK_COMPLETE") && message.message.contains("Auto rollback"), message.message)
    }

    /// While it waits on the update: a lost describe is retried after the next pause, a stack that is gone is a
    /// failure reported with its reason.
    func testDescribeFailuresAndADeletedStackWhileWaiting() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.afterUpdate = [.failure(.service(status: 500, code: "InternalFailure", message: "try again")), .success(stack("UPDATE_COMPLETE", serving: v2))]
        let recovered = try run(aws)
        XCTAssertEqual(recovered["status"] as? String, "succeeded", "\(recovered)")
        let gone = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        gone.afterUpdate = [.success(stack("UPDATE_IN_PROGRESS", serving: v2)), .success(nil)]
        let response = try run(gone)
        XCTAssertEqual(response["status"] as? String, "failed")
        XCTAssertEqual(response["stackStatus"] as? String, "DELETED")
        XCTAssertEqual(response["reason"] as? String, "SentimentEndpointStack disappeared during the update")
        XCTAssertEqual(gone.metrics, ["MLOps/ModelRollout/ModelRolloutStarted", "MLOps/ModelRollout/ModelRolloutFailed"])
    }

    func testNoUpdatesToBePerformedIsSuccess() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.updateAnswer = .success(.noUpdates)
        let response = try run(aws)
        XCTAssertEqual(response["status"] as? String, "noUpdates")
        XCTAssertEqual(aws.updates.count, 1)
        XCTAssertTrue(aws.metrics.isEmpty)
        XCTAssertTrue(aws.messages.isEmpty)
    }

    func testRefusedUpdateStackIsReportedNotRetried() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.updateAnswer = .failure(.service(status: 403, code: "AccessDenied", message: "not authorized to perform iam:PassRole"))
        let response = try run(aws)
        XCTAssertEqual(response["status"] as? String, "failed")
        XCTAssertTrue((response["reason"] as? String ?? "").contains("iam:PassRole"))
        XCTAssertEqual(aws.metrics, ["MLOps/ModelRollout/ModelRolloutFailed"])
        XCTAssertEqual(aws.messages.count, 1)
    }

    func testRefusedURIs() throws {
        let table = [
            "s3://other-bucket/models/v2/model.tar.gz", "s3://models-bucket/elsewhere/v2/model.tar.gz", "s3://models-bucket/models/v2/model.zip",
            "https://models-bucket.s3.amazonaws.com/models/v2/model.tar.gz", "s3://models-bucket/models/.tar.gz",
            "s3://models-bucket/models/../secret/model.tar.gz", "s3://models-bucket/models//model.tar.gz", "not a uri",
            "s3://models-bucket/models/v2\n/model.tar.gz",
        ]
        for uri in table {
            let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: uri)
            let response = try run(aws)
            XCTAssertEqual(response["status"] as? String, "refused", uri)
            XCTAssertTrue(aws.updates.isEmpty, uri)
            XCTAssertEqual(aws.metrics, ["MLOps/ModelRollout/ModelRolloutFailed"], uri)
            XCTAssertEqual(aws.messages.count, 1, uri)
            XCTAssertTrue(aws.messages.first?.message.contains("model: \(uri)") == true, uri)
            XCTAssertTrue(aws.messages.first?.subject.hasPrefix("Model rollout refused") == true, uri)
        }
        // A key with spaces or + (the registrar decodes them) is fine.
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: "s3://models-bucket/models/sentiment v3+x/model.tar.gz")
        aws.afterUpdate = [stack("UPDATE_COMPLETE", serving: "s3://models-bucket/models/sentiment v3+x/model.tar.gz")].map { .success($0) }
        XCTAssertEqual(try run(aws)["status"] as? String, "succeeded")
    }

    func testStillRunningAtTheDeadlineLeavesTheReportToTheStackStatusRule() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.afterUpdate = [stack("UPDATE_IN_PROGRESS", serving: v2)].map { .success($0) }
        let clock = FakeClock()
        let response = try run(aws, clock: clock, seconds: 60)
        XCTAssertEqual(response["status"] as? String, "inProgress")
        XCTAssertEqual(aws.metrics, ["MLOps/ModelRollout/ModelRolloutStarted"])
        XCTAssertTrue(aws.messages.isEmpty)
        XCTAssertLessThanOrEqual(clock.sleeps.reduce(0, +), 60 - 5)
    }

    func testBadInputNeverUpdates() throws {
        // Another parameter, a deletion, another operation: logged skips.
        for (name, operation, reason) in [("/other/param", "Update", "not /mlops/model"), ("/mlops/model", "Delete", "was deleted"),
                                          ("/mlops/model", "LabelParameterVersion", "does not change the value")] {
            let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
            let response = try run(aws, event: event(name: name, operation: operation))
            XCTAssertEqual(response["status"] as? String, "skipped")
            XCTAssertTrue((response["reason"] as? String ?? "").contains(reason), "\(response)")
            XCTAssertTrue(aws.updates.isEmpty)
            XCTAssertEqual(aws.describeCount, 0)
        }
        // The parameter is gone by the time the function reads it.
        let gone = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: nil)
        let response = try run(gone)
        XCTAssertEqual(response["status"] as? String, "skipped")
        XCTAssertTrue((response["reason"] as? String ?? "").contains("does not exist (deleted)"))
        XCTAssertTrue(gone.updates.isEmpty)
        // Malformed events: InvalidEvent naming the field.
        let malformed: [(String, String)] = [
            ("not json", "the event is not JSON"),
            ("[1]", "the event is an array, not an object"),
            (#"{"detail-type":"Parameter Store Change","detail":{}}"#, "source is missing"),
            (#"{"source":"aws.s3","detail-type":"Parameter Store Change"}"#, #"source is "aws.s3", expected "aws.ssm""#),
            (#"{"source":"aws.ssm","detail-type":"Object Created"}"#, #"detail-type is "Object Created""#),
            (#"{"source":"aws.ssm","detail-type":"Parameter Store Change"}"#, "detail is missing"),
            (#"{"source":"aws.ssm","detail-type":"Parameter Store Change","detail":"x"}"#, "detail is a string, not an object"),
            (#"{"source":"aws.ssm","detail-type":"Parameter Store Change","detail":{"operation":"Update"}}"#, "detail.name is missing"),
            (#"{"source":"aws.ssm","detail-type":"Parameter Store Change","detail":{"name":5,"operation":"Update"}}"#, "detail.name is a number, not a string"),
            (#"{"source":"aws.ssm","detail-type":"Parameter Store Change","detail":{"name":"/mlops/model"}}"#, "detail.operation is missing"),
        ]
        for (text, message) in malformed {
            let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
            XCTAssertThrowsError(try run(aws, event: Array(text.utf8)), text) { error in
                XCTAssertEqual((error as? HandlerError)?.type, "InvalidEvent", text)
                XCTAssertTrue((error as? HandlerError)?.message.contains(message) == true, "\(text): \(error)")
            }
            XCTAssertTrue(aws.updates.isEmpty)
        }
    }

    func testAWSErrorsBeforeTheDecisionAreErrorsForARetry() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        aws.describeError = .service(status: 403, code: "AccessDenied", message: "no")
        XCTAssertThrowsError(try run(aws)) { XCTAssertEqual(($0 as? HandlerError)?.type, "CloudFormation.DescribeStacksFailed") }
        let ssm = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: v2)
        ssm.parameterError = .service(status: 400, code: "AccessDeniedException", message: "no")
        XCTAssertThrowsError(try run(ssm)) { XCTAssertEqual(($0 as? HandlerError)?.type, "SSM.GetParameterFailed") }
        XCTAssertTrue(aws.updates.isEmpty && ssm.updates.isEmpty)
    }

    func testStackWithoutTheModelParameterIsRefused() throws {
        let aws = FakeAWS(stacks: [StackDescription(name: "SentimentEndpointStack", id: "x", status: "CREATE_COMPLETE")], parameter: v2)
        let response = try run(aws)
        XCTAssertEqual(response["status"] as? String, "refused")
        XCTAssertTrue((response["reason"] as? String ?? "").contains("no template parameter ModelDataUrl"))
        XCTAssertTrue(aws.updates.isEmpty)
    }

    func testWithoutMetricsOrTopicNothingIsReported() throws {
        let aws = FakeAWS(stacks: [stack("UPDATE_COMPLETE", serving: v1)], parameter: "s3://elsewhere/x.tar.gz")
        let response = try run(aws, environment: ["METRICS_NAMESPACE": "", "ALARM_TOPIC_ARN": ""])
        XCTAssertEqual(response["status"] as? String, "refused")
        XCTAssertTrue(aws.metrics.isEmpty)
        XCTAssertTrue(aws.messages.isEmpty)
    }

    func testSettings() throws {
        for missing in ["ENDPOINT_STACK_NAME", "SSM_PARAMETER_NAME", "MODEL_BUCKET"] {
            var environment = Self.environment
            environment[missing] = nil
            XCTAssertThrowsError(try RolloutSettings(environment: environment), missing) { error in
                XCTAssertEqual((error as? HandlerError)?.type, "Runtime.ConfigurationError")
                XCTAssertTrue((error as? HandlerError)?.message.hasPrefix(missing) == true, "\(error)")
            }
        }
        // The region and the credentials are AWSEnvironment's to check, when the handler is made.
        var noRegion = Self.environment.merging(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]) { $1 }
        noRegion["AWS_REGION"] = nil
        XCTAssertThrowsError(try RolloutHandler.make(environment: noRegion)) { error in
            XCTAssertEqual((error as? HandlerError)?.description, "Runtime.ConfigurationError: AWS_REGION is not set")
        }
        XCTAssertThrowsError(try RolloutHandler.make(environment: Self.environment)) { error in
            XCTAssertEqual((error as? HandlerError)?.description, "Runtime.ConfigurationError: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
        XCTAssertThrowsError(try RolloutSettings(environment: Self.environment.merging(["POLL_INITIAL_SECONDS": "0"]) { $1 })) { error in
            XCTAssertTrue("\(error)".contains("POLL_INITIAL_SECONDS = \"0\""))
        }
        let settings = try RolloutSettings(environment: Self.environment.merging(["STACK_CAPABILITIES": "CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND"]) { $1 })
        XCTAssertEqual(settings.capabilities, ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
        XCTAssertEqual(settings.templateParameter, "ModelDataUrl")
    }

    func testHandlerTableServesRollout() throws {
        XCTAssertEqual(RolloutHandler.name, "rollout")
        XCTAssertThrowsError(try RolloutHandler.make(environment: ["AWS_REGION": "us-west-2"])) { error in
            XCTAssertEqual((error as? HandlerError)?.type, "Runtime.ConfigurationError")
        }
    }
}
