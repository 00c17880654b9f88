import HTTPClient

/// SSM over the JSON 1.1 protocol.
public final class SSMClient {
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// `PutParameter` of a `String` parameter, overwriting any previous value; returns the new version.
    @discardableResult
    public func putParameter(name: String, value: String, deadline: Double) throws(AWSError) -> Int {
        let body = JSON.object(["Name": .string(name), "Value": .string(value), "Type": .string("String"), "Overwrite": .bool(true)]).bytes
        let response = try client.post(headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.PutParameter")],
                                       body: body, deadline: deadline)
        return (try? JSON(parsing: response.body))?["Version"]?.intValue ?? 0
    }
}

/// CloudWatch `PutMetricData` over the query protocol, which every CloudWatch endpoint (and moto) accepts.
public final class CloudWatchClient {
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public func putMetric(namespace: String, name: String, value: Double, unit: String, dimensions: [(String, String)] = [], deadline: Double) throws(AWSError) {
        var parameters: [(String, String)] = [
            ("Action", "PutMetricData"), ("Version", "2010-08-01"), ("Namespace", namespace),
            ("MetricData.member.1.MetricName", name), ("MetricData.member.1.Value", String(value)), ("MetricData.member.1.Unit", unit),
        ]
        for (index, dimension) in dimensions.enumerated() {
            parameters.append(("MetricData.member.1.Dimensions.member.\(index + 1).Name", dimension.0))
            parameters.append(("MetricData.member.1.Dimensions.member.\(index + 1).Value", dimension.1))
        }
        let body = parameters.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }.joined(separator: "&")
        _ = try client.post(headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(body.utf8), deadline: deadline)
    }
}
