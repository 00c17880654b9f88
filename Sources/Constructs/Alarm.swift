import AWSResources
import CloudFormation

/// A CloudWatch metric: namespace, name, dimensions and how samples are combined.
public struct Metric {
    public enum Statistic: Equatable {
        case sum, average, maximum
        /// A percentile such as p90.
        case percentile(Double)
    }

    public var namespace: String
    public var name: String
    public var dimensions: [(String, Value<String>)]
    public var statistic: Statistic

    public init(namespace: String, name: String, dimensions: [(String, Value<String>)], statistic: Statistic) {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions
        self.statistic = statistic
    }
}

/// A CloudWatch alarm that notifies a topic when a metric crosses a threshold, and again when it recovers.
/// Missing data counts as not breaching: an idle endpoint is not an incident.
public final class Alarm: Construct {
    public var resource: Resource<CloudWatch.Alarm> { storedResource }
    private var storedResource: Resource<CloudWatch.Alarm>!

    @discardableResult
    public init(_ scope: Construct, _ id: String, description: String, metric: Metric, threshold: Double,
                comparison: CloudWatch.Alarm.ComparisonOperator = .greaterThanOrEqualToThreshold,
                periodSeconds: Int, evaluationPeriods: Int, notify topic: Topic) {
        super.init(scope, id)
        var alarm = CloudWatch.Alarm(
            alarmActions: [topic.arn], alarmDescription: Value(description), comparisonOperator: .init(comparison),
            dimensions: metric.dimensions.map { .init(name: Value($0.0), value: $0.1) },
            evaluationPeriods: Value(evaluationPeriods), metricName: Value(metric.name), namespace: Value(metric.namespace),
            okActions: [topic.arn], period: Value(periodSeconds), threshold: Value(threshold), treatMissingData: .init(.notBreaching))
        switch metric.statistic {
        case .sum: alarm.statistic = .init(.sum)
        case .average: alarm.statistic = .init(.average)
        case .maximum: alarm.statistic = .init(.maximum)
        case .percentile(let p): alarm.extendedStatistic = Value("p\(JSONWriter.formatNumber(p))")
        }
        storedResource = Resource(self, "Resource", alarm)
    }
}
