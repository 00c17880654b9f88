import Foundation
import JSON

/// How a schema property is represented in Swift.
indirect enum PropertyKind: Equatable {
    /// `Value<T>`; `element` is `String`, `Int`, `Double`, `Bool`, an enum name, or `[String]` etc.
    case value(String)
    /// A nested struct.
    case structure(String)
    /// An array of nested structs.
    case structures(String)
    /// `[String: Value<String>]`.
    case map
    /// Free-form JSON (`TemplateValue`): policy documents, multi-typed values.
    case json
}

/// Synth-time rules from the schema.
struct Rules: Equatable {
    var pattern: String?
    var minLength: Int?
    var maxLength: Int?
    var minimum: Double?
    var maximum: Double?
    var minItems: Int?
    var maxItems: Int?
    /// Allowed values of the items of a list of enum strings (the list itself is `Value<[String]>`).
    var itemValues: [String]?
    /// Pattern and lengths of each string item of a list of strings.
    var itemPattern: String?
    var itemMinLength: Int?
    var itemMaxLength: Int?
    /// `uniqueItems` on a list of scalars.
    var uniqueItems = false
    /// The pattern every key of a map must match (its single `patternProperties` key).
    var keyPattern: String?
}

struct PropertyModel {
    let jsonName: String
    let swiftName: String
    let kind: PropertyKind
    let required: Bool
    let doc: String
    let createOnly: Bool
    let rules: Rules

    var swiftType: String {
        switch kind {
        case .value(let element): "Value<\(element)>"
        case .structure(let name): name
        case .structures(let name): "[\(name)]"
        case .map: "[String: Value<String>]"
        case .json: "TemplateValue"
        }
    }
}

struct EnumModel: Equatable {
    let name: String
    let values: [String]
}

struct StructModel {
    let name: String
    let doc: String
    var properties: [PropertyModel] = []
    var enums: [EnumModel] = []
    /// Groups of optional properties of which exactly one must be set (`requiredXor`, `oneOf` of single `required`s).
    var exactlyOne: [[String]] = []
    /// Groups of optional properties of which at least one must be set (`anyOf` of single `required`s).
    var atLeastOne: [[String]] = []
}

/// Maps one resource schema to Swift structs: the resource itself plus every definition it reaches.
struct TypeMapper {
    let schema: ResourceSchema
    private(set) var structs: [String: StructModel] = [:]
    private var pending: [String] = []
    private var definitionNames: [String: String] = [:]

    init(schema: ResourceSchema) { self.schema = schema }

    /// The resource struct and the nested structs, sorted by name.
    mutating func map() -> (resource: StructModel, nested: [StructModel]) {
        let readOnlyTopLevel = Set(schema.readOnly.filter { !$0.contains("/") })
            .subtracting(settableReadOnlyProperties[schema.typeName] ?? [])
        var resource = buildStruct(name: schema.resourceName, doc: schema.description, properties: schema.properties,
                                   required: schema.required, excluding: readOnlyTopLevel, createOnly: schema.createOnly)
        Self.addPresenceGroups(schema.combinators, to: &resource)
        while let next = pending.popLast() {
            guard structs[next] == nil, let definitionName = definitionNames[next],
                  let definition = schema.definitions[definitionName]?.objectValue else { continue }
            structs[next] = StructModel(name: next, doc: "")  // placeholder against recursion
            var model = buildStruct(name: next, doc: definition["description"]?.stringValue ?? "",
                                    properties: definition["properties"]?.objectValue ?? [:],
                                    required: Set(definition["required"]?.strings ?? []), excluding: [], createOnly: [])
            Self.addPresenceGroups(definition, to: &model)
            structs[next] = model
        }
        return (resource, structs.values.sorted { $0.name < $1.name })
    }

    /// Properties in alphabetical order, not the schema's: the order of the stored properties, of the generated
    /// initializer's labelled parameters and of the members written to the template. A labelled argument list must
    /// follow the declaration order, so schema order would make every call site depend on the order of the upstream
    /// schema file (a reordering in a cfn-lint update would break callers); alphabetical order is stable and is the
    /// order of CloudFormation's documentation.
    private mutating func buildStruct(name: String, doc: String, properties: JSONObject, required: Set<String>,
                                      excluding: Set<String>, createOnly: Set<String>) -> StructModel {
        var model = StructModel(name: name, doc: doc)
        for key in properties.keys.sorted() where !excluding.contains(key) {
            guard let property = properties[key]?.objectValue else { continue }
            var (kind, rules) = resolve(property, name: key, owner: &model, depth: 0)
            if case .structure(let nested) = kind, nested == name { kind = .json }  // a struct cannot contain itself
            model.properties.append(PropertyModel(
                jsonName: key, swiftName: Naming.identifier(key), kind: kind, required: required.contains(key),
                doc: property["description"]?.stringValue ?? "", createOnly: createOnly.contains(key), rules: rules))
        }
        return model
    }

