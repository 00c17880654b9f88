@testable import AWSCore
import Foundation
import HTTPClient
import XCTest

/// TLS against a local `openssl s_server` with a throwaway certificate for `localhost`: the chain is verified against the
/// given CA file and the certificate must name the expected host. Skipped when the `openssl` command is missing.
final class TLSTests: XCTestCase {
    var directory: URL!
    var server: Process?
    var port = 0

    func shell(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("/usr/bin/openssl is not installed") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["server", "other"] {
            XCTAssertEqual(try shell(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                                      "-addext", "subjectAltName=DNS:localhost", "-keyout", directory.appendingPathComponent("\(name).key").path,
                                      "-out", directory.appendingPathComponent("\(name).crt").path]), 0)
        }
        for _ in 0..<20 {
            port = Int.random(in: 20000..<60000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_server", "-quiet", "-accept", "127.0.0.1:\(port)", "-www",
                                 "-cert", directory.appendingPathComponent("server.crt").path, "-key", directory.appendingPathComponent("server.key").path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<50 {
                if (try? TCPSocket(host: "127.0.0.1", port: port)) != nil { server = process; return }
                if !process.isRunning { break }
                usleep(50_000)
            }
            process.terminate()
            process.waitUntilExit()
        }
        throw XCTSkip("could not start openssl s_server")
    }

    override func tearDown() {
        server?.terminate()
        server?.waitUntilExit()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func connect(host: String, ca: String) throws(HTTPError) -> TLSStream {
        let socket = try TCPSocket(host: "127.0.0.1", port: port, timeoutSeconds: 5)
        return try TLSStream(socket: socket, host: host, caFile: directory.appendingPathComponent("\(ca).crt").path)
    }

    func testVerifiedHandshakeAndRequest() throws {
        let connection = HTTP1Connection(stream: try connect(host: "localhost", ca: "server"), hostHeader: "localhost")
        let response = try connection.send(HTTPRequest(method: "GET", target: "/"))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.bodyText.contains("<HTML>") || response.bodyText.contains("<html>"), response.bodyText)
        connection.close()
    }

    func testWrongHostNameIsRefused() {
        XCTAssertThrowsError(try connect(host: "ssm.us-west-2.amazonaws.com", ca: "server")) { error in
            XCTAssertTrue("\(error)".contains("hostname mismatch"), "\(error)")
        }
    }

    func testUntrustedCertificateIsRefused() {
        XCTAssertThrowsError(try connect(host: "localhost", ca: "other")) { error in
            XCTAssertTrue("\(error)".contains("certificate"), "\(error)")
        }
    }

    func testCABundleChoice() {
        XCTAssertEqual(TLSStream.caBundle(environment: ["SSL_CERT_FILE": "/etc/hostname"]), "/etc/hostname")
        XCTAssertEqual(TLSStream.caBundleCandidates, ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"])
        if FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt"), !FileManager.default.fileExists(atPath: "/etc/pki/tls/certs/ca-bundle.crt") {
            XCTAssertEqual(TLSStream.caBundle(environment: ["SSL_CERT_FILE": "/nonexistent"]), "/etc/ssl/certs/ca-certificates.crt")
        }
    }
}
