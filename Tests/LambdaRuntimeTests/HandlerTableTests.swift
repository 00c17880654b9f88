import LambdaRuntime
import XCTest

/// `_HANDLER` picks one of the handlers the binary serves; anything else is an init error naming them.
final class HandlerTableTests: XCTestCase {
    struct Echo: LambdaHandler {
        let tag: String
        func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] { Array(tag.utf8) + event }
    }

    let table = HandlerTable([
        "rollout": { _ in Echo(tag: "rollout:") },
        "registrar": { environment in Echo(tag: "registrar(\(environment["X"] ?? "-")):") },
    ])

    func testPicksTheNamedHandlerAndPassesTheEnvironment() throws {
        let handler = try table.makeHandler(environment: ["_HANDLER": "registrar", "X": "1"])
        let output = try handler.handle(Array("e".utf8), context: InvocationContext(requestId: "r", deadlineMs: 0))
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "registrar(1):e")
        XCTAssertEqual(table.names, ["registrar", "rollout"])
    }

    func testUnknownHandlerNamesTheKnownOnes() {
        XCTAssertThrowsError(try table.makeHandler(environment: ["_HANDLER": "bootstrap"])) { error in
            let failure = error as? HandlerError
            XCTAssertEqual(failure?.type, "Runtime.UnknownHandler")
            XCTAssertEqual(failure?.message, #"unknown handler "bootstrap" (the function's Handler property, _HANDLER): this bootstrap serves "registrar", "rollout""#)
        }
    }

    func testMissingHandlerIsAnError() {
        for environment in [[:], ["_HANDLER": ""]] {
            XCTAssertThrowsError(try table.makeHandler(environment: environment)) { error in
                XCTAssertEqual((error as? HandlerError)?.type, "Runtime.UnknownHandler")
                XCTAssertTrue((error as? HandlerError)?.message.contains(#"_HANDLER is not set"#) == true)
            }
        }
    }

    func testAFactoryErrorPassesThrough() {
        let failing = HandlerTable(["x": { _ in throw HandlerError(type: "Runtime.ConfigurationError", message: "Y is not set") }])
        XCTAssertThrowsError(try failing.makeHandler(environment: ["_HANDLER": "x"])) { error in
            XCTAssertEqual((error as? HandlerError)?.description, "Runtime.ConfigurationError: Y is not set")
        }
    }
}
