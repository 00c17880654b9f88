@testable import AWSCore
import HTTPClient
import LambdaRuntime
import XCTest

final class CryptoTests: XCTestCase {
    func testSHA256PublishedVectors() {
        // FIPS 180-2 examples.
        XCTAssertEqual(Crypto.hex(Crypto.sha256(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Crypto.hex(Crypto.sha256([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Crypto.hex(Crypto.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(Crypto.hex(Crypto.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testHMACSHA256RFC4231() {
        // Test cases 1, 2 and 6 of RFC 4231.
        XCTAssertEqual(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 131),
                                                    data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

final class EndpointAndErrorTests: XCTestCase {
    func testEndpointResolution() {
        XCTAssertEqual(Endpoint.resolve(service: "ssm", environmentName: "SSM", region: "eu-west-1", environment: [:]).description,
                       "https://ssm.eu-west-1.amazonaws.com")
        XCTAssertEqual(Endpoint.resolve(service: "ssm", environmentName: "SSM", region: "cn-north-1", environment: [:]).host,
                       "ssm.cn-north-1.amazonaws.com.cn")
        XCTAssertEqual(Endpoint.resolve(service: "ssm", environmentName: "SSM", region: "us-west-2",
                                        environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SSM": "http://localhost:4566/"]),
                       Endpoint(secure: false, host: "localhost", port: 4566))
        XCTAssertEqual(Endpoint.resolve(service: "monitoring", environmentName: "CLOUDWATCH", region: "us-west-2",
                                        environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SSM": "http://x:1"]),
                       Endpoint(secure: false, host: "127.0.0.1", port: 5000))
        XCTAssertNil(Endpoint(url: "ftp://x"))
    }

    func testCredentialsFromEnvironment() {
        XCTAssertNil(Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "A"]))
        XCTAssertEqual(Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": ""]),
                       Credentials(accessKeyId: "A", secretAccessKey: "S"))
        XCTAssertEqual(Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"])?.sessionToken, "T")
    }

    func testErrorBodiesJSONAndXML() {
        let json = HTTPResponse(status: 400, headers: [], body: Array(#"{"__type":"com.amazonaws.ssm#ParameterLimitExceeded","message":"too many"}"#.utf8))
        XCTAssertEqual(AWSClient.parseError(json).0, "ParameterLimitExceeded")
        XCTAssertEqual(AWSClient.parseError(json).1, "too many")
        let xml = HTTPResponse(status: 403, headers: [], body: Array("<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error></ErrorResponse>".utf8))
        XCTAssertEqual(AWSClient.parseError(xml).0, "SignatureDoesNotMatch")
        XCTAssertEqual(AWSClient.parseError(xml).1, "bad")
        // A code only in the header (with its suffix), a body that is neither, an unterminated element.
        let header = HTTPResponse(status: 400, headers: [("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/")],
                                  body: Array(#"{"Message":"slow down"}"#.utf8))
        XCTAssertEqual(AWSClient.parseError(header).0, "ThrottlingException")
        XCTAssertEqual(AWSClient.parseError(header).1, "slow down")
        let plain = HTTPResponse(status: 502, headers: [], body: Array("Bad Gateway".utf8))
        XCTAssertEqual(AWSClient.parseError(plain).0, "HTTP502")
        XCTAssertEqual(AWSClient.parseError(plain).1, "Bad Gateway")
        XCTAssertNil(AWSClient.xmlElement("Code", in: Array("<Code>unterminated".utf8)))
        XCTAssertEqual(AWSClient.xmlElement("Code", in: Array("<Code></Code>".utf8)), "")
    }

    func testRetryClassification() {
        XCTAssertTrue(AWSError.service(status: 400, code: "ThrottlingException", message: "").isRetryable)
        XCTAssertTrue(AWSError.service(status: 503, code: "ServiceUnavailable", message: "").isRetryable)
        XCTAssertTrue(AWSError.transport(.connect(host: "h", port: 1, reason: "refused")).isRetryable)
        XCTAssertFalse(AWSError.service(status: 400, code: "ValidationException", message: "").isRetryable)
        XCTAssertFalse(AWSError.service(status: 403, code: "SignatureDoesNotMatch", message: "").isRetryable)
        // A resolver that could not answer is worth another attempt; a name that does not exist is not.
        XCTAssertTrue(AWSError.transport(.nameResolution(host: "ssm.us-west-2.amazonaws.com", status: EAI_AGAIN)).isRetryable)
        XCTAssertFalse(AWSError.transport(.nameResolution(host: "ssm.example.invalid", status: EAI_NONAME)).isRetryable)
        XCTAssertFalse(AWSError.transport(.nameResolution(host: "h", status: EAI_FAIL)).isRetryable)
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 2)
        for attempt in 0..<30 {
            let delay = policy.delay(afterAttempt: attempt)
            XCTAssertGreaterThanOrEqual(delay, 0)
            XCTAssertLessThanOrEqual(delay, min(2, 0.05 * pow(2, Double(attempt))))
        }
    }

    /// A host that does not exist fails at once (EAI_NONAME, one attempt), with an error naming it: lookups pinned to
    /// `files` for the test, so no DNS server is asked and the outcome is the same on every machine.
    func testAnUnknownHostFailsAtOnceWithItsName() throws {
        try HostLookup.configure(database: "hosts", services: "files")
        defer { try? HostLookup.pin() }
        let signer = SigV4Signer(credentials: Credentials(accessKeyId: "A", secretAccessKey: "S"), region: "us-west-2", service: "ssm")
        let client = AWSClient(endpoint: Endpoint(secure: true, host: "ssm.no-such-host.invalid", port: 443), signer: signer,
                               retry: RetryPolicy(maxAttempts: 50, baseDelay: 0.2, maxDelay: 0.2), caFile: nil)
        let start = Date()
        XCTAssertThrowsError(try client.post(headers: [], body: [], deadline: Date().timeIntervalSince1970 + 5)) { error in
            guard case .transport(.nameResolution(let host, let code, let message)) = error as? AWSError else {
                return XCTFail("not a name resolution error: \(error)")
            }
            XCTAssertEqual(host, "ssm.no-such-host.invalid")
            XCTAssertEqual(code, EAI_NONAME)
            XCTAssertEqual(message, "Name or service not known")
            XCTAssertEqual("\(error)", "cannot resolve ssm.no-such-host.invalid: Name or service not known")
        }
        // 50 attempts with 0.2 s pauses would run into the 5 s deadline.
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "EAI_NONAME is not retried")
    }

    /// Connection errors are retried, at most maxAttempts times, and never past the deadline.
    func testRetriesStopAtTheDeadline() throws {
        let signer = SigV4Signer(credentials: Credentials(accessKeyId: "A", secretAccessKey: "S"), region: "us-west-2", service: "ssm")
        let client = AWSClient(endpoint: Endpoint(secure: false, host: "127.0.0.1", port: 1), signer: signer,
                               retry: RetryPolicy(maxAttempts: 50, baseDelay: 0.2, maxDelay: 0.2), caFile: nil)
        let start = Date()
        XCTAssertThrowsError(try client.post(headers: [], body: [], deadline: Date().timeIntervalSince1970 + 0.5))
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.7, "no sleep past the deadline")
    }
}
