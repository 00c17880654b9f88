import HTTPClient
#if canImport(Glibc)
import Glibc
#endif

/// A service endpoint: scheme, host, port.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int

    public init(secure: Bool, host: String, port: Int) {
        self.secure = secure
        self.host = host
        self.port = port
    }

    /// Parses `https://host[:port]` or `http://host[:port]` (a path is ignored).
    public init?(url: String) {
        let secure: Bool
        let rest: Substring
        if url.hasPrefix("https://") { secure = true; rest = url.dropFirst(8) } else if url.hasPrefix("http://") { secure = false; rest = url.dropFirst(7) } else { return nil }
        let authority = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !authority.isEmpty else { return nil }
        if let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) {
            self.init(secure: secure, host: String(authority[..<colon]), port: port)
        } else {
            self.init(secure: secure, host: authority, port: secure ? 443 : 80)
        }
    }

    /// The endpoint of `service` in `region`: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the
    /// regional endpoint in the region's partition (`amazonaws.com.cn` in China).
    public static func resolve(service: String, environmentName: String, region: String, environment: [String: String]) -> Endpoint {
        for name in ["AWS_ENDPOINT_URL_\(environmentName)", "AWS_ENDPOINT_URL"] {
            if let url = environment[name], let endpoint = Endpoint(url: url) { return endpoint }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Endpoint(secure: true, host: "\(service).\(region).\(suffix)", port: 443)
    }

    var hostHeader: String { (secure && port == 443) || (!secure && port == 80) ? host : "\(host):\(port)" }
    public var description: String { "\(secure ? "https" : "http")://\(hostHeader)" }
}

/// A service error or a transport failure, after retries.
public enum AWSError: Error, CustomStringConvertible {
    case service(status: Int, code: String, message: String)
    case transport(HTTPError)
    case deadline(String)
    case configuration(String)

    public var description: String {
        switch self {
        case .service(let status, let code, let message): "\(code) (HTTP \(status)): \(message)"
        case .transport(let error): error.description
        case .deadline(let what): "no time left before the invocation deadline (\(what))"
        case .configuration(let what): what
        }
    }

    /// The error codes AWS services answer when they throttle (retried like 5xx).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "TooManyUpdates", "ProvisionedThroughputExceededException", "SlowDown", "RequestThrottled",
    ]

    /// Throttling, 5xx and connection errors are worth another attempt; client errors are not.
    var isRetryable: Bool {
        switch self {
        case .service(let status, let code, _): status >= 500 || status == 429 || Self.throttlingCodes.contains(code)
        case .transport(let error): error.isTransient
        case .deadline, .configuration: false
        }
    }
}

/// Retry policy: exponential backoff with full jitter, bounded attempts, never sleeping past the deadline.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.05, maxDelay: Double = 2) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay before attempt `attempt + 1` (0-based attempt just failed), uniformly random in [0, cap].
    public func delay(afterAttempt attempt: Int) -> Double {
        Double.random(in: 0...min(maxDelay, baseDelay * Double(1 << min(attempt, 20))))
    }
}

/// Signs and sends AWS requests over a kept-alive connection, with retries.
public final class AWSClient {
    public let endpoint: Endpoint
    public let signer: SigV4Signer
    public let retry: RetryPolicy
    private let caFile: String?
    private var connection: HTTP1Connection?
    private let userAgent = "swift-mlops-bootstrap/1.0"

    public init(endpoint: Endpoint, signer: SigV4Signer, retry: RetryPolicy = RetryPolicy(), caFile: String?) {
        self.endpoint = endpoint
        self.signer = signer
        self.retry = retry
        self.caFile = caFile
    }

    /// Sends a POST to `/` with `body`, signed; retries what is retryable until `deadline` (Unix seconds).
    public func post(headers: [(String, String)], body: [UInt8], deadline: Double) throws(AWSError) -> HTTPResponse {
        try send(method: "POST", path: "/", headers: headers, body: body, deadline: deadline)
    }

