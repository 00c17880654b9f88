import Foundation

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
        let resource = buildStruct(name: schema.resourceName, doc: schema.description, properties: schema.properties,
                                   required: schema.required, excluding: readOnlyTopLevel, createOnly: schema.createOnly)
        while let next = pending.popLast() {
            guard structs[next] == nil, let definitionName = definitionNames[next],
                  let definition = schema.definitions[definitionName] as? [String: Any] else { continue }
            structs[next] = StructModel(name: next, doc: "")  // placeholder against recursion
            structs[next] = buildStruct(name: next, doc: definition["description"] as? String ?? "",
                                        properties: definition["properties"] as? [String: Any] ?? [:],
                                        required: Set(definition["required"] as? [String] ?? []), excluding: [], createOnly: [])
        }
        return (resource, structs.values.sorted { $0.name < $1.name })
    }

    private mutating func buildStruct(name: String, doc: String, properties: [String: Any], required: Set<String>,
                                      excluding: Set<String>, createOnly: Set<String>) -> StructModel {
        var model = StructModel(name: name, doc: doc)
        for key in properties.keys.sorted() where !excluding.contains(key) {
            guard let property = properties[key] as? [String: Any] else { continue }
            var (kind, rules) = resolve(property, name: key, owner: &model, depth: 0)
            if case .structure(let nested) = kind, nested == name { kind = .json }  // a struct cannot contain itself
            model.properties.append(PropertyModel(
                jsonName: key, swiftName: Naming.identifier(key), kind: kind, required: required.contains(key),
                doc: property["description"] as? String ?? "", createOnly: createOnly.contains(key), rules: rules))
        }
        return model
    }

    private mutating func structName(forDefinition definition: String) -> String {
        var name = Naming.typeName(definition, suffix: "Property")
        if name == schema.resourceName { name += "Property" }
        definitionNames[name] = definition
        return name
    }

    private mutating func resolve(_ property: [String: Any], name: String, owner: inout StructModel, depth: Int) -> (PropertyKind, Rules) {
        guard depth < 8 else { return (.json, Rules()) }
        if let ref = property["$ref"] as? String, ref.hasPrefix("#/definitions/") {
            let definitionName = String(ref.dropFirst("#/definitions/".count))
            guard let definition = schema.definitions[definitionName] as? [String: Any] else { return (.json, Rules()) }
            if definition["properties"] != nil, (definition["type"] as? String ?? "object") == "object" {
                let structName = structName(forDefinition: definitionName)
                pending.append(structName)
                return (.structure(structName), Rules())
            }
            var merged = definition
            for (key, value) in property where key != "$ref" { merged[key] = value }
            return resolve(merged, name: name, owner: &owner, depth: depth + 1)
        }
        var rules = Rules()
        rules.pattern = property["pattern"] as? String
        rules.minLength = property["minLength"] as? Int
        rules.maxLength = property["maxLength"] as? Int
        rules.minimum = (property["minimum"] as? NSNumber)?.doubleValue
        rules.maximum = (property["maximum"] as? NSNumber)?.doubleValue
        rules.minItems = property["minItems"] as? Int
        rules.maxItems = property["maxItems"] as? Int
        let type = property["type"] as? String
        switch type {
        case "string":
            if let values = property["enum"] as? [String], !values.isEmpty {
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
            guard let items = property["items"] as? [String: Any] else { return (.json, rules) }
            var itemOwner = owner
            let (itemKind, _) = resolve(items, name: name + "Item", owner: &itemOwner, depth: depth + 1)
            switch itemKind {
            case .structure(let structName): return (.structures(structName), rules)
            case .value(let element) where ["String", "Int", "Double", "Bool"].contains(element): return (.value("[\(element)]"), rules)
            case .value:  // arrays of enum values: plain strings, items checked against the enum
                var itemRules = rules
                let resolvedItems = (items["$ref"] as? String).flatMap { schema.definitions[String($0.dropFirst("#/definitions/".count))] as? [String: Any] } ?? items
                itemRules.itemValues = (items["enum"] ?? resolvedItems["enum"]) as? [String]
                return (.value("[String]"), itemRules)
            default: return (.json, rules)
            }
        case "object", nil:
            if property["properties"] == nil {
                let patterned = (property["patternProperties"] as? [String: Any])?.values.first as? [String: Any]
                let additional = property["additionalProperties"] as? [String: Any]
                let valueType = (patterned ?? additional)?["type"]
                if valueType as? String == "string" || (valueType as? [String])?.contains("string") == true { return (.map, Rules()) }
            }
            return (.json, Rules())
        default:
            return (.json, Rules())
        }
    }
}
