@testable import AWSCore
import Foundation
import XCTest

/// The official AWS Signature Version 4 test suite (Tests/AWSCoreTests/Fixtures/sigv4-suite, Apache-2.0, see its LICENSE and NOTICE):
/// canonical request, string to sign and Authorization header, compared byte for byte.
final class SigV4SuiteTests: XCTestCase {
    static let suite = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/sigv4-suite")
    static let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    /// Every directory holding a `.req` file is a case.
    static func cases() -> [URL] {
        let enumerator = FileManager.default.enumerator(at: suite, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "req" }.map { $0.deletingLastPathComponent() }
            .sorted { $0.path < $1.path }
    }

    /// Parses a `.req` file: request line, headers (continuation lines belong to the previous header), blank line, body.
    static func parseRequest(_ text: String) -> SigningRequest {
        let (head, body): (Substring, String) = {
            if let range = text.range(of: "\n\n") { return (text[..<range.lowerBound], String(text[range.upperBound...])) }
            return (Substring(text), "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        var headers: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].1 += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(String, String)] = []
        if pathPart.count == 2 {
            for item in pathPart[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(pair[0]).removingPercentEncoding ?? String(pair[0]),
                              pair.count > 1 ? (String(pair[1]).removingPercentEncoding ?? String(pair[1])) : ""))
            }
        }
        return SigningRequest(method: method, path: String(pathPart[0]), query: query, headers: headers, body: Array(body.utf8))
    }

    func testAllSuiteCases() throws {
        let cases = Self.cases()
        XCTAssertEqual(cases.count, 31, "the suite has 31 cases")
        for directory in cases {
            let name = directory.lastPathComponent
            func read(_ ext: String) throws -> String { try String(contentsOf: directory.appendingPathComponent("\(name).\(ext)"), encoding: .utf8) }
            var request = Self.parseRequest(try read("req"))
            var credentials = Self.credentials
            var signSessionToken = true
            if name.hasPrefix("post-sts-header") {
                credentials.sessionToken = Self.token
                signSessionToken = name == "post-sts-header-before"
                request.headers.removeAll { $0.0.lowercased() == "x-amz-security-token" }
            }
            let signature = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service").sign(request, signSessionToken: signSessionToken)
            XCTAssertEqual(signature.canonicalRequest, try read("creq"), "\(name): canonical request")
            XCTAssertEqual(signature.stringToSign, try read("sts"), "\(name): string to sign")
            XCTAssertEqual(signature.authorization, try read("authz"), "\(name): Authorization")
        }
    }

    func testAmzDate() {
        XCTAssertEqual(SigV4Signer.amzDate(1_440_938_160), "20150830T123600Z")
    }

    func testSessionTokenIsSentEvenWhenNotSigned() {
        let signer = SigV4Signer(credentials: Credentials(accessKeyId: "A", secretAccessKey: "S", sessionToken: "T"), region: "us-west-2", service: "ssm")
        let request = SigningRequest(method: "POST", path: "/", headers: [("Host", "h"), ("X-Amz-Date", "20150830T123600Z")], body: [])
        let signed = signer.sign(request)
        XCTAssertTrue(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"))
        let unsigned = signer.sign(request, signSessionToken: false)
        XCTAssertTrue(unsigned.authorization.contains("SignedHeaders=host;x-amz-date,"))
        XCTAssertTrue(unsigned.headers.contains { $0.0 == "X-Amz-Security-Token" && $0.1 == "T" })
    }
}
