#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A bidirectional byte stream: a plain TCP socket, or TLS on top of one (in AWSCore).
public protocol ByteStream: AnyObject {
    /// Reads up to `count` bytes; an empty result means the peer closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPError) -> Int
    func write(_ bytes: [UInt8]) throws(HTTPError)
    func close()
}

/// Transport and protocol errors, with what failed.
public enum HTTPError: Error, CustomStringConvertible, Equatable {
    case connect(host: String, port: Int, reason: String)
    case io(String)
    case closed
    case malformedResponse(String)
    case timeout
    case tls(String)
    /// `getaddrinfo` failed for `host`: `code` is its `EAI_*` status, `message` glibc's `gai_strerror` text.
    case nameResolution(host: String, code: Int32, message: String)

    /// The error for a failed `getaddrinfo(host, …)` that returned `status`.
    public static func nameResolution(host: String, status: Int32) -> HTTPError {
        var message = String(cString: gai_strerror(status))
        if status == EAI_SYSTEM { message += ": " + String(cString: strerror(errno)) }
        return .nameResolution(host: host, code: status, message: message)
    }

    public var description: String {
        switch self {
        case .connect(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .io(let reason): "I/O error: \(reason)"
        case .closed: "the connection was closed by the peer"
        case .malformedResponse(let reason): "malformed HTTP response: \(reason)"
        case .timeout: "the request timed out"
        case .tls(let reason): "TLS error: \(reason)"
        case .nameResolution(let host, _, let message): "cannot resolve \(host): \(message)"
        }
    }

    /// Whether retrying on a new connection may succeed. A lookup is worth retrying only when the resolver could not
    /// answer (`EAI_AGAIN`: timeout, SERVFAIL); a name that does not exist (`EAI_NONAME`) or any other failure is final.
    public var isTransient: Bool {
        switch self {
        case .connect, .io, .closed, .timeout: true
        case .malformedResponse, .tls: false
        case .nameResolution(_, let code, _): code == EAI_AGAIN
        }
    }
}

func systemError(_ what: String) -> String {
    "\(what): \(String(cString: strerror(errno)))"
}

/// A connected TCP socket (IPv4 or IPv6), with Nagle off and optional send/receive timeouts.
public final class TCPSocket: ByteStream {
    public let descriptor: Int32
    private var isClosed = false

    public init(host: String, port: Int, timeoutSeconds: Double? = nil) throws(HTTPError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw .nameResolution(host: host, status: status)
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if let timeoutSeconds { Self.setTimeout(fd, timeoutSeconds) }
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    descriptor = fd
                    return
                }
                lastError = String(cString: strerror(errno))
                Glibc.close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw .connect(host: host, port: port, reason: lastError)
    }

    static func setTimeout(_ fd: Int32, _ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Limits how long a read or write may block (for example until an invocation's deadline).
    public func setTimeout(seconds: Double) { Self.setTimeout(descriptor, max(seconds, 0.001)) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPError) -> Int {
        while true {
            let n = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timeout }
            throw .io(systemError("recv"))
        }
    }

    public func write(_ bytes: [UInt8]) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timeout }
                throw .io(systemError("send"))
            }
            offset += n
        }
    }

    public func close() {
        if !isClosed {
            isClosed = true
            Glibc.close(descriptor)
        }
    }

    deinit { close() }
}
