import HTTPClient
import LambdaRuntime
import XCTest

/// Host lookups pinned to glibc's built-in services, and what a failed lookup becomes.
final class HostLookupTests: XCTestCase {
    func testPinningTheHostsDatabaseSucceeds() throws {
        XCTAssertEqual(HostLookup.services, "files dns")
        try HostLookup.pin()
        // Pinned, a lookup still works: localhost comes from /etc/hosts (nothing listens on port 1).
        XCTAssertThrowsError(try TCPSocket(host: "localhost", port: 1)) { error in
            guard case .connect(_, _, let reason) = error as? HTTPError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "Connection refused")
        }
    }

    /// The one way `__nss_configure_lookup` fails: what `LambdaRuntime.run` would post to /init/error.
    func testAFailedConfigurationIsAnInitErrorNamingTheDatabase() {
        XCTAssertThrowsError(try HostLookup.configure(database: "no-such-database", services: "files dns")) { error in
            let failure = error as? HandlerError
            XCTAssertEqual(failure?.type, "Runtime.InitError")
            XCTAssertEqual(failure?.message,
                           #"cannot set the NSS no-such-database lookup to "files dns" (__nss_configure_lookup): Invalid argument"#)
        }
    }

    func testNameResolutionErrorsCarryTheHostAndGlibcsMessage() {
        let again = HTTPError.nameResolution(host: "ssm.us-west-2.amazonaws.com", status: EAI_AGAIN)
        XCTAssertEqual(again, .nameResolution(host: "ssm.us-west-2.amazonaws.com", code: EAI_AGAIN, message: "Temporary failure in name resolution"))
        XCTAssertEqual(again.description, "cannot resolve ssm.us-west-2.amazonaws.com: Temporary failure in name resolution")
        let noName = HTTPError.nameResolution(host: "ssm.example.invalid", status: EAI_NONAME)
        XCTAssertEqual(noName.description, "cannot resolve ssm.example.invalid: Name or service not known")
    }

    /// EAI_AGAIN (the resolver did not answer: timeout, SERVFAIL) is worth another attempt; every other failure is final.
    func testOnlyATemporaryFailureIsTransient() {
        XCTAssertTrue(HTTPError.nameResolution(host: "h", status: EAI_AGAIN).isTransient)
        for status in [EAI_NONAME, EAI_FAIL, EAI_FAMILY, EAI_SERVICE, EAI_MEMORY, EAI_SYSTEM] {
            XCTAssertFalse(HTTPError.nameResolution(host: "h", status: status).isTransient, "\(status)")
        }
    }

    /// A lookup that fails (here: lookups pinned to `files` for the test, a name not in /etc/hosts) is a typed error, not a crash.
    func testAnUnknownNameIsATypedError() throws {
        try HostLookup.configure(database: "hosts", services: "files")
        defer { try? HostLookup.pin() }
        XCTAssertThrowsError(try TCPSocket(host: "no-such-host.invalid", port: 443)) { error in
            XCTAssertEqual(error as? HTTPError,
                           .nameResolution(host: "no-such-host.invalid", code: EAI_NONAME, message: "Name or service not known"))
            XCTAssertEqual((error as? HTTPError)?.isTransient, false)
        }
    }
}
