import Foundation
import JSON
@testable import ResourceGenerator
import XCTest

/// Mapping of list item rules, map keys, uniqueItems, presence combinators and attribute types on a small inline schema.
final class CombinatorAndAttributeTests: XCTestCase {
    let json: JSON = [
        "typeName": "AWS::Demo::Gadget",
        "primaryIdentifier": ["/properties/Arn"],
        "readOnlyProperties": ["/properties/Arn", "/properties/Count", "/properties/Ready", "/properties/Info", "/properties/Info/Zone"],
        "requiredXor": ["A", "B"],
        "anyOf": [["required": ["C"]], ["required": ["D"]]],
        "properties": [
            "A": ["type": "string"], "B": ["type": "string"], "C": ["type": "string"], "D": ["type": "string"],
            "Ids": ["type": "array", "uniqueItems": true, "items": ["type": "string", "pattern": "^id-[0-9]+$", "maxLength": 12]],
            "Labels": ["type": "object", "patternProperties": ["^[a-z]+$": ["type": "string"]]],
            "Arn": ["type": "string"], "Count": ["type": "integer"], "Ready": ["type": "boolean"],
            "Info": ["$ref": "#/definitions/Info"],
            "Part": ["$ref": "#/definitions/Part"],
        ],
        "definitions": [
            "Info": ["type": "object", "properties": ["Zone": ["type": "string"]]],
            "Part": ["type": "object", "oneOf": [["required": ["X"]], ["required": ["Y"]]],
                     "properties": ["X": ["type": "string"], "Y": ["type": "string"]]],
        ],
    ]

    func testModel() throws {
        var mapper = TypeMapper(schema: try ResourceSchema(json: json))
        let (resource, nested) = mapper.map()
        XCTAssertEqual(resource.exactlyOne, [["A", "B"]])
        XCTAssertEqual(resource.atLeastOne, [["C", "D"]])
        XCTAssertEqual(nested.first { $0.name == "Part" }?.exactlyOne, [["X", "Y"]])
        let ids = try XCTUnwrap(resource.properties.first { $0.jsonName == "Ids" })
        XCTAssertEqual(ids.kind, .value("[String]"))
        XCTAssertEqual(ids.rules.itemPattern, "^id-[0-9]+$")
        XCTAssertEqual(ids.rules.itemMaxLength, 12)
        XCTAssertTrue(ids.rules.uniqueItems)
        XCTAssertEqual(resource.properties.first { $0.jsonName == "Labels" }?.rules.keyPattern, "^[a-z]+$")
    }

    func testRenderedChecksAndTypedAttributes() throws {
        let source = Renderer(schema: try ResourceSchema(json: json), toolVersion: "test").render()
        for expected in [
            "SchemaRules.stringItems(self.ids?.node, SchemaRules.at(path, \"Ids\"), &issues, pattern: \"^id-[0-9]+$\", maxLength: 12)",
            "SchemaRules.uniqueItems(self.ids?.node, SchemaRules.at(path, \"Ids\"), &issues)",
            "SchemaRules.keys(self.labels, SchemaRules.at(path, \"Labels\"), &issues, pattern: \"^[a-z]+$\")",
            "SchemaRules.exactlyOne([(\"A\", SchemaRules.isSet(self.a)), (\"B\", SchemaRules.isSet(self.b))], path, &issues)",
            "SchemaRules.atLeastOne([(\"C\", SchemaRules.isSet(self.c)), (\"D\", SchemaRules.isSet(self.d))], path, &issues)",
            "SchemaRules.exactlyOne([(\"X\", SchemaRules.isSet(self.x)), (\"Y\", SchemaRules.isSet(self.y))], path, &issues)",
            "public var attrArn: Value<String> { getAtt(\"Arn\") }",
            "public var attrCount: Value<Int> { getAtt(\"Count\", as: Int.self) }",
            "public var attrReady: Value<Bool> { getAtt(\"Ready\", as: Bool.self) }",
            "public var attrInfoZone: Value<String> { getAtt(\"Info.Zone\") }",
        ] {
            XCTAssertTrue(source.contains(expected), "missing: \(expected)")
        }
        XCTAssertFalse(source.contains("attrInfo:"), "an object attribute has no typed accessor")
        XCTAssertTrue(source.contains("attributeNames: Set<String> = [\"Arn\", \"Count\", \"Info\", \"Info.Zone\", \"Ready\"]"))
    }
}
