import Foundation
import JSON

/// The resource types to generate; adding one is one line.
let resourceTypes = [
    "AWS::S3::Bucket", "AWS::S3::BucketPolicy",
    "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Lambda::EventInvokeConfig",
    "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
    "AWS::SSM::Parameter",
    "AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint", "AWS::SageMaker::ModelPackageGroup",
    "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::Logs::LogGroup", "AWS::KMS::Key",
    // The automatic rollout, the prediction API and monitoring.
    "AWS::Events::Rule", "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::Lambda::Url",
    "AWS::CloudWatch::Dashboard", "AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::MonitoringSchedule",
]

/// `Fn::GetAtt` attributes cfn-lint accepts that the registry schema does not list as read-only properties.
let extraAttributes: [String: [String]] = [
    "AWS::SageMaker::EndpointConfig": ["EndpointConfigName"],
    "AWS::SageMaker::Model": ["ModelName"],
    "AWS::SageMaker::Endpoint": ["EndpointName"],
    "AWS::SQS::Queue": ["QueueName"],
    "AWS::SNS::Topic": ["TopicName"],
    // CloudFormation documents GetAtt Type and Value; cfn-lint accepts every property of this type.
    "AWS::SSM::Parameter": ["Type", "Value"],
]

/// Properties a registry schema lists as read-only that CloudFormation (and cfn-lint) accept as input.
let settableReadOnlyProperties: [String: Set<String>] = [
    "AWS::SageMaker::Endpoint": ["EndpointName"],
]

/// A registry schema, as far as the generator reads it. Objects keep the schema's order (the generator still sorts
/// properties by name where it emits them: see `TypeMapper.buildStruct`).
struct ResourceSchema {
    let typeName: String
    let description: String
    let properties: JSONObject
    let definitions: JSONObject
    let required: Set<String>
    let readOnly: [String]
    let createOnly: Set<String>
    let primaryIdentifier: [String]
    /// Top-level `requiredXor`, `oneOf` and `anyOf`, for the simple presence rules.
    let combinators: JSONObject

    init(json: JSON) throws {
        guard let typeName = json["typeName"]?.stringValue else { throw GeneratorError("schema without typeName") }
        self.typeName = typeName
        description = json["description"]?.stringValue ?? ""
        properties = json["properties"]?.objectValue ?? [:]
        definitions = json["definitions"]?.objectValue ?? [:]
        required = Set(json["required"]?.strings ?? [])
        readOnly = (json["readOnlyProperties"]?.strings ?? []).map { $0.replacingOccurrences(of: "/properties/", with: "") }
        createOnly = Set((json["createOnlyProperties"]?.strings ?? []).map { $0.replacingOccurrences(of: "/properties/", with: "") })
        combinators = (json.objectValue ?? [:]).filter { ["requiredXor", "oneOf", "anyOf"].contains($0.key) }
        primaryIdentifier = (json["primaryIdentifier"]?.strings ?? []).map { $0.replacingOccurrences(of: "/properties/", with: "") }
    }

    var service: String { String(typeName.split(separator: ":")[1]) }
    var resourceName: String { String(typeName.split(separator: ":")[2]) }
}

struct GeneratorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Locates schemas in cfn-lint's data directory (`cfnlint/data/schemas`).
struct SchemaStore {
    let directory: URL

    func load(_ typeName: String) throws -> ResourceSchema {
        let providers = directory.appendingPathComponent("providers/us_east_1.py")
        guard let text = try? String(contentsOf: providers, encoding: .utf8) else {
            throw GeneratorError("cannot read \(providers.path): pass cfn-lint's data/schemas directory with --schemas")
        }
        let pattern = "\"\(NSRegularExpression.escapedPattern(for: typeName))\": \"([0-9a-f]+)\""
        let regex = try NSRegularExpression(pattern: pattern)
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else {
            throw GeneratorError("\(typeName) is not in \(providers.path)")
        }
        let file = directory.appendingPathComponent("resources/\(text[range]).json")
        let data = try Data(contentsOf: file)
        let json: JSON
        do {
            json = try JSON(parsing: Array(data), options: .strict)
        } catch {
            throw GeneratorError("\(file.path): \(error)")
        }
        guard json.objectValue != nil else { throw GeneratorError("\(file.path) is not a JSON object") }
        return try ResourceSchema(json: json)
    }
}

extension JSON {
    /// The items of an array of strings; nil when this is not an array or an item is not a string.
    var strings: [String]? {
        guard let items = arrayValue else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count ? strings : nil
    }
}