    /// Sends a signed request (`path` and `query` raw, not yet percent-encoded: REST protocols such as S3 and the
    /// SageMaker runtime); retries what is retryable until `deadline` (Unix seconds). A non-2xx answer is an `AWSError`.
    public func send(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: [UInt8],
                     deadline: Double) throws(AWSError) -> HTTPResponse {
        var attempt = 0
        while true {
            let remaining = deadline - now()
            if remaining <= 0.05 { throw .deadline("before attempt \(attempt + 1)") }
            let failure: AWSError
            do {
                let response = try attemptOnce(method: method, path: path, query: query, headers: headers, body: body, timeout: remaining)
                if (200..<300).contains(response.status) { return response }
                let (code, message) = Self.parseError(response)
                failure = .service(status: response.status, code: code, message: message)
            } catch {
                connection = nil
                failure = .transport(error)
            }
            attempt += 1
            guard failure.isRetryable, attempt < retry.maxAttempts else { throw failure }
            let pause = retry.delay(afterAttempt: attempt - 1)
            if now() + pause >= deadline - 0.05 { throw failure }
            usleep(UInt32(pause * 1_000_000))
        }
    }

    private func attemptOnce(method: String, path: String, query: [(String, String)], headers: [(String, String)], body: [UInt8],
                             timeout: Double) throws(HTTPError) -> HTTPResponse {
        if connection == nil || connection?.reusable == false {
            let socket = try TCPSocket(host: endpoint.host, port: endpoint.port, timeoutSeconds: timeout)
            let stream: ByteStream = endpoint.secure ? try TLSStream(socket: socket, host: endpoint.host, caFile: caFile) : socket
            connection = HTTP1Connection(stream: stream, hostHeader: endpoint.hostHeader)
        }
        // A kept-alive connection must not block past this invocation's deadline either.
        if let tls = connection!.stream as? TLSStream { tls.setTimeout(seconds: timeout) } else { (connection!.stream as? TCPSocket)?.setTimeout(seconds: timeout) }
        var signedHeaders = [("Host", endpoint.hostHeader), ("X-Amz-Date", SigV4Signer.amzDate(now()))]
        // S3 requires the payload hash as a header too.
        if signer.service == "s3" { signedHeaders.append(("X-Amz-Content-Sha256", Crypto.hex(Crypto.sha256(body)))) }
        let signed = signer.sign(SigningRequest(method: method, path: path, query: query, headers: signedHeaders + headers, body: body))
        var target = SigV4Signer.encode(path, keepSlash: true)
        if !query.isEmpty { target += "?" + SigV4Signer.canonicalQuery(query) }
        return try connection!.send(HTTPRequest(method: method, target: target, headers: signed.headers + [("User-Agent", userAgent)], body: body))
    }

    /// The error code and message of a JSON (`__type`, `message`) or XML (`<Code>`, `<Message>`) error body.
    static func parseError(_ response: HTTPResponse) -> (String, String) {
        let text = response.bodyText
        if let error = try? JSON(parsing: response.body), error.objectValue != nil {
            // `__type` may carry a namespace (`com.amazonaws.ssm#ParameterLimitExceeded`); the header a suffix after ':'.
            let type = error["__type"]?.stringValue.map { String($0.split(separator: "#").last ?? Substring($0)) }
            let header = response.header("x-amzn-ErrorType").map { String($0.split(separator: ":").first ?? Substring($0)) }
            let message = error["message"]?.stringValue ?? error["Message"]?.stringValue ?? text
            return (type ?? header ?? "HTTP\(response.status)", message)
        }
        return (xmlElement("Code", in: response.body) ?? "HTTP\(response.status)", xmlElement("Message", in: response.body) ?? text)
    }

    /// The text of the first `<name>…</name>` in an XML body (moto answers JSON services in XML).
    /// A byte search (`Text`), not `String.split(separator: String)`: that one comes from _StringProcessing, ~0.9 MB of the static binary.
    public static func xmlElement(_ name: String, in body: [UInt8]) -> String? {
        let open = Array("<\(name)>".utf8)
        guard let start = Text.firstIndex(of: open, in: body).map({ $0 + open.count }),
              let end = Text.firstIndex(of: Array("</\(name)>".utf8), in: body, from: start) else { return nil }
        return String(decoding: body[start..<end], as: UTF8.self)
    }

    private func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
