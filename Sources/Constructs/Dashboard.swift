import AWSResources
import CloudFormation
import JSON

/// One line of a dashboard graph: a metric with how it is aggregated and what the legend says.
public struct DashboardMetric {
    public var metric: Metric
    public var label: String?
    /// The name an expression uses for this metric (`m1`); such a metric is usually hidden (`visible: false`).
    public var id: String?
    public var visible: Bool

    public init(_ metric: Metric, label: String? = nil, id: String? = nil, visible: Bool = true) {
        self.metric = metric
        self.label = label
        self.id = id
        self.visible = visible
    }

    /// `namespace/name` with its dimensions, aggregated by `statistic`.
    public init(namespace: String, name: String, dimensions: [(String, Value<String>)] = [], statistic: Metric.Statistic, label: String? = nil,
                id: String? = nil, visible: Bool = true) {
        self.init(Metric(namespace: namespace, name: name, dimensions: dimensions, statistic: statistic), label: label, id: id, visible: visible)
    }
}

/// A metric math line (`m1 / m2`) over metrics of the same widget that have ids.
public struct DashboardExpression {
    public var id: String
    public var expression: String
    public var label: String

    public init(id: String, _ expression: String, label: String) {
        self.id = id
        self.expression = expression
        self.label = label
    }
}

/// A CloudWatch dashboard widget: a graph of metrics, a single-value panel, or Markdown text.
public enum DashboardWidget {
    /// A time series graph.
    case graph(title: String, metrics: [DashboardMetric], expressions: [DashboardExpression] = [], width: Int = 12, height: Int = 6, stacked: Bool = false)
    /// The latest value of each metric, as numbers.
    case singleValue(title: String, metrics: [DashboardMetric], width: Int = 12, height: Int = 4)
    /// Markdown text (headings, notes, links).
    case text(markdown: String, width: Int = 24, height: Int = 2)

    var size: (width: Int, height: Int) {
        switch self {
        case .graph(_, _, _, let width, let height, _), .singleValue(_, _, let width, let height), .text(_, let width, let height): (width, height)
        }
    }
}

/// A CloudWatch dashboard whose body is built from typed widgets, not written by hand: widgets are laid out left to
/// right on CloudWatch's 24-column grid (a widget that does not fit starts a new row), every graph is in the stack's
/// region, and the JSON is rendered with escaping done in one place. Intrinsic values (the region, names known only
/// at deploy time) become `Fn::Sub` placeholders.
public final class Dashboard: Construct {
    public var resource: Resource<CloudWatch.Dashboard> { storedResource }
    private var storedResource: Resource<CloudWatch.Dashboard>!
    public let widgets: [DashboardWidget]
    public let periodSeconds: Int

    @discardableResult
    public init(_ scope: Construct, _ id: String, name: String, periodSeconds: Int = 60, widgets: [DashboardWidget]) {
        self.widgets = widgets
        self.periodSeconds = periodSeconds
        super.init(scope, id)
        storedResource = Resource(self, "Resource", CloudWatch.Dashboard(dashboardBody: Self.body(widgets, periodSeconds: periodSeconds),
                                                                   dashboardName: Value(name)))
    }

    /// The dashboard body: `{"widgets":[…]}` as a literal or an `Fn::Sub` of literal JSON with intrinsic strings in placeholders.
    static func body(_ widgets: [DashboardWidget], periodSeconds: Int) -> Value<String> {
        var writer = JoinWriter()
        writer.raw("{\"start\":\"-PT6H\",\"widgets\":[")
        var x = 0, y = 0, rowHeight = 0
        for (index, widget) in widgets.enumerated() {
            let (width, height) = widget.size
            if x + width > 24 { x = 0; y += rowHeight; rowHeight = 0 }
            if index > 0 { writer.raw(",") }
            writer.raw("{\"height\":\(height),")
            switch widget {
            case .text(let markdown, _, _):
                writer.raw("\"properties\":{\"markdown\":")
                writer.literal(markdown)
                writer.raw("},\"type\":\"text\",")
            case .graph(let title, let metrics, let expressions, _, _, let stacked):
                writer.raw("\"properties\":{")
                metricProperties(title: title, metrics: metrics, expressions: expressions, view: "timeSeries", periodSeconds: periodSeconds, into: &writer)
                writer.raw(",\"stacked\":\(stacked)},\"type\":\"metric\",")
            case .singleValue(let title, let metrics, _, _):
                writer.raw("\"properties\":{")
                metricProperties(title: title, metrics: metrics, expressions: [], view: "singleValue", periodSeconds: periodSeconds, into: &writer)
                writer.raw("},\"type\":\"metric\",")
            }
            writer.raw("\"width\":\(width),\"x\":\(x),\"y\":\(y)}")
            x += width
            rowHeight = max(rowHeight, height)
        }
        writer.raw("]}")
        return writer.value
    }

