import AWSCore
import Foundation
import HTTPClient
import LambdaRuntime
@testable import Predict
import XCTest

/// A SageMaker that answers from a script and records what it was asked.
final class FakeSageMaker: SageMakerEndpointService, @unchecked Sendable {
    var answer: Result<(body: [UInt8], variant: String?), AWSError> = .success((Array(#"[{"label":"POSITIVE","score":0.99}]"#.utf8), "AllTraffic"))
    var status: Result<String, AWSError> = .success("InService")
    var invocations: [(endpoint: String, body: String, deadline: Double)] = []
    var describes: [String] = []

    func invoke(endpoint: String, body: [UInt8], deadline: Double) throws(AWSError) -> (body: [UInt8], variant: String?) {
        invocations.append((endpoint, String(decoding: body, as: UTF8.self), deadline))
        return try answer.get()
    }

    func status(endpoint: String, deadline: Double) throws(AWSError) -> String {
        describes.append(endpoint)
        return try status.get()
    }
}

/// A decoded function URL response: status, headers and the parsed JSON body.
struct Answer {
    var status: Int
    var headers: [String: String]
    var body: [String: Any]
    var raw: [String: Any]

    var errorCode: String? { (body["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (body["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (body["error"] as? [String: Any])?["message"] as? String }
}

final class PredictionHandlerTests: XCTestCase {
    var sageMaker: FakeSageMaker!
    var handler: PredictionHandler!
    /// Set per test: XCTest creates every test case object before the first test runs.
    var deadlineMs: Int64 = 0

    override func setUp() {
        deadlineMs = Int64((Date().timeIntervalSince1970 + 30) * 1000)
        sageMaker = FakeSageMaker()
        handler = PredictionHandler(settings: PredictSettings(endpointName: "sentiment-endpoint", maxItems: 16, maxChars: 5000), sageMaker: sageMaker)
    }

    /// A payload 2.0 event as a function URL sends it.
    static func event(method: String = "POST", path: String = "/predict", headers: [String: String]? = ["content-type": "application/json"],
                      body: String? = nil, base64: Bool = false) -> [UInt8] {
        var event: [String: Any] = [
            "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "requestContext": ["accountId": "123456789012", "apiId": "abc", "domainName": "abc.lambda-url.us-west-2.on.aws",
                               "http": ["method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.1", "userAgent": "curl"],
                               "requestId": "url-req-1", "routeKey": "$default", "stage": "$default", "time": "26/Nov/2026:10:00:00 +0000",
                               "timeEpoch": 1_795_000_000_000],
            "isBase64Encoded": base64,
        ]
        if let headers { event["headers"] = headers }
        if let body { event["body"] = base64 ? Data(body.utf8).base64EncodedString() : body }
        return Array(try! JSONSerialization.data(withJSONObject: event))
    }

    func call(_ event: [UInt8], deadlineMs: Int64? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Answer {
        let bytes = try handler.handle(event, context: InvocationContext(requestId: "req-1", deadlineMs: deadlineMs ?? self.deadlineMs))
        let raw = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], file: file, line: line)
        XCTAssertEqual(Set(raw.keys), ["statusCode", "headers", "body", "isBase64Encoded"], "function URL response object", file: file, line: line)
        XCTAssertEqual(raw["isBase64Encoded"] as? Bool, false, file: file, line: line)
        let headers = try XCTUnwrap(raw["headers"] as? [String: String], file: file, line: line)
        XCTAssertEqual(headers["content-type"], "application/json", file: file, line: line)
        let text = try XCTUnwrap(raw["body"] as? String, file: file, line: line)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "body is a JSON object: \(text)", file: file, line: line)
        let status = try XCTUnwrap(raw["statusCode"] as? Int, file: file, line: line)
        if status >= 400 {
            let error = try XCTUnwrap(body["error"] as? [String: Any], "error responses carry {\"error\": …}: \(text)", file: file, line: line)
            XCTAssertTrue(Set(error.keys).isSubset(of: ["code", "message", "field"]), "\(error.keys)", file: file, line: line)
            XCTAssertNotNil(error["code"] as? String, file: file, line: line)
            XCTAssertFalse((error["message"] as? String ?? "").isEmpty, file: file, line: line)
        }
        return Answer(status: status, headers: headers, body: body, raw: raw)
    }

    func predict(_ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> Answer {
        try call(Self.event(body: body), file: file, line: line)
    }

    // MARK: success

    func testPredictsABatchInInputOrderWithTheVariant() throws {
        sageMaker.answer = .success((Array(#"[{"label":"POSITIVE","score":0.9998},{"label":"NEGATIVE","score":0.75},{"label":"POSITIVE","score":1.5e-1}]"#.utf8), "VariantB"))
        let answer = try predict(#"{"inputs": ["I love it", "I hate it", "meh \"quoted\" é"]}"#)
        XCTAssertEqual(answer.status, 200)
        let predictions = try XCTUnwrap(answer.body["predictions"] as? [[String: Any]])
        XCTAssertEqual(predictions.map { $0["label"] as? String }, ["POSITIVE", "NEGATIVE", "POSITIVE"])
        XCTAssertEqual(predictions.map { $0["score"] as? Double }, [0.9998, 0.75, 0.15])
        XCTAssertEqual(answer.body["variant"] as? String, "VariantB")
        XCTAssertEqual(Set(answer.body.keys), ["predictions", "variant"])
        XCTAssertEqual(sageMaker.invocations.count, 1)
        XCTAssertEqual(sageMaker.invocations[0].endpoint, "sentiment-endpoint")
        // The Hugging Face container's request: always an array, texts unchanged.
        XCTAssertEqual(sageMaker.invocations[0].body, #"{"inputs":["I love it","I hate it","meh \"quoted\" é"]}"#)
        XCTAssertEqual(sageMaker.invocations[0].deadline, Double(deadlineMs) / 1000 - PredictSettings.deadlineMargin, accuracy: 0.001)
    }

    func testASingleTextIsABatchOfOne() throws {
        let answer = try predict(#"{"inputs": "great"}"#)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual((answer.body["predictions"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual(sageMaker.invocations.first?.body, #"{"inputs":["great"]}"#)
    }

    func testTheExactResponseBytes() throws {
        let bytes = try handler.handle(Self.event(body: #"{"inputs":"x"}"#), context: InvocationContext(requestId: "r", deadlineMs: deadlineMs))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       #"{"body":"{\"predictions\":[{\"label\":\"POSITIVE\",\"score\":0.99}],\"variant\":\"AllTraffic\"}","headers":{"cache-control":"no-store","content-type":"application/json"},"isBase64Encoded":false,"statusCode":200}"#)
    }

    func testAMissingVariantHeaderIsNull() throws {
        sageMaker.answer = .success((Array(#"[{"label":"NEGATIVE","score":0.5}]"#.utf8), nil))
        let answer = try predict(#"{"inputs": ["x"]}"#)
        XCTAssertEqual(answer.status, 200)
        XCTAssertTrue(answer.body["variant"] is NSNull)
    }

    func testBase64Bodies() throws {
        let answer = try call(Self.event(body: #"{"inputs": ["café ☕"]}"#, base64: true))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(sageMaker.invocations.first?.body, #"{"inputs":["café ☕"]}"#)
        let bad = try call(Self.event(body: nil, base64: true).replacingBody(with: "not*base64!", base64: true))
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.errorCode, "InvalidBody")
        XCTAssertEqual(bad.errorField, "body")
        for (text, decoded) in [("", ""), ("QQ==", "A"), ("QUI=", "AB"), ("QUJD", "ABC"), ("8J+YgA==", "😀")] {
            XCTAssertEqual(Base64.decode(text).map { String(decoding: $0, as: UTF8.self) }, decoded, text)
        }
        for text in ["Q", "QQ=", "Q===", "QQ=A", "=QQQ", "QQ==QQ==", "QU\nJD"] { XCTAssertNil(Base64.decode(text), text) }
    }

    func testHeaderNamesInAnyCaseAndContentTypeParameters() throws {
        for headers in [["Content-Type": "application/json"], ["CONTENT-TYPE": "Application/JSON; charset=utf-8"], ["content-type": " application/json ;charset=UTF-8"]] {
            let answer = try call(Self.event(headers: headers, body: #"{"inputs": "x"}"#))
            XCTAssertEqual(answer.status, 200, "\(headers)")
        }
    }

    func testMethodInLowerCaseIsAccepted() throws {
        XCTAssertEqual(try call(Self.event(method: "post", body: #"{"inputs": "x"}"#)).status, 200)
    }

    // MARK: routing

    func testUnknownPathIs404() throws {
        for path in ["/", "/predict/", "/predictions", "/PREDICT"] {
            let answer = try call(Self.event(path: path, body: #"{"inputs": "x"}"#))
            XCTAssertEqual(answer.status, 404, path)
            XCTAssertEqual(answer.errorCode, "NotFound")
            XCTAssertEqual(answer.errorField, "path")
        }
        XCTAssertTrue(sageMaker.invocations.isEmpty)
    }

    func testWrongMethodIs405WithAllow() throws {
        let get = try call(Self.event(method: "GET", body: nil))
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.errorCode, "MethodNotAllowed")
        XCTAssertEqual(get.errorField, "method")
        XCTAssertEqual(get.headers["allow"], "POST")
        let post = try call(Self.event(method: "POST", path: "/health", body: "{}"))
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.headers["allow"], "GET")
    }

    // MARK: every limit and rule

    func testContentTypeMustBeJSON() throws {
        for headers: [String: String]? in [nil, [:], ["content-type": "text/plain"], ["content-type": "application/jsonx"], ["content-type": "application/x-www-form-urlencoded"]] {
            let answer = try call(Self.event(headers: headers, body: #"{"inputs": "x"}"#))
            XCTAssertEqual(answer.status, 415, "\(String(describing: headers))")
            XCTAssertEqual(answer.errorCode, "UnsupportedMediaType")
            XCTAssertEqual(answer.errorField, "content-type")
        }
    }

    func testBodyLimitIs64KiB() throws {
        let limit = PredictSettings.maxBodyBytes
        // Exactly 64 KiB passes the size check (and is then too long a text, which is the next rule).
        let padding = String(repeating: " ", count: limit - #"{"inputs":"x"}"#.utf8.count)
        XCTAssertEqual(try predict(#"{"inputs":"x"}"# + padding).status, 200)
        let over = try predict(#"{"inputs":"x"}"# + padding + " ")
        XCTAssertEqual(over.status, 413)
        XCTAssertEqual(over.errorCode, "PayloadTooLarge")
        XCTAssertEqual(over.errorField, "body")
        XCTAssertTrue(over.errorMessage?.contains("65536") == true, over.errorMessage ?? "")
        // Base64: the same limit applies to the decoded body; a huge encoded body is refused without decoding.
        XCTAssertEqual(try call(Self.event(body: #"{"inputs":"x"}"# + padding, base64: true)).status, 200)
        XCTAssertEqual(try call(Self.event(body: #"{"inputs":"x"}"# + padding + " ", base64: true)).status, 413)
        XCTAssertEqual(try call(Self.event(body: String(repeating: "a", count: 3 * limit), base64: true)).status, 413)
        XCTAssertEqual(sageMaker.invocations.count, 2)
    }

    func testMalformedBodies() throws {
        let cases: [(String, String, String)] = [
            ("", "InvalidRequest", "body"),
            ("{", "InvalidJSON", "body"),
            (#"{"inputs": ["a",]}"#, "InvalidJSON", "body"),
            (#"["a"]"#, "InvalidRequest", "body"),
            (#""text""#, "InvalidRequest", "body"),
            ("{}", "MissingField", "inputs"),
            (#"{"inputs": null}"#, "MissingField", "inputs"),
            (#"{"inputs": "x", "parameters": {"top_k": 2}}"#, "UnknownField", "parameters"),
            (#"{"input": "x"}"#, "UnknownField", "input"),
            (#"{"inputs": 5}"#, "WrongType", "inputs"),
            (#"{"inputs": {"text": "x"}}"#, "WrongType", "inputs"),
            (#"{"inputs": ["ok", 5]}"#, "WrongType", "inputs[1]"),
            (#"{"inputs": ["ok", ["nested"]]}"#, "WrongType", "inputs[1]"),
            (#"{"inputs": []}"#, "EmptyInputs", "inputs"),
            (#"{"inputs": ""}"#, "EmptyText", "inputs"),
            (#"{"inputs": ["ok", " \n\t "]}"#, "EmptyText", "inputs[1]"),
        ]
        for (body, code, field) in cases {
            let answer = try predict(body)
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertEqual(answer.errorCode, code, body)
            XCTAssertEqual(answer.errorField, field, body)
        }
        XCTAssertTrue(sageMaker.invocations.isEmpty, "no bad request reaches SageMaker")
    }

    func testInvalidUTF8IsABadBody() throws {
        var event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(Self.event(body: "x"))) as? [String: Any])
        event["body"] = Data([0x7B, 0x22, 0xFF, 0x22, 0x7D]).base64EncodedString()
        event["isBase64Encoded"] = true
        let answer = try call(Array(try JSONSerialization.data(withJSONObject: event)))
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.errorCode, "InvalidJSON")
    }

    func testItemLimit() throws {
        let sixteen = "[" + (0..<16).map { "\"t\($0)\"" }.joined(separator: ",") + "]"
        sageMaker.answer = .success((Array(("[" + Array(repeating: #"{"label":"POSITIVE","score":0.5}"#, count: 16).joined(separator: ",") + "]").utf8), "A"))
        XCTAssertEqual(try predict(#"{"inputs": \#(sixteen)}"#).status, 200)
        let seventeen = "[" + (0..<17).map { "\"t\($0)\"" }.joined(separator: ",") + "]"
        let answer = try predict(#"{"inputs": \#(seventeen)}"#)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.errorCode, "TooManyItems")
        XCTAssertEqual(answer.errorField, "inputs")
        XCTAssertTrue(answer.errorMessage?.contains("17") == true && answer.errorMessage?.contains("16") == true, answer.errorMessage ?? "")
    }

    func testCharacterLimitCountsUnicodeScalars() throws {
        let exact = String(repeating: "é", count: 5000)  // 10,000 UTF-8 bytes, 5,000 characters
        XCTAssertEqual(try predict(#"{"inputs": ["\#(exact)"]}"#).status, 200)
        let answer = try predict(#"{"inputs": ["short", "\#(exact)x"]}"#)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.errorCode, "TextTooLong")
        XCTAssertEqual(answer.errorField, "inputs[1]")
        XCTAssertTrue(answer.errorMessage?.contains("5001") == true, answer.errorMessage ?? "")
    }

    func testLimitsFromTheEnvironment() throws {
        let settings = try PredictSettings(environment: ["ENDPOINT_NAME": "e", "API_MAX_ITEMS": "2", "API_MAX_CHARS": "3"])
        XCTAssertEqual(settings, PredictSettings(endpointName: "e", maxItems: 2, maxChars: 3))
        XCTAssertEqual(try PredictSettings(environment: ["ENDPOINT_NAME": "e"]), PredictSettings(endpointName: "e", maxItems: 16, maxChars: 5000))
        handler = PredictionHandler(settings: settings, sageMaker: sageMaker)
        XCTAssertEqual(try predict(#"{"inputs": ["a", "b", "c"]}"#).errorCode, "TooManyItems")
        XCTAssertEqual(try predict(#"{"inputs": ["abcd"]}"#).errorCode, "TextTooLong")
        for (variable, value) in [("API_MAX_ITEMS", "0"), ("API_MAX_ITEMS", "x"), ("API_MAX_CHARS", "100001"), ("API_MAX_CHARS", "-1")] {
            XCTAssertThrowsError(try PredictSettings(environment: ["ENDPOINT_NAME": "e", variable: value])) { error in
                XCTAssertTrue("\(error)".contains(variable) && "\(error)".contains(value), "\(error)")
            }
        }
        XCTAssertThrowsError(try PredictSettings(environment: [:])) { error in
            XCTAssertEqual((error as? HandlerError)?.type, "Runtime.ConfigurationError")
            XCTAssertTrue("\(error)".contains("ENDPOINT_NAME"))
        }
    }

    func testNotAFunctionURLEvent() throws {
        for event in ["[]", "not json", #"{"Records": []}"#, #"{"rawPath": "/predict"}"#,
                      #"{"rawPath": "/predict", "requestContext": {"http": {"method": "POST"}}, "body": 5}"#,
                      #"{"rawPath": "/predict", "requestContext": {"http": {"method": "POST"}}, "headers": {"a": 1}}"#] {
            let answer = try call(Array(event.utf8))
            XCTAssertEqual(answer.status, 400, event)
            XCTAssertEqual(answer.errorCode, "InvalidEvent", event)
        }
    }

    // MARK: SageMaker failures

    func testErrorMapping() throws {
        let cases: [(AWSError, Int, String, String?)] = [
            (.service(status: 424, code: "ModelError", message: "Received client error (400) from primary: tokenizer exploded"), 502, "ModelError", nil),
            (.service(status: 424, code: "HTTP424", message: ""), 502, "ModelError", nil),
            (.service(status: 400, code: "ValidationError", message: "Endpoint sentiment-endpoint of account 123456789012 not found."), 503, "EndpointNotDeployed", "30"),
            (.service(status: 400, code: "ThrottlingException", message: "Rate exceeded"), 503, "Throttled", "1"),
            (.service(status: 429, code: "ModelNotReadyException", message: "not ready"), 503, "Throttled", "1"),
            (.service(status: 500, code: "InternalFailure", message: "boom"), 503, "EndpointUnavailable", "5"),
            (.service(status: 503, code: "ServiceUnavailable", message: "down"), 503, "EndpointUnavailable", "5"),
            (.transport(.connect(host: "runtime.sagemaker", port: 443, reason: "refused")), 503, "EndpointUnavailable", "5"),
            (.deadline("before attempt 2"), 504, "Timeout", nil),
            (.service(status: 403, code: "AccessDeniedException", message: "not authorized to perform sagemaker:InvokeEndpoint"), 500, "InternalError", nil),
        ]
        for (error, status, code, retryAfter) in cases {
            sageMaker.answer = .failure(error)
            let answer = try predict(#"{"inputs": "x"}"#)
            XCTAssertEqual(answer.status, status, "\(error)")
            XCTAssertEqual(answer.errorCode, code, "\(error)")
            XCTAssertEqual(answer.headers["retry-after"], retryAfter, "\(error)")
        }
        sageMaker.answer = .failure(.service(status: 424, code: "ModelError", message: "tokenizer exploded"))
        XCTAssertTrue(try predict(#"{"inputs": "x"}"#).errorMessage?.contains("tokenizer exploded") == true, "the model's message is passed on")
        sageMaker.answer = .failure(.service(status: 403, code: "AccessDeniedException", message: "arn:aws:iam::123456789012:role/secret"))
        XCTAssertFalse(try predict(#"{"inputs": "x"}"#).errorMessage?.contains("arn:") == true, "internal details stay in the log")
    }

    func testATimeoutAtTheDeadlineIs504() throws {
        sageMaker.answer = .failure(.transport(.timeout))
        let past = Int64((Date().timeIntervalSince1970 + 0.2) * 1000)
        XCTAssertEqual(try call(Self.event(body: #"{"inputs": "x"}"#), deadlineMs: past).status, 504)
        XCTAssertEqual(try predict(#"{"inputs": "x"}"#).status, 503, "a socket timeout long before the deadline is an unavailable endpoint")
    }

    func testInvalidModelAnswers() throws {
        for body in ["body", "{}", #"[{"label":"POSITIVE","score":0.9},{"label":"NEGATIVE","score":0.1}]"#, #"[{"label":1,"score":0.9}]"#,
                     #"[{"label":"POSITIVE","score":"0.9"}]"#, #"[[{"label":"POSITIVE","score":0.9}]]"#] {
            sageMaker.answer = .success((Array(body.utf8), "AllTraffic"))
            let answer = try predict(#"{"inputs": "x"}"#)
            XCTAssertEqual(answer.status, 502, body)
            XCTAssertEqual(answer.errorCode, "InvalidModelResponse", body)
        }
    }

    // MARK: GET /health

    func testHealth() throws {
        let ok = try call(Self.event(method: "GET", path: "/health", headers: nil))
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(ok.body["endpoint"] as? String, "sentiment-endpoint")
        XCTAssertEqual(ok.body["status"] as? String, "InService")
        XCTAssertEqual(sageMaker.describes, ["sentiment-endpoint"])
        sageMaker.status = .success("Updating")
        XCTAssertEqual(try call(Self.event(method: "GET", path: "/health", headers: nil)).status, 200, "an endpoint being updated still serves")
        for status in ["Creating", "Failed", "OutOfService", "Deleting"] {
            sageMaker.status = .success(status)
            let answer = try call(Self.event(method: "GET", path: "/health", headers: nil))
            XCTAssertEqual(answer.status, 503, status)
            XCTAssertEqual(answer.body["status"] as? String, status)
            XCTAssertEqual(answer.errorCode, "EndpointNotInService")
            XCTAssertNotNil(answer.headers["retry-after"])
        }
        sageMaker.status = .failure(.service(status: 400, code: "ValidationException",
                                             message: "Could not find endpoint \"arn:aws:sagemaker:us-west-2:123456789012:endpoint/sentiment-endpoint\"."))
        let missing = try call(Self.event(method: "GET", path: "/health", headers: nil))
        XCTAssertEqual(missing.status, 503)
        XCTAssertEqual(missing.errorCode, "EndpointNotDeployed")
        XCTAssertTrue(missing.errorMessage?.hasPrefix("endpoint not deployed") == true)
    }
}

extension Array where Element == UInt8 {
    /// The same event with its body replaced by `text` as given (not encoded).
    func replacingBody(with text: String, base64: Bool) -> [UInt8] {
        var event = try! JSONSerialization.jsonObject(with: Data(self)) as! [String: Any]
        event["body"] = text
        event["isBase64Encoded"] = base64
        return Array(try! JSONSerialization.data(withJSONObject: event))
    }
}
