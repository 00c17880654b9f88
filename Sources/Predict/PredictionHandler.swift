import AWSCore
import HTTPClient
import LambdaRuntime

/// The API's settings, from the function's environment.
struct PredictSettings: Equatable {
    /// The SageMaker endpoint every request goes to.
    var endpointName: String
    /// Most texts in one request (`API_MAX_ITEMS`, default 16).
    var maxItems: Int
    /// Most characters (Unicode scalars) in one text (`API_MAX_CHARS`, default 5000).
    var maxChars: Int
    /// Largest request body, after base64 decoding: 64 KiB.
    static let maxBodyBytes = 65_536
    /// Time kept back from the invocation deadline to answer 504 before Lambda stops the function.
    static let deadlineMargin = 0.3

    init(endpointName: String, maxItems: Int = 16, maxChars: Int = 5000) {
        self.endpointName = endpointName
        self.maxItems = maxItems
        self.maxChars = maxChars
    }

    init(environment: [String: String]) throws(HandlerError) {
        guard let name = environment["ENDPOINT_NAME"], !name.isEmpty else {
            throw HandlerError.configuration("ENDPOINT_NAME is not set; it names the SageMaker endpoint the API invokes")
        }
        func limit(_ variable: String, default value: Int, _ range: ClosedRange<Int>) throws(HandlerError) -> Int {
            guard let text = environment[variable], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw HandlerError.configuration("\(variable) = \"\(text)\": must be a whole number between \(range.lowerBound) and \(range.upperBound)")
            }
            return number
        }
        self.init(endpointName: name, maxItems: try limit("API_MAX_ITEMS", default: 16, 1...1000),
                  maxChars: try limit("API_MAX_CHARS", default: 5000, 1...100_000))
    }
}

/// The prediction API behind a Lambda function URL: `POST /predict` → SageMaker `InvokeEndpoint`, `GET /health` →
/// `DescribeEndpoint`. Every outcome is a function URL response with a JSON body (errors as `{"error": {...}}`) and
/// one log line with the request id; nothing a client sends, and nothing SageMaker answers, makes the invocation fail.
public struct PredictionHandler: LambdaHandler {
    let settings: PredictSettings
    let sageMaker: SageMakerEndpointService

    init(settings: PredictSettings, sageMaker: SageMakerEndpointService) {
        self.settings = settings
        self.sageMaker = sageMaker
    }

    /// The `_HANDLER` name of this handler.
    public static let name = "predict"

