import AWSResources
import CloudFormation

/// Something that holds an IAM role and can therefore be granted permissions: a `Role`, a `Function`, an endpoint.
public protocol Grantable: AnyObject {
    var grantRole: Role { get }
}

extension Role: Grantable {
    public var grantRole: Role { self }
}

/// Permission to put custom CloudWatch metrics in one namespace only (PutMetricData has no resource-level
/// permissions, so the namespace condition is what narrows it).
public enum MetricGrants {
    public static func grantPutMetricData(_ grantee: Grantable, namespace: String) {
        grantee.grantRole.addToPolicy(PolicyStatement(
            actions: ["cloudwatch:PutMetricData"], resources: ["*"],
            conditions: [.init("StringEquals", "cloudwatch:namespace", [Value(namespace)])]))
    }
}

/// A check suppression for a static analyser, kept in the resource's `Metadata` with its reason so reviewers see it next to the resource.
public enum CheckSuppression {
    /// Skips a checkov check on this resource, with the one-line reason that is also listed in SOLUTION.md.
    public static func checkov<P>(_ resource: Resource<P>, _ id: String, reason: String) {
        var skips: [TemplateValue] = []
        if case .object(let members)? = resource.metadata.first(where: { $0.0 == "checkov" })?.1,
           case .array(let existing)? = members.first(where: { $0.0 == "skip" })?.1 {
            skips = existing
        }
        skips.append(["id": .string(id), "comment": .string(reason)])
        resource.addMetadata("checkov", ["skip": .array(skips)])
    }
}
