import AWSCore
import HTTPClient
import LambdaRuntime

/// How one rollout ended.
enum RolloutOutcome: Equatable {
    /// Nothing to do, for a reason that is no failure (another parameter, a deletion, no endpoint stack yet).
    case skipped(reason: String)
    /// The stack already serves the parameter's value.
    case alreadyServing(uri: String)
    /// The value may not be rolled out (or the stack cannot be updated): reported, no update.
    case refused(uri: String, reason: String)
    /// UpdateStack found nothing to change.
    case noUpdates(uri: String)
    case succeeded(uri: String, stackStatus: String)
    case failed(uri: String, stackStatus: String, reason: String)
    /// The update still runs at the function's deadline; the stack-status rule reports its end on the alarm topic.
    case stillRunning(uri: String, stackStatus: String)

    var name: String {
        switch self {
        case .skipped: "skipped"
        case .alreadyServing: "alreadyServing"
        case .refused: "refused"
        case .noUpdates: "noUpdates"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .stillRunning: "inProgress"
        }
    }
}

/// The decision table of one rollout: describe the endpoint stack, read the parameter, then skip, wait, refuse or update,
/// and wait for the update while the deadline allows. Never applies a template: `UsePreviousTemplate` only.
struct ModelRollout {
    let settings: RolloutSettings
    let aws: RolloutBackend
    let clock: RolloutClock
    let log: (String) -> Void
    /// Time kept back from the deadline for the last describe and the report (metric, SNS).
    var reserveSeconds: Double = 5

    /// States from which CloudFormation accepts no update; a person has to repair the stack.
    static let notUpdatable: Set<String> = [
        "CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "DELETE_COMPLETE", "UPDATE_ROLLBACK_FAILED",
        "IMPORT_ROLLBACK_FAILED", "REVIEW_IN_PROGRESS",
    ]

