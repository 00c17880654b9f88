@testable import Pipeline
import JSON
import XCTest

/// Every config rule: a bad value is rejected with the field, the value and the rule; the default config is valid.
final class PipelineConfigTests: XCTestCase {
    var defaultText: String!

    override func setUpWithError() throws {
        defaultText = try String(contentsOfFile: PipelineTemplateTests.configPath, encoding: .utf8)
    }

    /// One broken field per case, each in a copy of the default config: rejected with an issue on `field` whose rule
    /// contains `rule` and that points at a line; with `namingTheValue`, the issue also names the value (except on
    /// the fields listed, whose problem is a missing or extra key).
    func assertEachRejected(_ cases: [(old: String, new: String, field: String, rule: String)], namingTheValue: Bool = false,
                            except valueless: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
        for testCase in cases {
            guard let error = decode(replacing: testCase.old, with: testCase.new, file: file, line: line) else {
                XCTFail("\(testCase.field): \(testCase.new) was accepted", file: file, line: line)
                continue
            }
            let matching = error.issues.filter { $0.field == testCase.field && $0.rule.contains(testCase.rule) }
            XCTAssertFalse(matching.isEmpty, "\(testCase.field): expected a rule containing \"\(testCase.rule)\", got \(error)", file: file, line: line)
            XCTAssertNotNil(matching.first?.line, "\(testCase.field): the issue points at a line", file: file, line: line)
            if namingTheValue, !valueless.contains(testCase.field) {
                XCTAssertTrue(matching.contains { !$0.value.isEmpty }, "\(testCase.field): the issue names the value", file: file, line: line)
            }
        }
    }

