import Constructs
import Foundation

extension PipelineConfig {
    /// The function that rolls a newly recorded model out to the endpoint (a CloudFormation update of the endpoint stack).
    public struct Rollout: Sendable, Equatable {
        public var functionName: String
        /// The name the endpoint stack is deployed under (`aws cloudformation deploy --stack-name`): the only stack the
        /// function may update, and whose status changes are reported on the alarm topic.
        public var endpointStackName: String
        public var memoryMiB: Int
        /// How long one rollout may wait for the stack (a busy stack first, then its update); at most Lambda's 900 s.
        public var timeoutSeconds: Int
        public var logRetentionDays: Int
        public var maximumRetryAttempts: Int
        public var maximumEventAgeSeconds: Int
        /// CloudWatch namespace of `ModelRolloutStarted`/`Succeeded`/`Failed`; nil disables the metrics.
        public var metricsNamespace: String?

        public static let defaults = Rollout(functionName: "sentiment-model-rollout", endpointStackName: "SentimentEndpointStack", memoryMiB: 128,
                                             timeoutSeconds: 900, logRetentionDays: 30, maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600,
                                             metricsNamespace: "MLOps/ModelRollout")
    }

    /// How SageMaker shifts traffic from the old fleet to the new one when the model changes.
    public enum RolloutStrategy: String, Sendable, CaseIterable {
        /// `canaryPercent` of the new fleet first, baked for `waitIntervalSeconds`, then the rest.
        case canary
        /// Steps of `linearStepPercent`, each baked for `waitIntervalSeconds`.
        case linear
        /// Everything at once, then baked for `waitIntervalSeconds`.
        case allAtOnce
    }

    /// The endpoint's deployment guardrails (blue/green with automatic rollback on its 5XX and latency alarms).
    public struct EndpointRollout: Sendable, Equatable {
        public var strategy: RolloutStrategy
        public var canaryPercent: Int
        public var linearStepPercent: Int
        /// Baking period after each traffic shift.
        public var waitIntervalSeconds: Int
        /// Extra wait before the old fleet is terminated.
        public var terminationWaitSeconds: Int
        public var maximumExecutionTimeoutSeconds: Int
        /// Roll back automatically when an endpoint alarm fires during the deployment.
        public var autoRollback: Bool

        public static let defaults = EndpointRollout(strategy: .canary, canaryPercent: 10, linearStepPercent: 20, waitIntervalSeconds: 300,
                                                     terminationWaitSeconds: 0, maximumExecutionTimeoutSeconds: 1800, autoRollback: true)

        /// The blue/green deployment these settings describe: what the endpoint stack gives SageMaker, and what the
        /// config's own rules count the waits of (one definition of baking periods and waits, the construct's).
        public var deployment: BlueGreenDeployment {
            let shift: BlueGreenDeployment.TrafficShift = switch strategy {
            case .canary: .canary(percent: canaryPercent)
            case .linear: .linear(stepPercent: linearStepPercent)
            case .allAtOnce: .allAtOnce
            }
            return BlueGreenDeployment(trafficShift: shift, waitIntervalSeconds: waitIntervalSeconds,
                                       terminationWaitSeconds: terminationWaitSeconds,
                                       maximumExecutionTimeoutSeconds: maximumExecutionTimeoutSeconds)
        }

        /// Baking periods of one deployment: canary 2 (canary, then the full fleet), linear one per step, all at once 1.
        public var bakingPeriods: Int { deployment.bakingPeriods }

        /// Waiting time the deployment spends by design: every baking period plus the termination wait.
        public var totalWaitSeconds: Int { deployment.totalWaitSeconds }
    }
}

extension ConfigDecoder {
    static func decodeRollout(_ object: ConfigReader.Object) -> PipelineConfig.Rollout {
        let defaults = PipelineConfig.Rollout.defaults
        let name = object.string("functionName", default: defaults.functionName, [
            ConfigDecoder.lambdaFunctionName,
        ])
        let stack = object.string("endpointStackName", default: defaults.endpointStackName, [
            .pattern("^[a-zA-Z][-a-zA-Z0-9]{0,127}$", "must be a CloudFormation stack name: a letter, then up to 127 letters, digits or hyphens"),
        ])
        let memory = object.integer("memoryMiB", default: defaults.memoryMiB, [.range(128...10240)])
        let timeout = object.integer("timeoutSeconds", default: defaults.timeoutSeconds, [
            Rule(text: "must be between 60 and 900 (a rollout waits for the stack; Lambda stops a function at 900 s)") { (60...900).contains($0) },
        ])
        let retention = object.integer("logRetentionDays", default: defaults.logRetentionDays, [.oneOf(logRetentionDays)])
        let retries = object.integer("maximumRetryAttempts", default: defaults.maximumRetryAttempts, [.range(0...2)])
        let eventAge = object.integer("maximumEventAgeSeconds", default: defaults.maximumEventAgeSeconds, [.range(60...21600)])
        let namespace = ConfigDecoder.metricsNamespace(object, default: defaults.metricsNamespace)
        object.finish()
        return .init(functionName: name, endpointStackName: stack, memoryMiB: memory, timeoutSeconds: timeout, logRetentionDays: retention,
                     maximumRetryAttempts: retries, maximumEventAgeSeconds: eventAge,
                     metricsNamespace: namespace)
    }

    /// SageMaker's rules for blue/green deployments (TrafficRoutingConfig, BlueGreenUpdatePolicy).
    static func decodeEndpointRollout(_ object: ConfigReader.Object) -> PipelineConfig.EndpointRollout {
        let defaults = PipelineConfig.EndpointRollout.defaults
        let strategy = object.choice("strategy", default: defaults.strategy)
        let canary = object.integer("canaryPercent", default: defaults.canaryPercent, [
            Rule(text: "must be between 1 and 50 (SageMaker: the canary is at most 50 % of the new fleet's capacity)") { (1...50).contains($0) },
        ])
        let step = object.integer("linearStepPercent", default: defaults.linearStepPercent, [
            Rule(text: "must be between 10 and 50 (SageMaker: each linear step is 10-50 % of the new fleet's capacity)") { (10...50).contains($0) },
        ])
        let wait = object.integer("waitIntervalSeconds", default: defaults.waitIntervalSeconds, [.range(0...3600)])
        let termination = object.integer("terminationWaitSeconds", default: defaults.terminationWaitSeconds, [.range(0...3600)])
        let maximum = object.integer("maximumExecutionTimeoutSeconds", default: defaults.maximumExecutionTimeoutSeconds, [.range(600...28800)])
        let autoRollback = object.bool("autoRollback", default: defaults.autoRollback)
        let rollout = PipelineConfig.EndpointRollout(strategy: strategy, canaryPercent: canary, linearStepPercent: step, waitIntervalSeconds: wait,
                                                     terminationWaitSeconds: termination, maximumExecutionTimeoutSeconds: maximum,
                                                     autoRollback: autoRollback)
        if maximum <= rollout.totalWaitSeconds {
            object.fail("maximumExecutionTimeoutSeconds", String(maximum),
                        "must be longer than the deployment's waits: \(rollout.bakingPeriods) baking period(s) of waitIntervalSeconds \(wait) + terminationWaitSeconds \(termination) = \(rollout.totalWaitSeconds) s (SageMaker rejects a timeout shorter than the waits)")
        }
        object.finish()
        return rollout
    }
}