    static func isBusy(_ status: String) -> Bool { status.hasSuffix("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS" }

    func run(_ change: ParameterChange, deadline: Double) throws(HandlerError) -> RolloutOutcome {
        let callDeadline = deadline - 0.2
        let waitUntil = deadline - reserveSeconds
        guard change.name == settings.parameterName else {
            return skip("event for parameter \(change.name), not \(settings.parameterName)")
        }
        guard change.operation == "Create" || change.operation == "Update" else {
            return skip(change.operation == "Delete"
                ? "\(settings.parameterName) was deleted; the endpoint keeps serving its current model"
                : "operation \(change.operation) does not change the value")
        }
        var pause = settings.pollInitialSeconds
        while true {
            let described: StackDescription?
            do { described = try aws.describeStack(settings.stackName, deadline: callDeadline) } catch {
                throw HandlerError(type: "CloudFormation.DescribeStacksFailed", message: "cannot describe \(settings.stackName): \(error)")
            }
            guard let stack = described else {
                return skip("nothing to roll out: deploy the endpoint stack first (\(settings.stackName) does not exist)")
            }
            let value: String?
            do { value = try aws.parameterValue(settings.parameterName, deadline: callDeadline) } catch {
                throw HandlerError(type: "SSM.GetParameterFailed", message: "cannot read \(settings.parameterName): \(error)")
            }
            guard let uri = value else {
                return skip("\(settings.parameterName) does not exist (deleted); the endpoint keeps serving its current model")
            }
            guard let current = stack.parameter(settings.templateParameter) else {
                return report(.refused(uri: uri, reason: "\(settings.stackName) has no template parameter \(settings.templateParameter); it is not the endpoint stack this function rolls out"),
                              deadline: callDeadline)
            }
            if Self.isBusy(stack.status) {
                // Wait, then decide again: the running operation may be this very rollout, or change the stack.
                guard clock.now() + pause < waitUntil else {
                    throw HandlerError(type: "Rollout.StackBusy",
                                       message: "\(settings.stackName) is still \(stack.status) at the function's deadline; the asynchronous retry will try \(uri) again")
                }
                log("\(settings.stackName) is \(stack.status); waiting \(pause) s")
                clock.sleep(seconds: pause)
                pause = min(pause * 2, settings.pollMaximumSeconds)
                continue
            }
            if current.effectiveValue == uri {
                log("\(settings.stackName) already serves \(uri) (\(stack.status)); nothing to do")
                return .alreadyServing(uri: uri)
            }
            if let refusal = settings.refusal(of: uri) {
                return report(.refused(uri: uri, reason: refusal), deadline: callDeadline)
            }
            if Self.notUpdatable.contains(stack.status) {
                return report(.refused(uri: uri, reason: "\(settings.stackName) is \(stack.status), which CloudFormation cannot update; repair or re-create it by hand"
                                       + (stack.statusReason.map { " (\($0))" } ?? "")), deadline: callDeadline)
            }
            return try update(stack, to: uri, deadline: deadline)
        }
    }

    private func update(_ stack: StackDescription, to uri: String, deadline: Double) throws(HandlerError) -> RolloutOutcome {
        let callDeadline = deadline - 0.2
        let waitUntil = deadline - reserveSeconds
        // Every parameter keeps its value except the model's, which is named again (its SSM parameter's name), so CloudFormation
        // re-reads the parameter. The template is the one deployed: template changes go through a person's deploy.
        let parameters: [(key: String, value: StackParameterValue)] = stack.parameters.map { parameter in
            parameter.key == settings.templateParameter ? (parameter.key, .value(settings.parameterName)) : (parameter.key, .usePrevious)
        }
        let started: StackUpdateStart
        do {
            started = try aws.updateStack(settings.stackName, parameters: parameters, capabilities: settings.capabilities, deadline: callDeadline)
        } catch {
            return report(.failed(uri: uri, stackStatus: stack.status, reason: "UpdateStack was refused: \(error)"), deadline: callDeadline)
        }
        guard case .started = started else {
            log("UpdateStack of \(settings.stackName): no updates are to be performed; \(uri) is what it serves")
            return .noUpdates(uri: uri)
        }
        log("rolling out \(uri): UpdateStack of \(settings.stackName) started")
        metric("ModelRolloutStarted", deadline: callDeadline)
        var pause = settings.pollInitialSeconds
        var status = "UPDATE_IN_PROGRESS"
        var latest = stack
        while true {
            guard clock.now() + pause < waitUntil else {
                log("\(settings.stackName) is still \(status) at the function's deadline; the stack-status rule reports the outcome on the alarm topic")
                return .stillRunning(uri: uri, stackStatus: status)
            }
            clock.sleep(seconds: pause)
            pause = min(pause * 2, settings.pollMaximumSeconds)
            do {
                guard let now = try aws.describeStack(settings.stackName, deadline: callDeadline) else {
                    return report(.failed(uri: uri, stackStatus: "DELETED", reason: "\(settings.stackName) disappeared during the update"), deadline: callDeadline)
                }
                latest = now
            } catch {
                // A lost describe is no reason to give up on an update that runs by itself: try again after the next pause.
                log("warning: cannot describe \(settings.stackName) while waiting: \(error)")
                continue
            }
            status = latest.status
            if Self.isBusy(status) { continue }
            if status == "UPDATE_COMPLETE" {
                return report(.succeeded(uri: uri, stackStatus: status), deadline: callDeadline)
            }
            return report(.failed(uri: uri, stackStatus: status, reason: failureReason(latest, deadline: callDeadline)), deadline: callDeadline)
        }
    }

    /// Nothing to roll out, logged with why.
    private func skip(_ reason: String) -> RolloutOutcome {
        log("skipped: \(reason)")
        return .skipped(reason: reason)
    }

    /// The stack's status reason and the first resource failures of this update (the oldest is usually the cause).
    private func failureReason(_ stack: StackDescription, deadline: Double) -> String {
        var reasons: [String] = []
        if let events = try? aws.stackEvents(settings.stackName, deadline: deadline) {
            var failures: [String] = []
            for event in events {
                if event.resourceType == "AWS::CloudFormation::Stack", event.status == "UPDATE_IN_PROGRESS" { break }
                if event.status.hasSuffix("_FAILED"), let reason = event.reason { failures.append("\(event.logicalId): \(reason)") }
            }
            reasons = Array(failures.reversed().prefix(3))
        }
        if let reason = stack.statusReason { reasons.insert(reason, at: 0) }
        return reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
    }

    private func metric(_ name: String, deadline: Double) {
        guard let namespace = settings.metricsNamespace else { return }
        do { try aws.putMetric(namespace: namespace, name: name, deadline: deadline) } catch {
            log("warning: metric \(name) not put: \(error)")
        }
    }

    /// Logs the outcome, counts it and sends one message to the alarm topic (a lost metric or message is logged, not an error:
    /// the rollout has happened or not either way).
    private func report(_ outcome: RolloutOutcome, deadline: Double) -> RolloutOutcome {
        let (uri, status, reason, verb): (String, String, String, String)
        switch outcome {
        case .succeeded(let u, let s): (uri, status, reason, verb) = (u, s, "the endpoint serves the new model", "succeeded")
        case .failed(let u, let s, let r): (uri, status, reason, verb) = (u, s, r, "failed")
        case .refused(let u, let r): (uri, status, reason, verb) = (u, "not updated", r, "refused")
        default: return outcome
        }
        log("rollout \(verb): \(uri): \(status): \(reason)")
        metric(verb == "succeeded" ? "ModelRolloutSucceeded" : "ModelRolloutFailed", deadline: deadline)
        if let topic = settings.alarmTopicArn {
            let message = "Model rollout \(verb) on stack \(settings.stackName).\nmodel: \(uri)\nstatus: \(status)\nreason: \(reason)\nparameter: \(settings.parameterName)\n"
            do {
                try aws.publish(topicArn: topic, subject: "Model rollout \(verb): \(settings.stackName)", message: message, deadline: deadline)
            } catch {
                log("warning: rollout report not published to \(topic): \(error)")
            }
        }
        return outcome
    }
}

/// EventBridge `Parameter Store Change` of the model parameter → a CloudFormation update of the endpoint stack with its
/// previous template, so the endpoint serves the model the parameter records (SageMaker's blue/green guardrails apply).
public struct RolloutHandler: LambdaHandler {
    let settings: RolloutSettings
    let aws: RolloutBackend
    let clock: RolloutClock

