/// AWS credentials; the session token is set for temporary credentials (as in Lambda).
public struct Credentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (what Lambda provides).
    public static func fromEnvironment(_ environment: [String: String]) -> Credentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token)
    }
}

/// A request to sign: the path and query are raw (not yet percent-encoded).
public struct SigningRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// Signature Version 4 (header signing), as AWS specifies it; checked against the official test suite.
public struct SigV4Signer: Sendable {
    public let credentials: Credentials
    public let region: String
    public let service: String
    /// S3 paths are not normalized; every other service's are.
    public var normalizePath: Bool { service != "s3" }

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    public struct Signature: Sendable {
        public let canonicalRequest: String
        public let stringToSign: String
        public let signature: String
        public let authorization: String
        /// The headers to send: the request's, plus `X-Amz-Security-Token` when it was not signed, plus `Authorization`.
        public let headers: [(String, String)]
    }

    /// Signs `request`, whose headers must include `Host` and `X-Amz-Date` (`yyyyMMdd'T'HHmmss'Z'`).
    /// With `signSessionToken` (the default) the session token header is added before signing.
    public func sign(_ request: SigningRequest, signSessionToken: Bool = true) -> Signature {
        var headers = request.headers
        if let token = credentials.sessionToken, signSessionToken, !headers.contains(where: { $0.0.lowercased() == "x-amz-security-token" }) {
            headers.append(("X-Amz-Security-Token", token))
        }
        let amzDate = headers.first { $0.0.lowercased() == "x-amz-date" }?.1 ?? ""
        let date = String(amzDate.prefix(8))
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method,
            Self.canonicalPath(request.path, normalize: normalizePath),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            Crypto.hex(Crypto.sha256(request.body)),
        ].joined(separator: "\n")
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Crypto.hex(Crypto.sha256(Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = Crypto.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: Array(date.utf8))
        for part in [region, service, "aws4_request"] { key = Crypto.hmacSHA256(key: key, data: Array(part.utf8)) }
        let signature = Crypto.hex(Crypto.hmacSHA256(key: key, data: Array(stringToSign.utf8)))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var sent = headers
        if let token = credentials.sessionToken, !signSessionToken { sent.append(("X-Amz-Security-Token", token)) }
        sent.append(("Authorization", authorization))
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                         authorization: authorization, headers: sent)
    }

    /// Lowercase names, sorted; values trimmed with inner runs of spaces folded; the lines of a folded (multi-line)
    /// value and repeated names joined with commas, as the official suite specifies.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (String, String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            let lines = value.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map {
                $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            }.filter { !$0.isEmpty }
            grouped[name.lowercased(), default: []].append(lines.joined(separator: ","))
        }
        let names = grouped.keys.sorted()
        let canonical = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    static func canonicalPath(_ path: String, normalize: Bool) -> String {
        guard normalize else { return encode(path, keepSlash: true) }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        let trailing = path.count > 1 && (path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..")) && !segments.isEmpty
        let joined = "/" + segments.map { encode(String($0), keepSlash: false) }.joined(separator: "/")
        return trailing ? joined + "/" : joined
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        // Typed steps: as one chain of closures over tuples this took the type checker ~10 s of every clean build.
        let encoded: [(name: String, value: String)] = query.map { pair -> (name: String, value: String) in
            (encode(pair.0, keepSlash: false), encode(pair.1, keepSlash: false))
        }
        let sorted = encoded.sorted { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        let parameters: [String] = sorted.map { pair -> String in pair.name + "=" + pair.value }
        return parameters.joined(separator: "&")
    }

    /// RFC 3986 encoding: everything but unreserved characters as %XX of its UTF-8 bytes.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                let hex = Array("0123456789ABCDEF")
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// `yyyyMMdd'T'HHmmss'Z'` for a Unix time.
    public static func amzDate(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }
}

#if canImport(Glibc)
import Glibc
#endif