    /// The simple combinator forms: `requiredXor: [A, B]` (cfn-lint), and `oneOf`/`anyOf` whose every branch is only
    /// `{"required": [one property]}`. Other combinators are left to cfn-lint. Groups naming a required or unknown
    /// property are skipped.
    static func addPresenceGroups(_ object: JSONObject, to model: inout StructModel) {
        let optional = Set(model.properties.filter { !$0.required }.map(\.jsonName))
        func singles(_ branches: JSON?) -> [String]? {
            guard let branches = branches?.arrayValue, branches.count > 1 else { return nil }
            var names: [String] = []
            for branch in branches {
                guard let branch = branch.objectValue, branch.count == 1, let required = branch["required"]?.strings, required.count == 1 else { return nil }
                names.append(required[0])
            }
            return names
        }
        if let names = object["requiredXor"]?.strings, names.count > 1, Set(names).isSubset(of: optional) {
            model.exactlyOne.append(names.sorted())
        }
        if let names = singles(object["oneOf"]), Set(names).isSubset(of: optional) { model.exactlyOne.append(names.sorted()) }
        if let names = singles(object["anyOf"]), Set(names).isSubset(of: optional) { model.atLeastOne.append(names.sorted()) }
    }

    private mutating func structName(forDefinition definition: String) -> String {
        var name = Naming.typeName(definition, suffix: "Property")
        if name == schema.resourceName { name += "Property" }
        definitionNames[name] = definition
        return name
    }

    private mutating func resolve(_ property: JSONObject, name: String, owner: inout StructModel, depth: Int) -> (PropertyKind, Rules) {
        guard depth < 8 else { return (.json, Rules()) }
        if let ref = property["$ref"]?.stringValue, ref.hasPrefix("#/definitions/") {
            let definitionName = String(ref.dropFirst("#/definitions/".count))
            guard let definition = schema.definitions[definitionName]?.objectValue else { return (.json, Rules()) }
            if definition["properties"] != nil, (definition["type"]?.stringValue ?? "object") == "object" {
                let structName = structName(forDefinition: definitionName)
                pending.append(structName)
                return (.structure(structName), Rules())
            }
            var merged = definition
            for (key, value) in property where key != "$ref" { merged[key] = value }
            return resolve(merged, name: name, owner: &owner, depth: depth + 1)
        }
        var rules = Rules()
        rules.pattern = property["pattern"]?.stringValue
        rules.minLength = property["minLength"]?.intValue
        rules.maxLength = property["maxLength"]?.intValue
        rules.minimum = property["minimum"]?.doubleValue
        rules.maximum = property["maximum"]?.doubleValue
        rules.minItems = property["minItems"]?.intValue
        rules.maxItems = property["maxItems"]?.intValue
        let type = property["type"]?.stringValue
        switch type {
        case "string":
            if let values = property["enum"]?.strings, !values.isEmpty {
                var enumName = Naming.typeName(name)
                if enumName == owner.name { enumName += "Value" }
                if !owner.enums.contains(where: { $0.name == enumName }) {
                    owner.enums.append(EnumModel(name: enumName, values: values))
                }
                return (.value(enumName), Rules())
            }
            return (.value("String"), rules)
        case "integer": return (.value("Int"), rules)
        case "number": return (.value("Double"), rules)
        case "boolean": return (.value("Bool"), rules)
        case "array":
            guard let items = property["items"]?.objectValue else { return (.json, rules) }
            var itemOwner = owner
            let (itemKind, itemRules) = resolve(items, name: name + "Item", owner: &itemOwner, depth: depth + 1)
            switch itemKind {
            case .structure(let structName): return (.structures(structName), rules)
            case .value(let element) where ["String", "Int", "Double", "Bool"].contains(element):
                rules.uniqueItems = property["uniqueItems"]?.boolValue ?? false
                if element == "String" {
                    rules.itemPattern = itemRules.pattern
                    rules.itemMinLength = itemRules.minLength
                    rules.itemMaxLength = itemRules.maxLength
                }
                return (.value("[\(element)]"), rules)
            case .value:  // arrays of enum values: plain strings, items checked against the enum
                var itemRules = rules
                let resolvedItems = items["$ref"]?.stringValue.flatMap { schema.definitions[String($0.dropFirst("#/definitions/".count))]?.objectValue } ?? items
                itemRules.itemValues = (items["enum"] ?? resolvedItems["enum"])?.strings
                return (.value("[String]"), itemRules)
            default: return (.json, rules)
            }
        case "object", nil:
            if property["properties"] == nil {
                let patterned = property["patternProperties"]?.objectValue?.values.first?.objectValue
                let additional = property["additionalProperties"]?.objectValue
                let valueType = (patterned ?? additional)?["type"]
                if valueType?.stringValue == "string" || valueType?.strings?.contains("string") == true {
                    var mapRules = Rules()
                    if let keys = property["patternProperties"]?.objectValue?.keys, keys.count == 1 { mapRules.keyPattern = keys.first }
                    return (.map, mapRules)
                }
            }
            return (.json, Rules())
        default:
            return (.json, Rules())
        }
    }
}
