@testable import Pipeline
import XCTest

/// The rollout settings' rules (`rollout.*`, `endpoint.rollout.*`): field, value and rule in every error.
extension PipelineConfigTests {
    func testRolloutDefaults() throws {
        let config = try PipelineConfig.decode(defaultText)
        XCTAssertEqual(config.rollout, .defaults)
        XCTAssertEqual(config.rollout.timeoutSeconds, 900)
        XCTAssertEqual(config.rollout.endpointStackName, "SentimentEndpointStack")
        XCTAssertEqual(config.endpoint.rollout, .defaults)
        XCTAssertEqual(config.endpoint.rollout.strategy, .canary)
        XCTAssertEqual(config.endpoint.rollout.canaryPercent, 10)
        XCTAssertEqual(config.endpoint.rollout.waitIntervalSeconds, 300)
        XCTAssertEqual(config.endpoint.rollout.totalWaitSeconds, 600, "canary bake + final bake")
        let linear = try PipelineConfig.decode(#"{"endpoint": {"rollout": {"strategy": "linear", "linearStepPercent": 30, "waitIntervalSeconds": 100, "terminationWaitSeconds": 50}}}"#)
        XCTAssertEqual(linear.endpoint.rollout.bakingPeriods, 4, "30 % steps: 30, 60, 90, 100")
        XCTAssertEqual(linear.endpoint.rollout.totalWaitSeconds, 450)
        XCTAssertEqual(try PipelineConfig.decode(#"{"rollout": {"metricsNamespace": null}}"#).rollout.metricsNamespace, nil)
    }

    /// Two rollback alarms per variant, at most ten in SageMaker: more than five variants need autoRollback off.
    func testAutoRollbackAllowsAtMostFiveVariants() throws {
        func config(variants: Int, autoRollback: Bool) -> String {
            let items = (1...variants).map { #"{"name": "V\#($0)", "weight": 1, "instanceType": "ml.m5.large", "initialInstanceCount": 1}"# }
            return #"{"endpoint": {"variants": [\#(items.joined(separator: ", "))], "rollout": {"autoRollback": \#(autoRollback)}}}"#
        }
        XCTAssertEqual(try PipelineConfig.decode(config(variants: 5, autoRollback: true)).endpoint.variants.count, 5)
        XCTAssertEqual(try PipelineConfig.decode(config(variants: 6, autoRollback: false)).endpoint.variants.count, 6)
        XCTAssertThrowsError(try PipelineConfig.decode(config(variants: 6, autoRollback: true), file: "test.json")) { error in
            XCTAssertEqual((error as? ConfigError)?.issues.map(\.description), [
                "line 1, column 562: endpoint.rollout = autoRollback with 6 variants: autoRollback watches 2 alarms per variant and SageMaker accepts at most 10: use at most 5 variants or set endpoint.rollout.autoRollback to false",
            ])
        }
    }

    func testRolloutFieldRules() {
        let cases: [(old: String, new: String, field: String, rule: String)] = [
            ("\"functionName\": \"sentiment-model-rollout\"", "\"functionName\": \"bad name\"", "rollout.functionName", "1 to 64 letters"),
            ("\"endpointStackName\": \"SentimentEndpointStack\"", "\"endpointStackName\": \"1Stack_x\"", "rollout.endpointStackName", "CloudFormation stack name"),
            ("\"memoryMiB\": 128", "\"memoryMiB\": 64", "rollout.memoryMiB", "between 128 and 10240"),
            ("\"timeoutSeconds\": 900", "\"timeoutSeconds\": 901", "rollout.timeoutSeconds", "between 60 and 900"),
            ("\"timeoutSeconds\": 900", "\"timeoutSeconds\": 30", "rollout.timeoutSeconds", "a rollout waits for the stack"),
            ("\"metricsNamespace\": \"MLOps/ModelRollout\"", "\"metricsNamespace\": \"AWS/Rollout\"", "rollout.metricsNamespace", "must not start with AWS/"),
            ("\"endpointStackName\": \"SentimentEndpointStack\"", "\"endpointStackName\": \"SentimentEndpointStack\", \"stack\": 1", "rollout.stack", "unknown key"),
            ("\"strategy\": \"canary\"", "\"strategy\": \"blueGreen\"", "endpoint.rollout.strategy", "must be one of: canary, linear, allAtOnce"),
            ("\"canaryPercent\": 10", "\"canaryPercent\": 51", "endpoint.rollout.canaryPercent", "at most 50 % of the new fleet"),
            ("\"canaryPercent\": 10", "\"canaryPercent\": 0", "endpoint.rollout.canaryPercent", "between 1 and 50"),
            ("\"linearStepPercent\": 20", "\"linearStepPercent\": 5", "endpoint.rollout.linearStepPercent", "10-50 %"),
            ("\"linearStepPercent\": 20", "\"linearStepPercent\": 60", "endpoint.rollout.linearStepPercent", "between 10 and 50"),
            ("\"waitIntervalSeconds\": 300", "\"waitIntervalSeconds\": 3601", "endpoint.rollout.waitIntervalSeconds", "between 0 and 3600"),
            ("\"terminationWaitSeconds\": 0", "\"terminationWaitSeconds\": -1", "endpoint.rollout.terminationWaitSeconds", "between 0 and 3600"),
            ("\"maximumExecutionTimeoutSeconds\": 1800", "\"maximumExecutionTimeoutSeconds\": 599", "endpoint.rollout.maximumExecutionTimeoutSeconds", "between 600 and 28800"),
            ("\"maximumExecutionTimeoutSeconds\": 1800", "\"maximumExecutionTimeoutSeconds\": 28801", "endpoint.rollout.maximumExecutionTimeoutSeconds", "between 600 and 28800"),
            ("\"maximumExecutionTimeoutSeconds\": 1800", "\"maximumExecutionTimeoutSeconds\": 600", "endpoint.rollout.maximumExecutionTimeoutSeconds",
             "must be longer than the deployment's waits: 2 baking period(s) of waitIntervalSeconds 300 + terminationWaitSeconds 0 = 600 s"),
            ("\"terminationWaitSeconds\": 0", "\"terminationWaitSeconds\": 1500", "endpoint.rollout.maximumExecutionTimeoutSeconds", "= 2100 s"),
            ("\"autoRollback\": true", "\"autoRollback\": \"on\"", "endpoint.rollout.autoRollback", "must be true or false"),
            ("\"autoRollback\": true", "\"autoRollback\": true, \"canary\": 5", "endpoint.rollout.canary", "unknown key"),
        ]
        assertEachRejected(cases, namingTheValue: true, except: ["rollout.stack", "endpoint.rollout.canary"])
        // A linear rollout whose steps outlast the timeout: 5 steps of 20 % × 3600 s.
        let slow = #"{"endpoint": {"rollout": {"strategy": "linear", "waitIntervalSeconds": 3600, "maximumExecutionTimeoutSeconds": 7200}}}"#
        XCTAssertThrowsError(try PipelineConfig.decode(slow)) { error in
            XCTAssertTrue("\(error)".contains("endpoint.rollout.maximumExecutionTimeoutSeconds = 7200: must be longer than the deployment's waits: 5 baking period(s)"), "\(error)")
        }
    }
}