    /// Retries for an interactive caller: at most 3 attempts, pauses of at most 0.5 s (never past the deadline).
    static let retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.5)

    public static func make(environment: [String: String]) throws -> any LambdaHandler {
        let settings = try PredictSettings(environment: environment)
        let aws: AWSEnvironment
        do { aws = try AWSEnvironment(variables: environment) } catch {
            throw HandlerError.configuration(error.description)
        }
        let service = AWSSageMakerEndpointService(runtime: aws.client(for: .sageMakerRuntime, retry: retry), api: aws.client(for: .sageMaker, retry: retry))
        log("prediction API ready: endpoint \(settings.endpointName) at \(aws.endpoint(for: .sageMakerRuntime)), at most \(settings.maxItems) texts of \(settings.maxChars) characters, \(PredictSettings.maxBodyBytes) bytes")
        return PredictionHandler(settings: settings, sageMaker: service)
    }

    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let started = Clock.nowSeconds()
        var summary = ""
        let response: APIResponse
        var route = "-"
        do {
            let request = try FunctionURLEvent.parse(event, maxBodyBytes: PredictSettings.maxBodyBytes)
            route = "\(request.method) \(request.path)"
            response = try serve(request, context: context, summary: &summary)
        } catch {
            response = error.response
            summary = "\(error.code)\(error.field.map { " [\($0)]" } ?? ""): \(error.message)\(error.logDetail.map { " -- \($0)" } ?? "")"
        }
        let tenths = Int(((Clock.nowSeconds() - started) * 10_000).rounded())
        // The texts themselves are never logged: they are the clients' data.
        log("\(context.requestId) \(route) \(response.status) \(summary) (\(tenths / 10).\(tenths % 10) ms)")
        return response.bytes
    }

    func serve(_ request: FunctionURLRequest, context: InvocationContext, summary: inout String) throws(APIError) -> APIResponse {
        switch request.path {
        case "/predict":
            guard request.method == "POST" else {
                throw APIError(405, "MethodNotAllowed", "\(request.method) is not allowed on /predict; use POST", field: "method", headers: ["allow": "POST"])
            }
            return try predict(request, context: context, summary: &summary)
        case "/health":
            guard request.method == "GET" else {
                throw APIError(405, "MethodNotAllowed", "\(request.method) is not allowed on /health; use GET", field: "method", headers: ["allow": "GET"])
            }
            return try health(context: context, summary: &summary)
        default:
            throw APIError(404, "NotFound", "no resource at \(request.path); the API serves POST /predict and GET /health", field: "path")
        }
    }

    // MARK: POST /predict

    func predict(_ request: FunctionURLRequest, context: InvocationContext, summary: inout String) throws(APIError) -> APIResponse {
        let contentType = request.header("content-type")
        guard let contentType, Self.isJSON(contentType) else {
            throw APIError(415, "UnsupportedMediaType", "the content type must be application/json, not \(contentType.map { "\"\($0)\"" } ?? "missing")",
                           field: "content-type")
        }
        guard let body = request.body, !body.isEmpty else {
            throw APIError(400, "InvalidRequest", "the body is empty; send {\"inputs\": [\"text\", …]}", field: "body")
        }
        let texts = try Self.inputs(in: body, settings: settings)
        let deadline = Double(context.deadlineMs) / 1000 - PredictSettings.deadlineMargin
        let answer: (body: [UInt8], variant: String?)
        do {
            answer = try sageMaker.invoke(endpoint: settings.endpointName,
                                          body: JSON.object(["inputs": .array(texts.map(JSON.string))]).bytes, deadline: deadline)
        } catch {
            throw APIError.upstream(error, endpoint: settings.endpointName, now: Clock.nowSeconds(), deadline: deadline)
        }
        let predictions = try Self.predictions(in: answer.body, count: texts.count)
        summary = "\(texts.count) texts, variant \(answer.variant ?? "-")"
        return APIResponse(status: 200, body: .object(["predictions": .array(predictions), "variant": answer.variant.map(JSON.string) ?? .null]))
    }

    /// `application/json`, with or without parameters (`; charset=utf-8`), in any case.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return mediaType.lowercased().trimmingBlanks == "application/json"
    }

    /// The texts of a request body, `{"inputs": "text"}` or `{"inputs": ["text", …]}`, checked against every limit.
    static func inputs(in body: [UInt8], settings: PredictSettings) throws(APIError) -> [String] {
        let document: JSON
        do { document = try JSON(parsing: body) } catch {
            throw APIError(400, "InvalidJSON", "the body is not valid JSON: \(error)", field: "body")
        }
        guard let members = document.objectValue else {
            throw APIError(400, "InvalidRequest", "the body must be a JSON object such as {\"inputs\": [\"text\"]}, not \(document.kind)", field: "body")
        }
        if let unknown = members.keys.sorted().first(where: { $0 != "inputs" }) {
            throw APIError(400, "UnknownField", "unknown field \"\(unknown)\"; the body takes only inputs", field: unknown)
        }
        guard let inputs = members["inputs"], inputs != .null else {
            throw APIError(400, "MissingField", "inputs is required: a text or an array of 1 to \(settings.maxItems) texts", field: "inputs")
        }
        let items: [(field: String, value: JSON)]
        switch inputs {
        case .string:
            items = [("inputs", inputs)]
        case .array(let values):
            guard !values.isEmpty else {
                throw APIError(400, "EmptyInputs", "inputs is an empty array; it must hold 1 to \(settings.maxItems) texts", field: "inputs")
            }
            guard values.count <= settings.maxItems else {
                throw APIError(400, "TooManyItems", "inputs holds \(values.count) texts; at most \(settings.maxItems) are accepted per request", field: "inputs")
            }
            items = values.enumerated().map { ("inputs[\($0.offset)]", $0.element) }
        default:
            throw APIError(400, "WrongType", "inputs must be a text or an array of texts, not \(inputs.kind)", field: "inputs")
        }
        var texts: [String] = []
        texts.reserveCapacity(items.count)
        for (field, value) in items {
            guard let text = value.stringValue else {
                throw APIError(400, "WrongType", "\(field) must be a text (a JSON string), not \(value.kind)", field: field)
            }
            guard text.unicodeScalars.contains(where: { !isBlank($0) }) else {
                throw APIError(400, "EmptyText", "\(field) is empty or blank; every text needs at least one visible character", field: field)
            }
            let length = text.unicodeScalars.count
            guard length <= settings.maxChars else {
                throw APIError(400, "TextTooLong", "\(field) has \(length) characters; at most \(settings.maxChars) are accepted", field: field)
            }
            texts.append(text)
        }
        return texts
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// The Hugging Face text-classification answer, `[{"label": …, "score": …}, …]`, one per text and in their order.
    static func predictions(in body: [UInt8], count: Int) throws(APIError) -> [JSON] {
        func invalid(_ why: String) -> APIError {
            APIError(502, "InvalidModelResponse", "the model's answer is not \(count) predictions [{\"label\", \"score\"}]: \(why)")
        }
        let document: JSON
        do { document = try JSON(parsing: body) } catch { throw invalid("not JSON (\(error))") }
        guard let items = document.arrayValue else { throw invalid("it is \(document.kind), not an array") }
        guard items.count == count else { throw invalid("\(items.count) predictions for \(count) texts") }
        var predictions: [JSON] = []
        predictions.reserveCapacity(count)
        for (index, item) in items.enumerated() {
            guard let label = item["label"]?.stringValue else { throw invalid("[\(index)].label is missing or not a string") }
            guard let score = item["score"], case .number = score else { throw invalid("[\(index)].score is missing or not a number") }
            predictions.append(.object(["label": .string(label), "score": score]))
        }
        return predictions
    }

    // MARK: GET /health

    /// Statuses in which the endpoint answers invocations: while it is updated (a new model, blue/green) it still serves.
    static let servingStatuses: Set<String> = ["InService", "Updating", "SystemUpdating", "RollingBack", "UpdateRollbackFailed"]

    func health(context: InvocationContext, summary: inout String) throws(APIError) -> APIResponse {
        let deadline = Double(context.deadlineMs) / 1000 - PredictSettings.deadlineMargin
        let status: String
        do { status = try sageMaker.status(endpoint: settings.endpointName, deadline: deadline) } catch {
            throw APIError.upstream(error, endpoint: settings.endpointName, now: Clock.nowSeconds(), deadline: deadline)
        }
        summary = "endpoint \(status)"
        var body: [String: JSON] = ["endpoint": .string(settings.endpointName), "status": .string(status)]
        guard Self.servingStatuses.contains(status) else {
            let error = APIError(503, "EndpointNotInService", "endpoint \(settings.endpointName) is \(status), not InService",
                                 headers: ["retry-after": APIError.retryAfterNotDeployed])
            body["error"] = error.json["error"]
            return APIResponse(status: 503, body: .object(body), headers: error.headers)
        }
        return APIResponse(status: 200, body: .object(body))
    }
}

extension String {
    var trimmingBlanks: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, PredictionHandler.isBlank(first) { scalars.removeFirst() }
        while let last = scalars.last, PredictionHandler.isBlank(last) { scalars.removeLast() }
        return String(Substring(scalars))
    }
}
