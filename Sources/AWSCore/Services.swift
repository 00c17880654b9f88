import HTTPClient

/// SSM over the JSON 1.1 protocol.
public final class SSMClient {
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// `PutParameter` of a `String` parameter, overwriting any previous value; returns the new version.
    @discardableResult
    public func putParameter(name: String, value: String, deadline: Double) throws(AWSError) -> Int {
        let answer = try client.jsonCall(target: "AmazonSSM.PutParameter",
                                         .object(["Name": .string(name), "Value": .string(value), "Type": .string("String"), "Overwrite": .bool(true)]),
                                         deadline: deadline)
        return answer["Version"]?.intValue ?? 0
    }

    /// `GetParameter`: the parameter's current value and version; nil when it does not exist (`ParameterNotFound`).
    public func getParameter(name: String, deadline: Double) throws(AWSError) -> (value: String, version: Int)? {
        let answer: JSON
        do {
            answer = try client.jsonCall(target: "AmazonSSM.GetParameter", .object(["Name": .string(name)]), deadline: deadline)
        } catch {
            if case .service(_, "ParameterNotFound", _) = error { return nil }
            throw error
        }
        guard let value = answer["Parameter"]?["Value"]?.stringValue else {
            throw .service(status: 200, code: "MalformedResponse", message: "GetParameter answered without Parameter.Value")
        }
        return (value, answer["Parameter"]?["Version"]?.intValue ?? 0)
    }
}

/// CloudWatch `PutMetricData` over the query protocol, which every CloudWatch endpoint (and moto) accepts.
public final class CloudWatchClient {
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public func putMetric(namespace: String, name: String, value: Double, unit: String, dimensions: [(String, String)] = [], deadline: Double) throws(AWSError) {
        var parameters: [(String, String)] = [
            ("Namespace", namespace),
            ("MetricData.member.1.MetricName", name), ("MetricData.member.1.Value", String(value)), ("MetricData.member.1.Unit", unit),
        ]
        for (index, dimension) in dimensions.enumerated() {
            parameters.append(("MetricData.member.1.Dimensions.member.\(index + 1).Name", dimension.0))
            parameters.append(("MetricData.member.1.Dimensions.member.\(index + 1).Value", dimension.1))
        }
        _ = try client.queryCall(action: "PutMetricData", version: "2010-08-01", parameters, deadline: deadline)
    }
}

/// SNS `Publish` over the query protocol: the pipeline's notifications to its alarm topic.
public final class SNSClient {
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// Publishes `message` (with `subject`, at most 100 characters, cut to fit) to `topicArn`; returns the message id.
    @discardableResult
    public func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError) -> String? {
        let response = try client.queryCall(action: "Publish", version: "2010-03-31",
                                            [("TopicArn", topicArn), ("Subject", String(subject.prefix(100))), ("Message", message)],
                                            deadline: deadline)
        return AWSClient.xmlElement("MessageId", in: response.body)
    }
}
