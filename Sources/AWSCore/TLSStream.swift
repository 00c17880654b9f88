import COpenSSL
import HTTPClient
#if canImport(Glibc)
import Glibc
#endif

/// TLS over a TCP socket with OpenSSL: the certificate chain is verified against a CA bundle and the
/// certificate must name the host. The bundle is `SSL_CERT_FILE`, else Amazon Linux's, else Debian's.
public final class TLSStream: ByteStream {
    public static let caBundleCandidates = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"]

    private let socket: TCPSocket
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    public static func caBundle(environment: [String: String]) -> String? {
        if let file = environment["SSL_CERT_FILE"], access(file, R_OK) == 0 { return file }
        return caBundleCandidates.first { access($0, R_OK) == 0 }
    }

    /// OpenSSL writes to the socket with plain `write`, so a peer that has closed a kept-alive connection would raise
    /// SIGPIPE and kill the process; ignored, the write fails with EPIPE and becomes a transient error that is retried.
    private static let ignoreBrokenPipe: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    public init(socket: TCPSocket, host: String, caFile: String?) throws(HTTPError) {
        Self.ignoreBrokenPipe
        guard let caFile else { throw .tls("no CA bundle found (set SSL_CERT_FILE)") }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .tls("cannot create a TLS context") }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            SSL_CTX_free(context)
            throw .tls("cannot load CA bundle \(caFile)")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .tls("cannot create a TLS session")
        }
        self.socket = socket
        self.context = context
        self.ssl = ssl
        SSL_set_fd(ssl, socket.descriptor)
        _ = shim_SSL_set_tlsext_host_name(ssl, host)
        guard SSL_set1_host(ssl, host) == 1 else { throw .tls("cannot set the expected host name") }
        ERR_clear_error()
        let status = SSL_connect(ssl)
        if status != 1 {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                // A certificate problem: retrying cannot help.
                throw .tls("handshake with \(host) failed: \(String(validatingCString: X509_verify_cert_error_string(Int(verify))) ?? "verification failed")")
            }
            // The connection failed under the handshake (reset, timeout): transient, worth another attempt.
            if let transport = Self.transportFailure(SSL_get_error(ssl, status)) { throw transport }
            throw .tls("handshake with \(host) failed: \(Self.lastError())")
        }
    }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Limits how long a read or write of the underlying socket may block.
    public func setTimeout(seconds: Double) { socket.setTimeout(seconds: seconds) }

    /// What an OpenSSL error on a blocking socket with `SO_RCVTIMEO`/`SO_SNDTIMEO` means: the timeout shows up as
    /// WANT_READ/WANT_WRITE (OpenSSL sees EAGAIN), a reset as SYSCALL, an EOF as SYSCALL or (OpenSSL 3) an
    /// "unexpected eof" SSL error. Nil for protocol and certificate errors, which a retry cannot fix.
    static func transportFailure(_ error: Int32) -> HTTPError? {
        let saved = errno
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .timeout
        case SSL_ERROR_SYSCALL:
            if saved == EAGAIN || saved == EWOULDBLOCK { return .timeout }
            return saved == 0 ? .closed : .io("TLS transport: \(String(cString: strerror(saved)))")
        case SSL_ERROR_SSL where ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return .closed  // OpenSSL 3 reports a peer that hangs up without close_notify this way
        default: return nil
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPError) -> Int {
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
        if n > 0 { return Int(n) }
        let error = SSL_get_error(ssl, n)
        if error == SSL_ERROR_ZERO_RETURN { return 0 }
        throw Self.transportFailure(error) ?? .io("TLS read failed: \(Self.lastError())")
    }

    public func write(_ bytes: [UInt8]) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(bytes.count - offset)) }
            if n <= 0 { throw Self.transportFailure(SSL_get_error(ssl, n)) ?? .io("TLS write failed: \(Self.lastError())") }
            offset += Int(n)
        }
    }

    public func close() {
        SSL_shutdown(ssl)
        socket.close()
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }
}