    func decode(replacing old: String, with new: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        XCTAssertTrue(defaultText.contains(old), "default config has no \(old)", file: file, line: line)
        do {
            _ = try PipelineConfig.decode(defaultText.replacingOccurrences(of: old, with: new), file: "test.json")
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testDefaultConfigIsValidAndMatchesBuiltInDefaults() throws {
        let config = try PipelineConfig.decode(defaultText)
        XCTAssertEqual(config, try PipelineConfig.decode("{}"), "the shipped file states the built-in defaults")
        XCTAssertEqual(config.endpoint.variants.first?.instanceType, "ml.m5.large")
        XCTAssertEqual(config.registrar.architecture, .x86_64)
        XCTAssertEqual(config.tags.map(\.key), ["Project", "ManagedBy"])
    }

    func testRegistryAndMonitoringSections() throws {
        let config = try PipelineConfig.decode(defaultText)
        XCTAssertEqual(config.registry, .init(enabled: true, metricsFileName: "metrics.json", primaryMetric: "f1", higherIsBetter: true,
                                              minimumImprovement: 0, requireMetrics: false, metricsWaitSeconds: 10))
        XCTAssertEqual(config.monitoring, .init(dashboardName: "sentiment-pipeline", dataQuality: true, instanceType: "ml.m5.large", volumeSizeGB: 20,
                                                maxRuntimeSeconds: 1800, baselineUri: nil, reportsPrefix: "monitoring/data-quality/"))
        let custom = try PipelineConfig.decode(#"{"registry": {"primaryMetric": "loss", "higherIsBetter": false, "minimumImprovement": 0.02, "requireMetrics": true},"#
            + #" "monitoring": {"baselineUri": "s3://b-1/base/", "instanceType": "ml.c5.xlarge"}}"#)
        XCTAssertEqual(custom.registry.primaryMetric, "loss")
        XCTAssertFalse(custom.registry.higherIsBetter)
        XCTAssertEqual(custom.registry.minimumImprovement, 0.02)
        XCTAssertTrue(custom.registry.requireMetrics)
        XCTAssertEqual(custom.monitoring.baselineUri, "s3://b-1/base/")
        XCTAssertThrowsError(try PipelineConfig.decode(#"{"monitoring": {"instanceType": "ml.t2.nano"}}"#)) { error in
            XCTAssertTrue("\(error)".contains("monitoring.instanceType = \"ml.t2.nano\": must be an instance type SageMaker processing offers"), "\(error)")
        }
        // A longer registrar timeout allows a longer wait.
        XCTAssertEqual(try PipelineConfig.decode(#"{"registrar": {"timeoutSeconds": 120}, "registry": {"metricsWaitSeconds": 100}}"#).registry.metricsWaitSeconds, 100)
    }

    func testEveryFieldRule() {
        let cases: [(old: String, new: String, field: String, rule: String)] = [
            ("\"name\": null,\n    \"namePrefix\"", "\"name\": \"Bad_Bucket\",\n    \"namePrefix\"", "modelBucket.name", "lowercase letters"),
            ("\"name\": null,\n    \"namePrefix\"", "\"name\": \"192.168.5.4\",\n    \"namePrefix\"", "modelBucket.name", "IP address"),
            ("\"namePrefix\": \"sentiment-models\"", "\"namePrefix\": \"Models\"", "modelBucket.namePrefix", "lowercase"),
            ("\"namePrefix\": \"sentiment-models\"", "\"namePrefix\": \"a-very-long-prefix-that-cannot-fit-in-a-name\"", "modelBucket.namePrefix", "length must be between 3 and 35"),
            ("\"modelPrefix\": \"models/\"", "\"modelPrefix\": \"/models/\"", "modelBucket.modelPrefix", "must not start with /"),
            ("\"modelSuffix\": \".tar.gz\"", "\"modelSuffix\": \"\"", "modelBucket.modelSuffix", "length must be between 1 and 255"),
            ("\"modelSuffix\": \".tar.gz\"", "\"modelSuffix\": \"*.tar.gz\"", "modelBucket.modelSuffix", "must not contain *"),
            ("\"noncurrentVersionExpirationDays\": 90", "\"noncurrentVersionExpirationDays\": 0", "modelBucket.noncurrentVersionExpirationDays", "between 1 and 3650"),
            ("\"functionName\": \"sentiment-model-registrar\"", "\"functionName\": \"bad name!\"", "registrar.functionName", "1 to 64 letters"),
            ("\"architecture\": \"x86_64\"", "\"architecture\": \"sparc\"", "registrar.architecture", "must be one of: arm64, x86_64"),
            ("\"memoryMiB\": 256", "\"memoryMiB\": 20000", "registrar.memoryMiB", "between 128 and 10240"),
            ("\"memoryMiB\": 256", "\"memoryMiB\": \"256\"", "registrar.memoryMiB", "must be a whole number"),
            ("\"timeoutSeconds\": 30", "\"timeoutSeconds\": 901", "registrar.timeoutSeconds", "between 1 and 900"),
            ("\"timeoutSeconds\": 30", "\"timeoutSeconds\": 1.5", "registrar.timeoutSeconds", "must be a whole number"),
            ("\"reservedConcurrency\": 5", "\"reservedConcurrency\": 0", "registrar.reservedConcurrency", "between 1 and 1000"),
            ("\"logRetentionDays\": 30", "\"logRetentionDays\": 31", "registrar.logRetentionDays", "must be one of: 1, 3, 5"),
            ("\"maximumRetryAttempts\": 2", "\"maximumRetryAttempts\": 3", "registrar.maximumRetryAttempts", "between 0 and 2"),
            ("\"maximumEventAgeSeconds\": 3600", "\"maximumEventAgeSeconds\": 30", "registrar.maximumEventAgeSeconds", "between 60 and 21600"),
            ("\"metricsNamespace\": \"MLOps/ModelRegistry\"", "\"metricsNamespace\": \"AWS/Mine\"", "registrar.metricsNamespace", "must not start with AWS/"),
            ("\"modelParameterName\": \"/mlops/sentiment/model-data-url\"", "\"modelParameterName\": \"mlops\"", "modelParameterName", "must start with /"),
            ("\"modelParameterName\": \"/mlops/sentiment/model-data-url\"", "\"modelParameterName\": \"/aws/x\"", "modelParameterName", "reserved by AWS"),
            ("\"name\": \"sentiment-endpoint\"", "\"name\": \"-bad-\"", "endpoint.name", "1 to 63 letters"),
            ("\"mode\": \"instance\"", "\"mode\": \"batch\"", "endpoint.mode", "must be one of: instance, serverless"),
            ("\"repository\": \"huggingface-pytorch-inference\",", "\"uri\": \"not-a-uri\",", "endpoint.image.uri", "ECR image URI"),
            ("\"tag\": \"2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04\"", "\"tag\": \"bad tag\"", "endpoint.image.tag", "image tag"),
            ("\"HF_TASK\": \"text-classification\"", "\"1BAD\": \"x\"", "endpoint.environment.1BAD", "environment variable name"),
            ("\"networkIsolation\": true", "\"networkIsolation\": \"yes\"", "endpoint.networkIsolation", "must be true or false"),
            ("\"weight\": 1", "\"weight\": -1", "endpoint.variants[0].weight", "between 0 and 1000"),
            ("\"weight\": 1", "\"weight\": 0", "endpoint.variants", "at least one variant must have a weight above 0"),
            ("\"instanceType\": \"ml.m5.large\"", "\"instanceType\": \"m5.large\"", "endpoint.variants[0].instanceType", "SageMaker instance type"),
            ("\"initialInstanceCount\": 1", "\"initialInstanceCount\": 0", "endpoint.variants[0].initialInstanceCount", "between 1 and 100"),
            ("\"initialInstanceCount\": 1", "\"initialInstanceCount\": 9", "endpoint.autoscaling.minCapacity", "outside minCapacity...maxCapacity"),
            ("\"memorySizeMiB\": 2048", "\"memorySizeMiB\": 1500", "endpoint.serverless.memorySizeMiB", "must be one of: 1024, 2048"),
            ("\"maxConcurrency\": 5", "\"maxConcurrency\": 201", "endpoint.serverless.maxConcurrency", "between 1 and 200"),
            ("\"minCapacity\": 1", "\"minCapacity\": 5", "endpoint.autoscaling.minCapacity", "must not exceed maxCapacity (4)"),
            ("\"cpuTargetPercent\": 70", "\"cpuTargetPercent\": 140", "endpoint.autoscaling.cpuTargetPercent", "at most 100"),
            ("\"invocationsPerInstance\": null", "\"invocationsPerInstance\": 0", "endpoint.autoscaling.invocationsPerInstance", "must be above 0"),
            ("\"scaleInCooldownSeconds\": 300", "\"scaleInCooldownSeconds\": -1", "endpoint.autoscaling.scaleInCooldownSeconds", "between 0 and 86400"),
            ("\"samplingPercent\": 20", "\"samplingPercent\": 101", "endpoint.dataCapture.samplingPercent", "between 0 and 100"),
            ("\"prefix\": \"data-capture/\"", "\"prefix\": \"/capture\"", "endpoint.dataCapture.prefix", "must not start with /"),
            ("\"mode\": \"instance\"", "\"mode\": \"serverless\"", "endpoint.dataCapture", "serverless endpoints do not support data capture"),
            ("\"email\": null", "\"email\": \"not-an-email\"", "alarms.email", "email address"),
            ("\"periodSeconds\": 60", "\"periodSeconds\": 45", "alarms.periodSeconds", "10, 30 or a multiple of 60"),
            ("\"evaluationPeriods\": 5", "\"evaluationPeriods\": 0", "alarms.evaluationPeriods", "between 1 and 100"),
            ("\"modelLatencyMilliseconds\": 1000", "\"modelLatencyMilliseconds\": 0", "alarms.modelLatencyMilliseconds", "between 1"),
            ("\"Project\": \"sentiment-analysis\"", "\"aws:Project\": \"x\"", "tags.aws:Project", "must not start with aws:"),
            ("\"registrarErrors\": 1", "\"registrarErrors\": 1, \"typo\": 2", "alarms.typo", "unknown key"),
            ("\"metricsFileName\": \"metrics.json\"", "\"metricsFileName\": \"m/metrics.json\"", "registry.metricsFileName", "must be a file name"),
            ("\"metricsFileName\": \"metrics.json\"", "\"metricsFileName\": \"metrics.tar.gz\"", "registry.metricsFileName", "must not end with modelBucket.modelSuffix"),
            ("\"primaryMetric\": \"f1\"", "\"primaryMetric\": \"f 1\"", "registry.primaryMetric", "1 to 64 letters"),
            ("\"primaryMetric\": \"f1\"", "\"primaryMetric\": 1", "registry.primaryMetric", "must be a string"),
            ("\"higherIsBetter\": true", "\"higherIsBetter\": \"yes\"", "registry.higherIsBetter", "must be true or false"),
            ("\"minimumImprovement\": 0", "\"minimumImprovement\": -0.1", "registry.minimumImprovement", "must be 0 or more"),
            ("\"requireMetrics\": false", "\"requireMetrics\": 0", "registry.requireMetrics", "must be true or false"),
            ("\"metricsWaitSeconds\": 10", "\"metricsWaitSeconds\": 601", "registry.metricsWaitSeconds", "between 0 and 600"),
            ("\"metricsWaitSeconds\": 10", "\"metricsWaitSeconds\": 25", "registry.metricsWaitSeconds", "at most registrar.timeoutSeconds − 10 (20)"),
            ("\"requireMetrics\": false", "\"requireMetrics\": false, \"primary\": \"f1\"", "registry.primary", "unknown key; expected one of"),
            ("\"dashboardName\": \"sentiment-pipeline\"", "\"dashboardName\": \"my dashboard\"", "monitoring.dashboardName", "letters, digits, - or _"),
            ("\"dataQuality\": true", "\"dataQuality\": \"on\"", "monitoring.dataQuality", "must be true or false"),
            ("\"volumeSizeGB\": 20", "\"volumeSizeGB\": 0", "monitoring.volumeSizeGB", "between 1 and 16384"),
            ("\"maxRuntimeSeconds\": 1800", "\"maxRuntimeSeconds\": 3601", "monitoring.maxRuntimeSeconds", "between 1 and 3600"),
            ("\"baselineUri\": null", "\"baselineUri\": \"s3://bucket/baseline\"", "monitoring.baselineUri", "ending with /"),
            ("\"baselineUri\": null", "\"baselineUri\": \"https://x/y/\"", "monitoring.baselineUri", "s3://bucket/prefix/"),
            ("\"reportsPrefix\": \"monitoring/data-quality/\"", "\"reportsPrefix\": \"reports\"", "monitoring.reportsPrefix", "ending with /"),
            ("\"reportsPrefix\": \"monitoring/data-quality/\"", "\"reportsPrefix\": \"monitoring/data-quality/\", \"schedule\": \"hourly\"", "monitoring.schedule", "unknown key"),
        ]
        assertEachRejected(cases)
    }

    func testAllProblemsReportedTogetherWithPositions() throws {
        var text: String = defaultText
        for (old, new) in [("\"memoryMiB\": 256", "\"memoryMiB\": 1"), ("\"timeoutSeconds\": 30", "\"timeoutSeconds\": 0")] {
            text.replaceSubrange(text.range(of: old)!, with: new)  // the first one: the registrar's (the api section has the same values)
        }
        XCTAssertThrowsError(try PipelineConfig.decode(text, file: "x.json")) { error in
            let issues = (error as? ConfigError)?.issues ?? []
            XCTAssertEqual(issues.map(\.field), ["registrar.memoryMiB", "registrar.timeoutSeconds"])
            XCTAssertEqual(issues.first?.line, 13)
            XCTAssertEqual(issues.first?.column, 18)
            XCTAssertTrue("\(error)".contains("x.json"))
        }
    }

    func testMalformedJSONReportsLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": 1,\n}", 3, 1, "expected a key in double quotes"),
            ("{\"a\": tru}", 1, 7, "invalid literal"),
            ("{\"a\": \"x\", \"a\": \"y\"}", 1, 12, "duplicate key \"a\""),
            ("{\"a\": 01}", 1, 7, "leading zeros"),
            ("{\"é\": [1, 2", 1, 12, "expected ',' or ']'"),
            ("[1] x", 1, 5, "unexpected text after the top-level value"),
            ("{\"a\": \"line\nbreak\"}", 1, 12, "unterminated string"),
        ]
        for (text, line, column, message) in cases {
            XCTAssertThrowsError(try PipelineConfig.decode(text)) { error in
                guard let issue = (error as? ConfigError)?.issues.first else { return XCTFail("\(error)") }
                XCTAssertEqual(issue.line, line, text)
                XCTAssertEqual(issue.column, column, text)
                XCTAssertTrue(issue.rule.contains(message), "\(text): \(issue.rule)")
            }
        }
    }

    func testParserDecodesEscapesAndUnicode() throws {
        let node = try LocatedJSON(parsing: #"{"s": "a\"b\\c\/d\u00e9\ud83d\ude00\n", "n": -1.5e2, "i": 42}"#)
        guard case .object(let members) = node.node else { return XCTFail() }
        guard case .string(let s) = members[0].value.node else { return XCTFail() }
        XCTAssertEqual(s, "a\"b\\c/dé😀\n")
        guard case .number(let n) = members[1].value.node else { return XCTFail() }
        XCTAssertEqual(Double(n), -150)
        XCTAssertNil(Int(n), "not an integer")
        guard case .number("42") = members[2].value.node else { return XCTFail("42 is an integer") }
    }

    func testNumbersKeepTheirMeaning() {
        for (text, rule) in [("1e2", "must be a whole number"), ("256.0", "must be a whole number"), ("99999999999999999999", "must be a whole number")] {
            XCTAssertThrowsError(try PipelineConfig.decode(defaultText.replacingOccurrences(of: "\"memoryMiB\": 256", with: "\"memoryMiB\": \(text)"))) { error in
                let issue = (error as? ConfigError)?.issues.first
                XCTAssertEqual(issue?.field, "registrar.memoryMiB", text)
                XCTAssertEqual(issue?.rule, rule, text)
            }
        }
    }
}
