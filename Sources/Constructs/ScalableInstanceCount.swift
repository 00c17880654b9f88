import AWSResources
import CloudFormation

/// Application Auto Scaling of one endpoint variant's instance count, with target-tracking policies.
public final class ScalableInstanceCount: Construct {
    public var target: Resource<ApplicationAutoScaling.ScalableTarget> { storedTarget }
    private var storedTarget: Resource<ApplicationAutoScaling.ScalableTarget>!
    public private(set) var policies: [Resource<ApplicationAutoScaling.ScalingPolicy>] = []
    public let variantName: String
    public let instanceType: String?
    public let minCapacity: Int
    public let maxCapacity: Int
    private unowned let endpoint: SageMakerEndpoint

    init(_ scope: Construct, _ id: String, endpoint: SageMakerEndpoint, variantName: String, instanceType: String?,
         minCapacity: Int, maxCapacity: Int) {
        self.endpoint = endpoint
        self.variantName = variantName
        self.instanceType = instanceType
        self.minCapacity = minCapacity
        self.maxCapacity = maxCapacity
        super.init(scope, id)
        // ResourceId needs the endpoint's name: GetAtt EndpointName (Ref would give its ARN).
        storedTarget = Resource(self, "Target", ApplicationAutoScaling.ScalableTarget(
            maxCapacity: Value(maxCapacity), minCapacity: Value(minCapacity),
            resourceId: "endpoint/\(endpoint.name)/variant/\(variantName)",
            scalableDimension: .init(.sagemakerVariantDesiredInstanceCount),
            serviceNamespace: .init(.sagemaker)))
    }

    /// The number of vCPUs of an `ml.*` instance type, from its size (`large` 2, `xlarge` 4, `Nxlarge` 4·N).
    public static func vCPUs(of instanceType: String) -> Int? {
        guard let size = instanceType.split(separator: ".").last else { return nil }
        switch size {
        case "medium", "large": return 2
        case "xlarge": return 4
        default:
            guard size.hasSuffix("xlarge"), let factor = Int(size.dropLast("xlarge".count)) else { return nil }
            return 4 * factor
        }
    }

    /// Keeps the variant's average CPU use near `targetPercent` of the whole instance.
    ///
    /// SageMaker's `CPUUtilization` (namespace `/aws/sagemaker/Endpoints`) is the sum over the instance's
    /// vCPUs, 0–100 × vCPUs; the target value written is therefore `targetPercent × vCPUs`
    /// (70 % on ml.m5.large, 2 vCPUs, is 140).
    @discardableResult
    public func scaleOnCPUUtilization(targetPercent: Double, scaleInCooldownSeconds: Int = 300, scaleOutCooldownSeconds: Int = 60) -> Self {
        let vCPUs = instanceType.flatMap(Self.vCPUs(of:)) ?? 1
        let metric = ApplicationAutoScaling.ScalingPolicy.CustomizedMetricSpecification(
            dimensions: [.init(name: "EndpointName", value: endpoint.name), .init(name: "VariantName", value: Value(variantName))],
            metricName: "CPUUtilization", namespace: "/aws/sagemaker/Endpoints", statistic: .init(.average), unit: "Percent")
        addPolicy("CPUUtilization", .init(
            customizedMetricSpecification: metric, scaleInCooldown: Value(scaleInCooldownSeconds),
            scaleOutCooldown: Value(scaleOutCooldownSeconds), targetValue: Value(targetPercent * Double(vCPUs))))
        return self
    }

    /// Keeps invocations per instance per minute near `invocations`.
    @discardableResult
    public func scaleOnInvocationsPerInstance(_ invocations: Double, scaleInCooldownSeconds: Int = 300, scaleOutCooldownSeconds: Int = 60) -> Self {
        addPolicy("InvocationsPerInstance", .init(
            predefinedMetricSpecification: .init(predefinedMetricType: .init(.sageMakerVariantInvocationsPerInstance)),
            scaleInCooldown: Value(scaleInCooldownSeconds), scaleOutCooldown: Value(scaleOutCooldownSeconds),
            targetValue: Value(invocations)))
        return self
    }

    private func addPolicy(_ name: String, _ configuration: ApplicationAutoScaling.ScalingPolicy.TargetTrackingScalingPolicyConfiguration) {
        let policy = Resource(self, "\(name)Policy", ApplicationAutoScaling.ScalingPolicy(
            policyName: "\(endpoint.name)-\(variantName)-\(name)", policyType: .init(.targetTrackingScaling),
            scalingTargetId: target.ref, targetTrackingScalingPolicyConfiguration: configuration))
        policies.append(policy)
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        if minCapacity < 1 {
            report.error(target, property: "MinCapacity", value: String(minCapacity), rule: "must be at least 1 for a real-time endpoint")
        }
        if minCapacity > maxCapacity {
            report.error(target, property: "MinCapacity", value: String(minCapacity), rule: "must not exceed MaxCapacity (\(maxCapacity))")
        }
        if let instanceType, Self.vCPUs(of: instanceType) == nil, policies.contains(where: { $0.id.hasPrefix("CPU") }) {
            report.error(target, property: "InstanceType", value: instanceType, rule: "unknown instance size; cannot convert the CPU target to SageMaker's per-vCPU metric")
        }
        if policies.isEmpty {
            report.error(target, property: "Policies", value: "none", rule: "a scalable target without a scaling policy never scales; add scaleOnCPUUtilization or scaleOnInvocationsPerInstance")
        }
    }
}
