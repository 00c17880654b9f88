#if canImport(Glibc)
import Glibc
#endif
import CNSS
import HTTPClient

// No Foundation here (see `JSON`): the environment comes from `environ`, JSON from HTTPClient.

/// What Lambda tells a handler about one invocation.
public struct InvocationContext: Sendable {
    public let requestId: String
    /// Milliseconds since the Unix epoch after which Lambda stops the invocation.
    public let deadlineMs: Int64
    public let invokedFunctionArn: String?
    public let traceId: String?

    public init(requestId: String, deadlineMs: Int64, invokedFunctionArn: String? = nil, traceId: String? = nil) {
        self.requestId = requestId
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
    }

    /// Time left before the deadline, in seconds (negative when past).
    public var remainingSeconds: Double { Double(deadlineMs) / 1000 - Clock.nowSeconds() }
}

/// A handler error reported to Lambda as `errorType` and `errorMessage`.
public struct HandlerError: Error, Sendable, CustomStringConvertible {
    public let type: String
    public let message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    public var description: String { "\(type): \(message)" }

    /// The function's configuration (its environment) is wrong: Lambda's own type for it, so the error says where to look.
    public static func configuration(_ message: String) -> HandlerError { HandlerError(type: "Runtime.ConfigurationError", message: message) }
}

/// An event handler: raw event bytes in, response bytes out. Errors become `/error` posts, never the end of the loop.
public protocol LambdaHandler {
    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8]
}

/// The process environment, read from `environ` (what `ProcessInfo` would give, without linking Foundation).
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }
}

public enum Clock {
    public static func nowSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Writes one log line to standard output (CloudWatch Logs captures it), unbuffered.
public func log(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, bytes.count - offset) }
        if n <= 0 { if errno == EINTR { continue } else { return } }
        offset += n
    }
}

/// The Lambda Runtime API client, over one keep-alive connection to `AWS_LAMBDA_RUNTIME_API`.
public final class RuntimeAPIClient {
    static let prefix = "/2018-06-01/runtime"
    private let host: String
    private let port: Int
    private var connection: HTTP1Connection?

    /// `endpoint` is `host:port`, as in `AWS_LAMBDA_RUNTIME_API`.
    public init(endpoint: String) throws(HTTPError) {
        let parts = endpoint.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw .connect(host: endpoint, port: 0, reason: "AWS_LAMBDA_RUNTIME_API must be host:port")
        }
        host = String(parts[0])
        self.port = port
    }

    private func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        if connection == nil || connection?.reusable == false {
            connection = HTTP1Connection(stream: try TCPSocket(host: host, port: port), hostHeader: "\(host):\(port)")
        }
        do {
            return try connection!.send(request)
        } catch {
            connection = nil
            throw error
        }
    }

    /// Waits for the next invocation (this blocks while the execution environment is frozen).
    public func next() throws(HTTPError) -> (event: [UInt8], context: InvocationContext) {
        let response = try send(HTTPRequest(method: "GET", target: "\(Self.prefix)/invocation/next"))
        guard response.status == 200, let requestId = response.header("Lambda-Runtime-Aws-Request-Id") else {
            throw .malformedResponse("/next answered \(response.status) without a request id: \(response.bodyText)")
        }
        let deadline = response.header("Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) } ?? Int64((Clock.nowSeconds() + 900) * 1000)
        return (response.body, InvocationContext(requestId: requestId, deadlineMs: deadline,
                                                 invokedFunctionArn: response.header("Lambda-Runtime-Invoked-Function-Arn"),
                                                 traceId: response.header("Lambda-Runtime-Trace-Id")))
    }

    /// Posts the handler's response. Lambda answers 202; anything else (413 for a response over 6 MB, 400 for an unknown
    /// request id) means the invocation is lost, which is logged: the loop itself can go on.
    public func respond(requestId: String, body: [UInt8]) throws(HTTPError) {
        checkAccepted(try send(HTTPRequest(method: "POST", target: "\(Self.prefix)/invocation/\(requestId)/response",
                                           headers: [("Content-Type", "application/json")], body: body)), requestId)
    }

    public func fail(requestId: String, error: HandlerError) throws(HTTPError) {
        checkAccepted(try send(errorRequest("\(Self.prefix)/invocation/\(requestId)/error", error)), requestId)
    }

    public func initError(_ error: HandlerError) throws(HTTPError) {
        checkAccepted(try send(errorRequest("\(Self.prefix)/init/error", error)), "init")
    }

    private func checkAccepted(_ response: HTTPResponse, _ what: String) {
        if !(200..<300).contains(response.status) {
            log("\(what) runtime: the Runtime API answered \(response.status): \(response.bodyText)")
        }
    }

    /// Requests sent on the current connection.
    public var requestsOnConnection: Int { connection?.requestCount ?? 0 }

    private func errorRequest(_ target: String, _ error: HandlerError) -> HTTPRequest {
        let body = JSON.object(["errorMessage": .string(error.message), "errorType": .string(error.type)]).bytes
        return HTTPRequest(method: "POST", target: target,
                           headers: [("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", error.type)], body: body)
    }
}

/// The handlers one binary serves, by the name Lambda passes in `_HANDLER` (the function's `Handler` property):
/// one build and one deployment package for every function of the pipeline.
public struct HandlerTable {
    /// Builds a handler from the process environment; a thrown error is reported to `/init/error`.
    public typealias Factory = ([String: String]) throws -> any LambdaHandler

