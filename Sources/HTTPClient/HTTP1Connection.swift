/// An HTTP request; header names keep their case, the order is kept.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, already encoded (`/2018-06-01/runtime/invocation/next`).
    public var target: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response; header lookup is case-insensitive.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// HTTP/1.1 over one byte stream, kept alive between requests (the Lambda Runtime API and AWS endpoints both allow it).
public final class HTTP1Connection {
    public let stream: ByteStream
    private let hostHeader: String
    private var buffer: [UInt8] = []
    private var start = 0
    /// Whether the server allows another request on this connection.
    public private(set) var reusable = true
    /// Requests sent on this connection (tests use it to prove keep-alive).
    public private(set) var requestCount = 0

    public init(stream: ByteStream, hostHeader: String) {
        self.stream = stream
        self.hostHeader = hostHeader
    }

    /// Sends a request and reads the whole response. Adds `Host`, `Content-Length` and `Connection: keep-alive` unless given.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        requestCount += 1
        var head = "\(request.method) \(request.target) HTTP/1.1\r\n"
        let names = Set(request.headers.map { $0.0.lowercased() })
        if !names.contains("host") { head += "Host: \(hostHeader)\r\n" }
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        if !names.contains("content-length"), request.method != "GET" || !request.body.isEmpty {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        if !names.contains("connection") { head += "Connection: keep-alive\r\n" }
        head += "\r\n"
        try stream.write(Array(head.utf8) + request.body)
        return try readResponse(method: request.method)
    }

    private func fill() throws(HTTPError) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16384)
        var failure: HTTPError?
        let n = chunk.withUnsafeMutableBytes { raw -> Int in
            do throws(HTTPError) { return try stream.read(into: raw) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        if n == 0 { throw .closed }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func readLine() throws(HTTPError) -> String {
        while true {
            if let index = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = index
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = index + 1
                return line
            }
            if buffer.count - start > 65536 { throw .malformedResponse("header line longer than 64 KiB") }
            try fill()
        }
    }

    private func readBytes(_ count: Int) throws(HTTPError) -> [UInt8] {
        while buffer.count - start < count { try fill() }
        let bytes = Array(buffer[start..<start + count])
        start += count
        return bytes
    }

    private func readResponse(method: String) throws(HTTPError) -> HTTPResponse {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .malformedResponse("status line \"\(statusLine)\"")
        }
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse("header line \"\(line)\"") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        var response = HTTPResponse(status: status, headers: headers, body: [])
        if response.header("Connection")?.lowercased() == "close" || parts[0] == "HTTP/1.0" { reusable = false }
        if method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) { return response }
        // The last transfer coding decides (RFC 9112 6.1); split by Character, not String, to stay clear of _StringProcessing.
        if response.header("Transfer-Encoding")?.split(separator: ",").last?.lowercased().trimmingSpaces == "chunked" {
            var body: [UInt8] = []
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first.map(String.init)?.trimmingSpaces ?? "", radix: 16) else {
                    throw .malformedResponse("chunk size \"\(sizeLine)\"")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                body += try readBytes(size)
                _ = try readLine()
            }
            response.body = body
        } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            response.body = try readBytes(length)
        } else {
            // No length: the body runs to the end of the connection.
            reusable = false
            var body = Array(buffer[start...])
            start = buffer.count
            while true {
                do { try fill() } catch .closed { break }
                body += buffer[start...]
                start = buffer.count
            }
            response.body = body
        }
        return response
    }

    public func close() { stream.close() }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
