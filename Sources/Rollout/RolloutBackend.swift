import AWSCore
import LambdaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The AWS calls a rollout makes: abstracted so the decision table is tested against a fake.
protocol RolloutBackend {
    /// nil when the stack does not exist.
    func describeStack(_ name: String, deadline: Double) throws(AWSError) -> StackDescription?
    func updateStack(_ name: String, parameters: [(key: String, value: StackParameterValue)], capabilities: [String],
                     deadline: Double) throws(AWSError) -> StackUpdateStart
    func stackEvents(_ name: String, deadline: Double) throws(AWSError) -> [StackEvent]
    /// nil when the parameter does not exist.
    func parameterValue(_ name: String, deadline: Double) throws(AWSError) -> String?
    func putMetric(namespace: String, name: String, deadline: Double) throws(AWSError)
    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError)
}

/// Time, abstracted for the same reason: the fake advances on `sleep`.
protocol RolloutClock {
    func now() -> Double
    func sleep(seconds: Double)
}

struct SystemClock: RolloutClock {
    func now() -> Double { Clock.nowSeconds() }
    func sleep(seconds: Double) { if seconds > 0 { usleep(UInt32(min(seconds, 4000) * 1_000_000)) } }
}

/// CloudFormation, SSM, CloudWatch and SNS through AWSCore.
struct AWSRolloutBackend: RolloutBackend {
    let cloudFormation: CloudFormationClient
    let ssm: SSMClient
    let cloudWatch: CloudWatchClient
    let sns: SNSClient

    func describeStack(_ name: String, deadline: Double) throws(AWSError) -> StackDescription? {
        try cloudFormation.describeStack(name: name, deadline: deadline)
    }

    func updateStack(_ name: String, parameters: [(key: String, value: StackParameterValue)], capabilities: [String],
                     deadline: Double) throws(AWSError) -> StackUpdateStart {
        try cloudFormation.updateStackWithPreviousTemplate(name: name, parameters: parameters, capabilities: capabilities, deadline: deadline)
    }

    func stackEvents(_ name: String, deadline: Double) throws(AWSError) -> [StackEvent] {
        try cloudFormation.describeStackEvents(name: name, deadline: deadline)
    }

    func parameterValue(_ name: String, deadline: Double) throws(AWSError) -> String? {
        try ssm.getParameter(name: name, deadline: deadline)?.value
    }

    func putMetric(namespace: String, name: String, deadline: Double) throws(AWSError) {
        try cloudWatch.putMetric(namespace: namespace, name: name, value: 1, unit: "Count", deadline: deadline)
    }

    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError) {
        try sns.publish(topicArn: topicArn, subject: subject, message: message, deadline: deadline)
    }
}
