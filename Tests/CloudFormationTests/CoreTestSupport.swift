@testable import CloudFormation
import Foundation

/// A small resource type for core tests, independent of the generated ones.
struct SampleQueue: ResourceProperties {
    static let resourceType = "AWS::SQS::Queue"
    static let attributeNames: Set<String> = ["Arn", "QueueName", "QueueUrl"]
    var queueName: Value<String>?
    var delaySeconds: Value<Int>?
    var tags: Value<[String]>?
    var policy: TemplateValue?

    func templateProperties() -> TemplateValue {
        var members: [(String, TemplateValue)] = []
        if let queueName { members.append(("QueueName", queueName.node)) }
        if let delaySeconds { members.append(("DelaySeconds", delaySeconds.node)) }
        if let tags { members.append(("Tags", tags.node)) }
        if let policy { members.append(("Policy", policy)) }
        return .object(members)
    }

    func validate(_ issues: inout [PropertyIssue]) {
        if let delay = delaySeconds?.literal, delay > 900 {
            issues.append(PropertyIssue(property: "DelaySeconds", value: String(delay), rule: "must be at most 900"))
        }
    }
}

/// Parses canonical JSON back for assertions.
func parseJSON(_ body: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
}

extension Synthesis {
    func templateJSON(_ name: String) throws -> [String: Any] {
        try parseJSON(stacks.first { $0.name == name }!.body)
    }
}

func collectErrors(_ body: () throws -> Synthesis) -> [Diagnostic] {
    do {
        _ = try body()
        return []
    } catch let error as SynthesisError {
        return error.errors
    } catch {
        return []
    }
}