    public let factories: [String: Factory]

    public init(_ factories: [String: Factory]) { self.factories = factories }

    public var names: [String] { factories.keys.sorted() }

    /// The handler `_HANDLER` names; a missing or unknown name is a `Runtime.UnknownHandler` error naming the known ones.
    public func makeHandler(environment: [String: String]) throws -> any LambdaHandler {
        let known = names.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let name = environment["_HANDLER"], !name.isEmpty else {
            throw HandlerError(type: "Runtime.UnknownHandler",
                               message: "_HANDLER is not set: the function's Handler property names the handler to run, one of \(known)")
        }
        guard let factory = factories[name] else {
            throw HandlerError(type: "Runtime.UnknownHandler",
                               message: "unknown handler \"\(name)\" (the function's Handler property, _HANDLER): this bootstrap serves \(known)")
        }
        return try factory(environment)
    }
}

/// Host name lookups pinned to the NSS services built into glibc.
///
/// `bootstrap` is linked statically against the build host's glibc. Its `getaddrinfo` has the `files` and `dns` services
/// built in, but for any other service on the `hosts:` line of the running host's /etc/nsswitch.conf it dlopens
/// `libnss_<service>.so.2` and that host's `libc.so.6`: on Lambda (Amazon Linux 2023, glibc 2.34, `hosts: files dns
/// myhostname`) a lookup that DNS does not answer would load a 2.34 libc into the 2.36 static process, which dies
/// (SIGFPE in `__libc_early_init`). Pinned to `files dns` before the first lookup, the process never loads a library.
public enum HostLookup {
    /// The services `hosts` lookups use: the two compiled into libc.
    public static let services = "files dns"

    /// Sets the `hosts` database to `files dns`, whatever /etc/nsswitch.conf says. Call once, before any lookup.
    public static func pin() throws(HandlerError) {
        try configure(database: "hosts", services: services)
    }

    /// `__nss_configure_lookup(database, services)`; a failure is a `Runtime.InitError` naming both and the reason.
    public static func configure(database: String, services: String) throws(HandlerError) {
        let code = cnss_configure_lookup(database, services)
        guard code == 0 else {
            throw HandlerError(type: "Runtime.InitError",
                               message: "cannot set the NSS \(database) lookup to \"\(services)\" (__nss_configure_lookup): \(String(cString: strerror(code)))")
        }
    }
}

/// The runtime loop.
public enum LambdaRuntime {
    /// Serves the handler `_HANDLER` names (see `HandlerTable`).
    public static func run(_ table: HandlerTable) -> Never {
        run { try table.makeHandler(environment: ProcessEnvironment.current()) }
    }

    /// Pins host lookups to glibc's built-in `files dns` (`HostLookup`), creates the handler (an error in either is
    /// reported to `/init/error` and ends the process with status 1), then serves invocations until the Runtime API
    /// goes away (status 2).
    public static func run(_ makeHandler: () throws -> any LambdaHandler) -> Never {
        guard let endpoint = ProcessEnvironment.current()["AWS_LAMBDA_RUNTIME_API"] else {
            log("runtime: AWS_LAMBDA_RUNTIME_API is not set; this binary runs inside AWS Lambda (or a local Runtime API)")
            exit(1)
        }
        let client: RuntimeAPIClient
        do {
            client = try RuntimeAPIClient(endpoint: endpoint)
        } catch {
            log("runtime: \(error)")
            exit(1)
        }
        // Before any host lookup (the handler factory or an invocation may make one; the Runtime API is an IP address).
        do {
            try HostLookup.pin()
        } catch {
            log("init failed: \(error)")
            try? client.initError(error)
            exit(1)
        }
        let handler: any LambdaHandler
        do {
            handler = try makeHandler()
        } catch {
            let failure = error as? HandlerError ?? HandlerError(type: "Runtime.InitError", message: "\(error)")
            log("init failed: \(failure)")
            try? client.initError(failure)
            exit(1)
        }
        while true {
            let event: [UInt8]
            let context: InvocationContext
            do {
                (event, context) = try client.next()
            } catch {
                log("runtime: cannot get the next invocation: \(error)")
                exit(2)
            }
            let started = Clock.nowSeconds()
            // The handler's outcome first: whatever it throws (even a transport error of its own) is reported to /error.
            let outcome: Result<[UInt8], HandlerError>
            do {
                outcome = .success(try handler.handle(event, context: context))
            } catch {
                outcome = .failure(error as? HandlerError ?? HandlerError(type: "Handler.Error", message: "\(error)"))
            }
            let tenths = Int(((Clock.nowSeconds() - started) * 10_000).rounded())
            let milliseconds = "\(tenths / 10).\(tenths % 10)"
            do {
                switch outcome {
                case .success(let response):
                    try client.respond(requestId: context.requestId, body: response)
                    log("\(context.requestId) invocation ok in \(milliseconds) ms")
                case .failure(let failure):
                    try client.fail(requestId: context.requestId, error: failure)
                    log("\(context.requestId) invocation error in \(milliseconds) ms: \(failure)")
                }
            } catch {
                // Only the Runtime API going away ends the loop; a handler error never does.
                log("\(context.requestId) runtime: cannot post the result: \(error)")
                exit(2)
            }
        }
    }
}
