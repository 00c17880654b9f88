import AWSCore
import HTTPClient

/// An answer of the API as a function URL expects it from the function: `statusCode`, `headers`, `body` (a string)
/// and `isBase64Encoded`. Bodies are always JSON.
struct APIResponse: Equatable {
    var status: Int
    var body: JSON
    var headers: [String: String] = [:]

    /// The function's result document.
    var bytes: [UInt8] {
        var allHeaders = headers
        allHeaders["content-type"] = "application/json"
        allHeaders["cache-control"] = "no-store"
        return JSON.object([
            "statusCode": .int(status),
            "headers": .object(allHeaders.mapValues(JSON.string)),
            "body": .string(body.serialized),
            "isBase64Encoded": .bool(false),
        ]).bytes
    }
}

/// A request the API refuses or cannot serve: HTTP status, a stable code, a message that says what is wrong and what
/// the rule is, and the request field it is about. Rendered as `{"error": {"code", "message", "field"?}}`.
struct APIError: Error, Equatable {
    var status: Int
    var code: String
    var message: String
    var field: String?
    /// Extra response headers (`Allow`, `Retry-After`).
    var headers: [String: String] = [:]
    /// What only the log gets (the service's own error for an internal error).
    var logDetail: String?

    init(_ status: Int, _ code: String, _ message: String, field: String? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    var json: JSON {
        var error: [String: JSON] = ["code": .string(code), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        return .object(["error": .object(error)])
    }

    var response: APIResponse { APIResponse(status: status, body: json, headers: headers) }

    static func bodyTooLarge(atLeast size: Int, limit: Int) -> APIError {
        APIError(413, "PayloadTooLarge", "the body is \(size) bytes or more; at most \(limit) bytes (64 KiB) are accepted", field: "body")
    }

    /// The codes AWSCore retries as throttling, plus the runtime's "model not ready".
    static let throttlingCodes = AWSError.throttlingCodes.union(["ModelNotReadyException"])

    /// Seconds a client should wait before retrying each kind of 503.
    static let retryAfterThrottled = "1"
    static let retryAfterUnavailable = "5"
    static let retryAfterNotDeployed = "30"

    static func endpointNotDeployed(_ endpoint: String, _ detail: String) -> APIError {
        APIError(503, "EndpointNotDeployed", "endpoint not deployed: \(endpoint) (\(detail))", headers: ["retry-after": retryAfterNotDeployed])
    }

    /// What a SageMaker failure means for the client, after the client's bounded retries. `logDetail` goes to the log only
    /// for internal errors: a client learns that the API failed, not how the function is configured.
    static func upstream(_ error: AWSError, endpoint: String, now: Double, deadline: Double) -> APIError {
        switch error {
        case .deadline:
            return APIError(504, "Timeout", "the endpoint did not answer before the function's deadline")
        case .transport(let transport):
            if transport == .timeout, now >= deadline - 0.1 {
                return APIError(504, "Timeout", "the endpoint did not answer before the function's deadline")
            }
            return APIError(503, "EndpointUnavailable", "the endpoint could not be reached after retries: \(transport)",
                            headers: ["retry-after": retryAfterUnavailable])
        case .service(let status, let code, let message):
            if code == "ModelError" || status == 424 {
                return APIError(502, "ModelError", message.isEmpty ? "the model failed (no message)" : "the model failed: \(message)")
            }
            // InvokeEndpoint: "Endpoint X of account Y not found."; DescribeEndpoint: "Could not find endpoint ...".
            if code == "ValidationError" || code == "ValidationException" {
                let lower = message.lowercased()
                if ["not found", "could not find", "not in service", "status"].contains(where: { Text.contains(lower, $0) }) {
                    return endpointNotDeployed(endpoint, message)
                }
            }
            if status == 429 || throttlingCodes.contains(code) {
                return APIError(503, "Throttled", "the endpoint is throttling requests (\(code)); retry after the Retry-After seconds",
                                headers: ["retry-after": retryAfterThrottled])
            }
            if status >= 500 {
                return APIError(503, "EndpointUnavailable", "the endpoint failed after retries: \(code) (HTTP \(status))",
                                headers: ["retry-after": retryAfterUnavailable])
            }
            var failure = APIError(500, "InternalError", "the API could not call the endpoint (\(code)); the function's log has the details")
            failure.logDetail = "\(code) (HTTP \(status)): \(message)"
            return failure
        case .configuration(let what):
            var failure = APIError(500, "InternalError", "the API is misconfigured; the function's log has the details")
            failure.logDetail = what
            return failure
        }
    }
}
