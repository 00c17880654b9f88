import HTTPClient
@testable import LambdaRuntime
import XCTest

/// A scripted peer: hands out canned response bytes in small pieces and records what was written.
final class ScriptedStream: ByteStream {
    var incoming: [UInt8]
    var written: [UInt8] = []
    let pieceSize: Int

    init(_ responses: String, pieceSize: Int = 7) {
        incoming = Array(responses.utf8)
        self.pieceSize = pieceSize
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPError) -> Int {
        let n = min(pieceSize, buffer.count, incoming.count)
        for i in 0..<n { buffer[i] = incoming[i] }
        incoming.removeFirst(n)
        return n
    }

    func write(_ bytes: [UInt8]) throws(HTTPError) { written += bytes }
    func close() {}
}

final class HTTP1ConnectionTests: XCTestCase {
    func testContentLengthChunkedAndKeepAliveOnOneConnection() throws {
        let stream = ScriptedStream(
            "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n")
        let connection = HTTP1Connection(stream: stream, hostHeader: "127.0.0.1:9001")
        let first = try connection.send(HTTPRequest(method: "GET", target: "/next"))
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.bodyText, "hello")
        XCTAssertEqual(first.header("lambda-runtime-aws-request-id"), "r1")
        let second = try connection.send(HTTPRequest(method: "POST", target: "/response", body: Array("{}".utf8)))
        XCTAssertEqual(second.status, 202)
        XCTAssertEqual(second.bodyText, "wikipedia")
        let third = try connection.send(HTTPRequest(method: "POST", target: "/x"))
        XCTAssertEqual(third.status, 204)
        XCTAssertTrue(connection.reusable)
        XCTAssertEqual(connection.requestCount, 3)
        let sent = String(decoding: stream.written, as: UTF8.self)
        XCTAssertTrue(sent.hasPrefix("GET /next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nConnection: keep-alive\r\n\r\n"), sent)
        XCTAssertTrue(sent.contains("POST /response HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"), sent)
    }

    func testMalformedAndClosedResponses() {
        let garbage = HTTP1Connection(stream: ScriptedStream("SMTP ready\r\n\r\n"), hostHeader: "h")
        XCTAssertThrowsError(try garbage.send(HTTPRequest(method: "GET", target: "/"))) { error in
            XCTAssertEqual(error as? HTTPError, .malformedResponse("status line \"SMTP ready\""))
        }
        let truncated = HTTP1Connection(stream: ScriptedStream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), hostHeader: "h")
        XCTAssertThrowsError(try truncated.send(HTTPRequest(method: "GET", target: "/"))) { error in
            XCTAssertEqual(error as? HTTPError, .closed)
        }
        let closing = HTTP1Connection(stream: ScriptedStream("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), hostHeader: "h")
        XCTAssertNoThrow(try closing.send(HTTPRequest(method: "GET", target: "/")))
        XCTAssertFalse(closing.reusable)
    }

    func testInvocationContextDeadline() {
        let context = InvocationContext(requestId: "r", deadlineMs: Int64((Clock.nowSeconds() + 3) * 1000))
        XCTAssertEqual(context.remainingSeconds, 3, accuracy: 0.1)
    }

    func testRuntimeEndpointMustBeHostPort() {
        XCTAssertThrowsError(try RuntimeAPIClient(endpoint: "localhost"))
        XCTAssertNoThrow(try RuntimeAPIClient(endpoint: "127.0.0.1:9001"))
    }
}