    init(settings: RolloutSettings, aws: RolloutBackend, clock: RolloutClock = SystemClock()) {
        self.settings = settings
        self.aws = aws
        self.clock = clock
    }

    /// The `_HANDLER` name of this handler.
    public static let name = "rollout"

    /// The handler as the function's environment configures it; a missing setting is a configuration error.
    public static func make(environment: [String: String]) throws -> any LambdaHandler {
        let settings = try RolloutSettings(environment: environment)
        let aws: AWSEnvironment
        do { aws = try AWSEnvironment(variables: environment) } catch {
            throw HandlerError.configuration(error.description)
        }
        let backend = AWSRolloutBackend(cloudFormation: CloudFormationClient(client: aws.client(for: .cloudFormation)),
                                        ssm: SSMClient(client: aws.client(for: .ssm)),
                                        cloudWatch: CloudWatchClient(client: aws.client(for: .cloudWatch)),
                                        sns: SNSClient(client: aws.client(for: .sns)))
        log("model rollout ready: stack \(settings.stackName), parameter \(settings.parameterName), models s3://\(settings.modelBucket)/\(settings.modelPrefix)…\(settings.modelSuffix), metrics \(settings.metricsNamespace ?? "off"), topic \(settings.alarmTopicArn ?? "none")")
        return RolloutHandler(settings: settings, aws: backend)
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let change = try ParameterStoreEvent.decode(event)
        let id = context.requestId
        log("\(id) \(change.operation) of \(change.name)")
        let rollout = ModelRollout(settings: settings, aws: aws, clock: clock, log: { log("\(id) \($0)") })
        let outcome = try rollout.run(change, deadline: Double(context.deadlineMs) / 1000)
        return Self.response(outcome, settings: settings)
    }

    /// `{"model":…,"parameter":…,"reason":…,"stack":…,"stackStatus":…,"status":…}` (keys sorted, absent ones left out).
    static func response(_ outcome: RolloutOutcome, settings: RolloutSettings) -> [UInt8] {
        var members: [String: JSON] = ["status": .string(outcome.name), "stack": .string(settings.stackName), "parameter": .string(settings.parameterName)]
        switch outcome {
        case .skipped(let reason): members["reason"] = .string(reason)
        case .alreadyServing(let uri), .noUpdates(let uri): members["model"] = .string(uri)
        case .refused(let uri, let reason): members["model"] = .string(uri); members["reason"] = .string(reason)
        case .succeeded(let uri, let status), .stillRunning(let uri, let status): members["model"] = .string(uri); members["stackStatus"] = .string(status)
        case .failed(let uri, let status, let reason):
            members["model"] = .string(uri); members["stackStatus"] = .string(status); members["reason"] = .string(reason)
        }
        return JSON.object(members).bytes
    }
}
