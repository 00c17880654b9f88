@testable import CloudFormation
import XCTest

/// Rules added with `addValidation` run at synth time on any construct, a plain `Stack` included (every override of
/// `validate` calls `super` first, so they run before the construct's own checks), so a stack owned by a small type
/// needs no subclass to report a problem.
final class AddValidationTests: XCTestCase {
    func testAddedRulesReportWarningsAndErrors() throws {
        let app = App()
        let stack = Stack(app, "Owned")
        Resource(stack, "Queue", TestQueue())
        let path = stack.path
        stack.addValidation { $0.warning(path: path, property: "Schedule", value: "not created", rule: "nothing to read") }
        let synthesis = try app.synthesize()
        XCTAssertEqual(synthesis.warnings.map(\.path), ["Owned"])
        XCTAssertEqual(synthesis.warnings.first?.property, "Schedule")

        let node = Construct(stack, "Group")
        Resource(node, "Jobs", TestQueue())
        node.addValidation { $0.error(path: path + "/Group", property: "Jobs", rule: "always fails") }
        XCTAssertThrowsError(try app.synthesize()) { error in
            XCTAssertEqual((error as? SynthesisError)?.errors.map(\.rule), ["always fails"])
        }
    }

    func testStackOwnRulesStillRun() {
        let app = App()
        let stack = Stack(app, "bad name")
        Resource(stack, "Queue", TestQueue())
        stack.addValidation { $0.warning(path: "bad name", rule: "added") }
        XCTAssertThrowsError(try app.synthesize()) { error in
            let synthesisError = error as? SynthesisError
            XCTAssertEqual(synthesisError?.errors.map(\.property), ["StackName"])
            XCTAssertEqual(synthesisError?.warnings.map(\.rule), ["added"])
        }
    }
}
