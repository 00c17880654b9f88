import HTTPClient

/// The two wire protocols most of the pipeline's services speak, on top of `AWSClient.send`.
extension AWSClient {
    /// AWS JSON 1.1 (`X-Amz-Target: <target>`): SSM, SageMaker. Returns the answer's JSON (`{}` for an empty body).
    public func jsonCall(target: String, _ body: JSON, deadline: Double) throws(AWSError) -> JSON {
        let response = try post(headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)],
                                body: body.bytes, deadline: deadline)
        if response.body.isEmpty { return .object([:]) }
        do { return try JSON(parsing: response.body) } catch {
            throw .service(status: response.status, code: "MalformedResponse", message: "\(target) answered with invalid JSON: \(error)")
        }
    }

    /// The query protocol (a form body `Action=…&Version=…&…`): CloudFormation, SNS, CloudWatch. Returns the XML answer.
    public func queryCall(action: String, version: String, _ parameters: [(String, String)], deadline: Double) throws(AWSError) -> HTTPResponse {
        let form = ([("Action", action), ("Version", version)] + parameters)
            .map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }
            .joined(separator: "&")
        return try post(headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.utf8), deadline: deadline)
    }
}
