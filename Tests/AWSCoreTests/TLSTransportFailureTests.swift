import AWSCore
import Foundation
import Glibc
import HTTPClient
import XCTest

/// A handshake that the network breaks (peer closes, peer silent) must be a transient error, so AWSClient retries it;
/// only certificate problems (TLSTests) are final.
final class TLSTransportFailureTests: XCTestCase {
    /// A listener on 127.0.0.1 that accepts one connection and then either closes it or holds it without a word.
    final class Listener: @unchecked Sendable {
        let descriptor: Int32
        let port: Int
        private var accepted: Int32 = -1

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
            }
            guard bound, listen(descriptor, 1) == 0 else {
                Glibc.close(descriptor)
                throw XCTSkip("cannot listen on 127.0.0.1")
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        func acceptThenClose() { Thread.detachNewThread { let fd = accept(self.descriptor, nil, nil); Glibc.close(fd) } }
        func acceptAndHold() { Thread.detachNewThread { self.accepted = accept(self.descriptor, nil, nil) } }

        deinit {
            if accepted >= 0 { Glibc.close(accepted) }
            Glibc.close(descriptor)
        }
    }

    func handshake(_ listener: Listener, timeout: Double) -> HTTPError? {
        do {
            let socket = try TCPSocket(host: "127.0.0.1", port: listener.port, timeoutSeconds: timeout)
            _ = try TLSStream(socket: socket, host: "localhost", caFile: "/etc/ssl/certs/ca-certificates.crt")
            return nil
        } catch {
            return error
        }
    }

    func testPeerClosingDuringTheHandshakeIsTransient() throws {
        let listener = try Listener()
        listener.acceptThenClose()
        let error = try XCTUnwrap(handshake(listener, timeout: 5))
        XCTAssertTrue(error.isTransient, "\(error)")
    }

    func testSilentPeerTimesOut() throws {
        let listener = try Listener()
        listener.acceptAndHold()
        let started = Date()
        let error = try XCTUnwrap(handshake(listener, timeout: 0.3))
        XCTAssertEqual(error, .timeout)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }
}
