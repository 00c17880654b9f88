@testable import Pipeline
import XCTest

/// The `api` section (the prediction API): defaults, and every rule naming the field, the value and the rule.
extension PipelineConfigTests {
    func testAPISectionDefaultsAndEveryRule() throws {
        XCTAssertEqual(try PipelineConfig.decode("{}").api, .defaults)
        XCTAssertEqual(try PipelineConfig.decode(defaultText).api, .defaults, "the shipped file states the defaults")
        let text: String = defaultText
        let cases: [(old: String, new: String, field: String, rule: String)] = [
            ("\"functionName\": \"sentiment-prediction-api\"", "\"functionName\": \"bad name\"", "api.functionName", "1 to 64 letters"),
            ("\"authType\": \"AWS_IAM\"", "\"authType\": \"none\"", "api.authType", "must be one of: AWS_IAM, NONE"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": \"https://a.example\"", "api.corsAllowOrigins", "must be an array"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\"https://a.example/path\"]", "api.corsAllowOrigins[0]", "no path"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\"ftp://a.example\"]", "api.corsAllowOrigins[0]", "must be * or an origin"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\"https://a.example\", 5]", "api.corsAllowOrigins[1]", "must be a string"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\"https://a.example\", \"https://a.example\"]", "api.corsAllowOrigins[1]", "unique"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\"https://\(String(repeating: "a", count: 250)).example\"]", "api.corsAllowOrigins[0]",
             "length must be at most 253 characters"),
            ("\"corsAllowOrigins\": []", "\"corsAllowOrigins\": [\((0...100).map { "\"https://h\($0).example\"" }.joined(separator: ", "))]", "api.corsAllowOrigins",
             "must have at most 100 origins"),
            ("\"memoryMiB\": 256,\n    \"timeoutSeconds\": 30,\n    \"reservedConcurrency\": 5,\n    \"logRetentionDays\": 30,\n    \"maxItems\"",
             "\"memoryMiB\": 64,\n    \"timeoutSeconds\": 30,\n    \"reservedConcurrency\": 5,\n    \"logRetentionDays\": 30,\n    \"maxItems\"", "api.memoryMiB", "between 128 and 10240"),
            ("\"timeoutSeconds\": 30,\n    \"reservedConcurrency\": 5,\n    \"logRetentionDays\": 30,\n    \"maxItems\"",
             "\"timeoutSeconds\": 61,\n    \"reservedConcurrency\": 5,\n    \"logRetentionDays\": 30,\n    \"maxItems\"", "api.timeoutSeconds", "60 s"),
            ("\"reservedConcurrency\": 5,\n    \"logRetentionDays\": 30,\n    \"maxItems\"",
             "\"reservedConcurrency\": 0,\n    \"logRetentionDays\": 30,\n    \"maxItems\"", "api.reservedConcurrency", "between 1 and 1000"),
            ("\"logRetentionDays\": 30,\n    \"maxItems\"", "\"logRetentionDays\": 2,\n    \"maxItems\"", "api.logRetentionDays", "must be one of"),
            ("\"maxItems\": 16", "\"maxItems\": 0", "api.maxItems", "between 1 and 1000"),
            ("\"maxChars\": 5000", "\"maxChars\": 100001", "api.maxChars", "between 1 and 100000"),
            ("\"maxChars\": 5000", "\"maxChars\": 50.5", "api.maxChars", "must be a whole number"),
            ("\"errorsAlarmThreshold\": 1", "\"errorsAlarmThreshold\": 0", "api.errorsAlarmThreshold", "between 1"),
            ("\"throttlesAlarmThreshold\": 1", "\"throttlesAlarmThreshold\": 1, \"authtype\": \"NONE\"", "api.authtype", "unknown key"),
            ("\"api\": {", "\"api\": 5, \"x\": {", "api", "must be an object"),
        ]
        assertEachRejected(cases)
        // Serverless: the API must not send more at once than the endpoint accepts.
        let serverless = text.replacingOccurrences(of: "\"mode\": \"instance\"", with: "\"mode\": \"serverless\"")
            .replacingOccurrences(of: "\"enabled\": true", with: "\"enabled\": false")
        XCTAssertEqual(try PipelineConfig.decode(serverless).api.reservedConcurrency, 5, "5 ≤ maxConcurrency 5")
        XCTAssertThrowsError(try PipelineConfig.decode(serverless.replacingOccurrences(of: "\"maxConcurrency\": 5", with: "\"maxConcurrency\": 4"))) { error in
            let issue = (error as? ConfigError)?.issues.first { $0.field == "api.reservedConcurrency" }
            XCTAssertEqual(issue?.value, "5")
            XCTAssertTrue(issue?.rule.contains("endpoint.serverless.maxConcurrency (4)") == true, "\(error)")
            XCTAssertNotNil(issue?.line)
        }
                let accepted = try PipelineConfig.decode(text.replacingOccurrences(of: "\"corsAllowOrigins\": []",
                                                                           with: "\"corsAllowOrigins\": [\"*\", \"https://app.example.com:8443\"]"))
        XCTAssertEqual(accepted.api.corsAllowOrigins, ["*", "https://app.example.com:8443"])
    }
}
