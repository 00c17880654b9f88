import AWSCore
import HTTPClient

/// What the API needs from SageMaker: abstracted so tests can run the handler against a fake.
protocol SageMakerEndpointService {
    /// `InvokeEndpoint` with a JSON body; the answer's body and the production variant that served it.
    func invoke(endpoint: String, body: [UInt8], deadline: Double) throws(AWSError) -> (body: [UInt8], variant: String?)
    /// `DescribeEndpoint`: the endpoint's `EndpointStatus`.
    func status(endpoint: String, deadline: Double) throws(AWSError) -> String
}

/// SageMaker through AWSCore: the runtime's REST API for invocations, the JSON 1.1 API for the status.
struct AWSSageMakerEndpointService: SageMakerEndpointService {
    /// `runtime.sagemaker.<region>.amazonaws.com`, signing name `sagemaker`.
    let runtime: AWSClient
    /// `api.sagemaker.<region>.amazonaws.com`.
    let api: AWSClient

    func invoke(endpoint: String, body: [UInt8], deadline: Double) throws(AWSError) -> (body: [UInt8], variant: String?) {
        let response = try runtime.send(method: "POST", path: "/endpoints/\(endpoint)/invocations",
                                        headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                        body: body, deadline: deadline)
        return (response.body, response.header("X-Amzn-Invoked-Production-Variant"))
    }

    func status(endpoint: String, deadline: Double) throws(AWSError) -> String {
        let answer = try api.jsonCall(target: "SageMaker.DescribeEndpoint", .object(["EndpointName": .string(endpoint)]), deadline: deadline)
        return answer["EndpointStatus"]?.stringValue ?? "Unknown"
    }
}
