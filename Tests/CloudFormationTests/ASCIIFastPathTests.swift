@testable import CloudFormation
import Foundation
import XCTest

/// The byte-level fast paths give what the Foundation and Unicode-property code they replace gave.
final class ASCIIFastPathTests: XCTestCase {
    static let texts = ["", "$", "{", "${", "$${", "${${", "${!", "a${b}c", "$ {", "{$", "price: $5", "x$", "${AWS::Region}",
                        "bench-12-", "model-bucket", "ünï${", "é", "名前-$-{", "a\u{0301}${x}", "$\u{0301}{", "${\u{0301}", "\n${\t}",
                        String(repeating: "${", count: 50), "Resource", "my_id.2", "9lives", "a--b__c", "ABC def", "x/y/z"]

    func testSubEscapeMatchesFoundation() {
        for text in Self.texts {
            XCTAssertEqual(SubInterpolation.escape(text), text.replacingOccurrences(of: "${", with: "${!"), text.debugDescription)
        }
    }

    /// The implementation before the byte version (Unicode scalar properties, `Character.uppercased()`).
    static func referenceSanitize(_ id: String) -> String {
        var result = ""
        var upperNext = false
        for scalar in id.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                let character = Character(scalar)
                result.append(upperNext ? Character(character.uppercased()) : character)
                upperNext = false
            } else {
                upperNext = !result.isEmpty
            }
        }
        return result
    }

    func testLogicalIDSanitizeAndValidityMatchTheScalarVersion() {
        for text in Self.texts + (0..<128).map { "a\(Character(Unicode.Scalar(UInt8($0))))b" } + [String(repeating: "a", count: 255), String(repeating: "a", count: 256)] {
            XCTAssertEqual(LogicalID.sanitize(text), Self.referenceSanitize(text), text.debugDescription)
            let reference = !text.isEmpty && text.count <= 255
                && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
            XCTAssertEqual(LogicalID.isValid(text), reference, text.debugDescription)
        }
    }

    /// Fn::Sub placeholders found by bytes in ASCII templates, by Foundation otherwise: the same diagnostics.
    func testSubPlaceholderChecksAreUnchanged() throws {
        let app = App()
        let stack = Stack(app, "S")
        let parameter = Parameter<String>(stack, "Name", default: "x")
        for (index, template) in ["${Missing}-${AWS::Region}", "${!Literal}-${V0}", "a${", "ü-${Nope}-${AWS::AccountId}", "${}"].enumerated() {
            _ = Output(stack, "Out\(index)", value: Value<String>(node: .sub(template, [("V0", parameter.value.node)])))
        }
        XCTAssertThrowsError(try app.synthesize()) { error in
            let messages = (error as? SynthesisError)?.errors.map(\.description) ?? []
            XCTAssertEqual(messages, [
                "error: S: Resources = 0: a template must have at least one resource",
                #"error: S/Out0: Value = ${Missing}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
                #"error: S/Out2: Value = "a${": Fn::Sub has an unclosed ${"#,
                #"error: S/Out3: Value = ${Nope}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
                #"error: S/Out4: Value = ${}: Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)"#,
            ])
        }
    }
}
