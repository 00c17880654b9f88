import AWSResources
import CloudFormation

/// How SageMaker replaces the fleet of an endpoint when its configuration changes (a new model): a blue/green
/// deployment that shifts traffic to the new fleet in a canary step, linear steps or all at once, bakes after each
/// shift, and (with alarms) rolls back automatically when one of them fires.
public struct BlueGreenDeployment: Sendable, Equatable {
    public enum TrafficShift: Sendable, Equatable {
        /// `percent` of the new fleet's capacity first (SageMaker: at most 50 %), then the rest.
        case canary(percent: Int)
        /// Steps of `stepPercent` of the new fleet's capacity (SageMaker: 10–50 %).
        case linear(stepPercent: Int)
        /// All traffic at once.
        case allAtOnce
    }

    public var trafficShift: TrafficShift
    /// The baking period after each shift (0–3600 s).
    public var waitIntervalSeconds: Int
    /// Extra wait before the old fleet is terminated (0–3600 s).
    public var terminationWaitSeconds: Int
    /// The whole deployment's limit (600–28,800 s), longer than its waits.
    public var maximumExecutionTimeoutSeconds: Int

    public init(trafficShift: TrafficShift = .canary(percent: 10), waitIntervalSeconds: Int = 300, terminationWaitSeconds: Int = 0,
                maximumExecutionTimeoutSeconds: Int = 1800) {
        self.trafficShift = trafficShift
        self.waitIntervalSeconds = waitIntervalSeconds
        self.terminationWaitSeconds = terminationWaitSeconds
        self.maximumExecutionTimeoutSeconds = maximumExecutionTimeoutSeconds
    }

    /// Baking periods: canary 2 (after the canary, after the rest), linear one per step, all at once 1.
    public var bakingPeriods: Int {
        switch trafficShift {
        case .canary: 2
        case .linear(let step): step > 0 ? (100 + step - 1) / step : 1
        case .allAtOnce: 1
        }
    }

    /// Waiting the deployment does by design.
    public var totalWaitSeconds: Int { bakingPeriods * waitIntervalSeconds + terminationWaitSeconds }
}

/// The deployment configuration of an endpoint (`DeploymentConfig`): blue/green traffic shifting and automatic rollback on
/// alarms, checked at synth time with SageMaker's rules. On a serverless endpoint, which has no instance capacity to
/// shift in steps, the traffic shift is all at once (with its baking period), and a canary or linear setting is a warning.
public final class DeploymentGuardrails: Construct {
    public let deployment: BlueGreenDeployment
    public let rollbackAlarms: [Alarm]
    private let endpoint: SageMakerEndpoint
    /// The traffic shift that was requested but cannot be applied (serverless), for the warning.
    private var ignoredShift: BlueGreenDeployment.TrafficShift?

    init(_ endpoint: SageMakerEndpoint, _ id: String, deployment: BlueGreenDeployment, rollbackAlarms: [Alarm]) {
        self.deployment = deployment
        self.rollbackAlarms = rollbackAlarms
        self.endpoint = endpoint
        super.init(endpoint, id)
        typealias E = SageMaker.Endpoint
        var routing: E.TrafficRoutingConfig
        var shift = deployment.trafficShift
        if case .serverless = endpoint.serving, shift != .allAtOnce {
            ignoredShift = shift
            shift = .allAtOnce
        }
        switch shift {
        case .canary(let percent):
            routing = E.TrafficRoutingConfig(canarySize: .init(type: .init(.capacityPERCENT), value: Value(percent)), type: .init(.canary))
        case .linear(let step):
            routing = E.TrafficRoutingConfig(linearStepSize: .init(type: .init(.capacityPERCENT), value: Value(step)), type: .init(.linear))
        case .allAtOnce:
            routing = E.TrafficRoutingConfig(type: .init(.allATONCE))
        }
        routing.waitIntervalInSeconds = Value(deployment.waitIntervalSeconds)
        endpoint.endpoint.properties.deploymentConfig = E.DeploymentConfig(
            autoRollbackConfiguration: rollbackAlarms.isEmpty ? nil : E.AutoRollbackConfig(alarms: rollbackAlarms.map { E.Alarm(alarmName: $0.name) }),
            blueGreenUpdatePolicy: E.BlueGreenUpdatePolicy(
                maximumExecutionTimeoutInSeconds: Value(deployment.maximumExecutionTimeoutSeconds),
                terminationWaitInSeconds: Value(deployment.terminationWaitSeconds),
                trafficRoutingConfiguration: routing))
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        let resource = endpoint.endpoint
        let policy = "DeploymentConfig.BlueGreenUpdatePolicy"
        let routing = "\(policy).TrafficRoutingConfiguration"
        switch deployment.trafficShift {
        case .canary(let percent) where !(1...50).contains(percent):
            report.error(resource, property: "\(routing).CanarySize.Value", value: "\(percent) %",
                         rule: "a canary must be 1 to 50 % of the new fleet's capacity (SageMaker)")
        case .linear(let step) where !(10...50).contains(step):
            report.error(resource, property: "\(routing).LinearStepSize.Value", value: "\(step) %",
                         rule: "a linear step must be 10 to 50 % of the new fleet's capacity (SageMaker)")
        default: break
        }
        if !(0...3600).contains(deployment.waitIntervalSeconds) {
            report.error(resource, property: "\(routing).WaitIntervalInSeconds", value: String(deployment.waitIntervalSeconds), rule: "must be between 0 and 3600")
        }
        if !(0...3600).contains(deployment.terminationWaitSeconds) {
            report.error(resource, property: "\(policy).TerminationWaitInSeconds", value: String(deployment.terminationWaitSeconds), rule: "must be between 0 and 3600")
        }
        let maximum = deployment.maximumExecutionTimeoutSeconds
        if !(600...28800).contains(maximum) {
            report.error(resource, property: "\(policy).MaximumExecutionTimeoutInSeconds", value: String(maximum), rule: "must be between 600 and 28800")
        } else if maximum <= deployment.totalWaitSeconds {
            report.error(resource, property: "\(policy).MaximumExecutionTimeoutInSeconds", value: String(maximum),
                         rule: "must be longer than the deployment's waits (\(deployment.bakingPeriods) × \(deployment.waitIntervalSeconds) s + \(deployment.terminationWaitSeconds) s = \(deployment.totalWaitSeconds) s)")
        }
        if rollbackAlarms.count > 10 {
            report.error(resource, property: "DeploymentConfig.AutoRollbackConfiguration.Alarms", value: "\(rollbackAlarms.count) alarms", rule: "must have at most 10 alarms")
        }
        if let ignored = ignoredShift {
            report.warning(path: resource.path, property: routing, value: "\(ignored)",
                           rule: "a serverless endpoint has no instance capacity to shift in steps: all traffic shifts at once, then bakes for WaitIntervalInSeconds; the canary/linear setting is ignored")
        }
    }
}

extension SageMakerEndpoint {
    /// Adds blue/green deployment guardrails: `deployment` for the traffic shift, and automatic rollback when any of
    /// `rollbackAlarms` fires during a deployment. A new model must keep the variant names (SageMaker requires it).
    @discardableResult
    public func addDeploymentGuardrails(_ deployment: BlueGreenDeployment = BlueGreenDeployment(), rollbackAlarms: [Alarm]) -> DeploymentGuardrails {
        DeploymentGuardrails(self, "Guardrails", deployment: deployment, rollbackAlarms: rollbackAlarms)
    }
}

extension Alarm {
    /// The alarm's name (`Ref`).
    public var name: Value<String> { resource.ref }
}