    private static func metricProperties(title: String, metrics: [DashboardMetric], expressions: [DashboardExpression], view: String,
                                         periodSeconds: Int, into writer: inout JoinWriter) {
        writer.raw("\"metrics\":[")
        for (index, line) in expressions.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("[{\"expression\":")
            writer.literal(line.expression)
            writer.raw(",\"id\":")
            writer.literal(line.id)
            writer.raw(",\"label\":")
            writer.literal(line.label)
            writer.raw("}]")
        }
        for (index, line) in metrics.enumerated() {
            if index > 0 || !expressions.isEmpty { writer.raw(",") }
            writer.raw("[")
            writer.literal(line.metric.namespace)
            writer.raw(",")
            writer.literal(line.metric.name)
            for (name, value) in line.metric.dimensions {
                writer.raw(",")
                writer.literal(name)
                writer.raw(",")
                writer.string(value)
            }
            writer.raw(",{")
            if let id = line.id {
                writer.raw("\"id\":")
                writer.literal(id)
                writer.raw(",")
            }
            if let label = line.label {
                writer.raw("\"label\":")
                writer.literal(label)
                writer.raw(",")
            }
            writer.raw("\"stat\":")
            writer.literal(statistic(line.metric.statistic))
            writer.raw(line.visible ? "}]" : ",\"visible\":false}]")
        }
        writer.raw("],\"period\":\(periodSeconds),\"region\":")
        writer.string(Pseudo.region)
        writer.raw(",\"title\":")
        writer.literal(title)
        writer.raw(",\"view\":\"\(view)\"")
    }

    /// CloudWatch's name for a statistic (`Sum`, `p90`).
    static func statistic(_ statistic: Metric.Statistic) -> String {
        switch statistic {
        case .sum: "Sum"
        case .average: "Average"
        case .maximum: "Maximum"
        case .percentile(let p): "p\(JSONWriter.formatNumber(p))"
        }
    }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        for (index, widget) in widgets.enumerated() {
            let (width, height) = widget.size
            if !(1...24).contains(width) || !(1...1000).contains(height) {
                report.error(resource, property: "DashboardBody.widgets[\(index)]", value: "\(width)×\(height)",
                             rule: "widgets are 1 to 24 columns wide and 1 to 1000 rows high")
            }
            switch widget {
            case .graph(_, let metrics, _, _, _, _), .singleValue(_, let metrics, _, _):
                if metrics.isEmpty || metrics.count > 500 {
                    report.error(resource, property: "DashboardBody.widgets[\(index)].metrics", value: "\(metrics.count)", rule: "a metric widget shows 1 to 500 metrics")
                }
            case .text: break
            }
        }
        if ![10, 30].contains(periodSeconds), periodSeconds < 60 || periodSeconds % 60 != 0 {
            report.error(resource, property: "DashboardBody.period", value: String(periodSeconds), rule: "must be 10, 30 or a multiple of 60")
        }
    }
}

/// Accumulates JSON text; intrinsic strings become `Fn::Sub` placeholders, literal text is merged.
struct JoinWriter {
    private var parts: [Value<String>] = []
    private var pending = ""

    mutating func raw(_ text: String) { pending += text }

    /// A JSON string known at synth time, escaped.
    mutating func literal(_ text: String) { JSON.writeString(text, to: &pending) }

    /// A JSON string: escaped when literal, spliced in between quotes when only known at deploy time.
    mutating func string(_ value: Value<String>) {
        if let literal = value.literal {
            self.literal(literal)
        } else {
            pending += "\""
            parts.append(Value(pending))
            pending = ""
            parts.append(value)
            pending = "\""
        }
    }

    /// One literal, or one `Fn::Sub` whose literal text has its `${` escaped (cfn-lint I1022 prefers `Fn::Sub` to an
    /// `Fn::Join` with an empty delimiter, and the body reads as JSON in the template).
    var value: Value<String> {
        let all = pending.isEmpty ? parts : parts + [Value(pending)]
        if all.count == 1, let only = all.first { return only }
        var text = SubInterpolation(literalCapacity: 0, interpolationCount: all.count)
        for part in all {
            if let literal = part.literal { text.appendLiteral(literal) } else { text.appendInterpolation(part) }
        }
        return Value(stringInterpolation: text)
    }

    /// A JSON string literal, escaped as every JSON this project writes is (`JSON`'s canonical writer).
    static func escape(_ text: String) -> String {
        var out = ""
        JSON.writeString(text, to: &out)
        return out
    }
}
