import AWSCore
import Foundation

/// What the handler integration tests share: the built static `bootstrap` and the moto_server that `.ci/run`
/// prepares (`scripts/ci-lambda.sh` exports `LAMBDA_BOOTSTRAP` and `MOTO_ENDPOINT`), a run of the bootstrap through the
/// project's local Runtime API (`scripts/local-runtime-api.py`), moto's signature checking, and an IAM user whose key
/// moto checks. No XCTest here: callers turn a missing prerequisite into their own skip.
public enum LocalLambda {
    /// The package root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let bootstrapMissing = "LAMBDA_BOOTSTRAP is not set to the built static bootstrap (scripts/package-lambda.sh; .ci/run sets it)"
    public static let motoMissing = "MOTO_ENDPOINT is not set to a running moto_server (scripts/ci-lambda.sh starts one)"

    /// `LAMBDA_BOOTSTRAP`, when it names an executable.
    public static var bootstrap: String? {
        guard let path = ProcessInfo.processInfo.environment["LAMBDA_BOOTSTRAP"], FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    /// `MOTO_ENDPOINT`, when set.
    public static var moto: Endpoint? { ProcessInfo.processInfo.environment["MOTO_ENDPOINT"].flatMap { Endpoint(url: $0) } }

    /// What the local Runtime API reported: one result per event (`status` `response`, `error` or `init-error`, with
    /// `body` and `errorType`), the bootstrap's log, its exit status and how many connections it opened to the API.
    public struct Run {
        public var status: Int32
        public var results: [[String: Any]]
        public var log: String
        /// -1 when the API did not report it.
        public var connections: Int
    }

    /// Variables of this process that must not leak into the bootstrap: every test passes what it means with `environment`.
    static let cleared = ["_HANDLER", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
                          "SSM_PARAMETER_NAME", "METRICS_NAMESPACE", "ALARM_TOPIC_ARN", "ENDPOINT_NAME", "API_MAX_ITEMS", "API_MAX_CHARS"]

    /// Runs `bootstrap` on `events` (file paths) with `environment`, through the local Runtime API.
    public static func run(bootstrap: String, events: [String], environment: [String: String], timeoutSeconds: Int = 30) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", root.appendingPathComponent("scripts/local-runtime-api.py").path, "--bootstrap", bootstrap,
                         "--timeout", String(timeoutSeconds)]
        for event in events { arguments += ["--event", event] }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(key)=\(value)"] }
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment
        for key in cleared { inherited[key] = nil }
        process.environment = inherited
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let log = String(decoding: errData, as: UTF8.self)
        let results = String(decoding: outData, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let connections = log.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("{\"connections\"") else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["connections"] as? Int
        }.last ?? -1
        return Run(status: process.terminationStatus, results: results, log: log, connections: connections)
    }

    /// Writes an event to a temporary file and returns its path.
    public static func eventFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    public struct MotoAPIError: Error, CustomStringConvertible {
        public let description: String
    }

    /// POSTs `body` to one of moto's own endpoints (`/moto-api/...`).
    public static func motoAPI(_ endpoint: Endpoint, _ path: String, contentType: String = "text/plain", body: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-fs", "-X", "POST", "-H", "Content-Type: \(contentType)", "--data-binary", body, "\(endpoint)\(path)"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MotoAPIError(description: "POST \(path) to moto failed (curl status \(process.terminationStatus))") }
    }

    /// moto's SigV4 checking on (every request must be signed by a key of one of its IAM users) or off.
    public static func signatureChecking(_ on: Bool, at endpoint: Endpoint) throws {
        try motoAPI(endpoint, "/moto-api/reset-auth", body: on ? "0" : "inf")
    }

    /// With checking off: a new IAM user allowed everything, with an access key; checking stays off (callers switch it on).
    public static func createUser(at endpoint: Endpoint, named prefix: String) throws -> Credentials {
        try signatureChecking(false, at: endpoint)
        let iam = AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: Credentials(accessKeyId: "AKIDSETUP", secretAccessKey: "setup"),
                                                                    region: "us-east-1", service: "iam"), caFile: nil)
        let deadline = Date().timeIntervalSince1970 + 10
        let user = "\(prefix)-\(UUID().uuidString.prefix(8))"
        _ = try iam.queryCall(action: "CreateUser", version: "2010-05-08", [("UserName", user)], deadline: deadline)
        _ = try iam.queryCall(action: "PutUserPolicy", version: "2010-05-08", [("UserName", user), ("PolicyName", "all"), ("PolicyDocument",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)], deadline: deadline)
        let key = try iam.queryCall(action: "CreateAccessKey", version: "2010-05-08", [("UserName", user)], deadline: deadline).body
        guard let id = AWSClient.xmlElement("AccessKeyId", in: key), let secret = AWSClient.xmlElement("SecretAccessKey", in: key) else {
            throw MotoAPIError(description: "CreateAccessKey answered without a key: \(String(decoding: key, as: UTF8.self))")
        }
        return Credentials(accessKeyId: id, secretAccessKey: secret)
    }
}
