import AWSCore
import LambdaRuntime

// The `bootstrap` of the model registrar: configuration errors are reported to /init/error.
LambdaRuntime.run { () throws -> RegistrarHandler in
    let environment = ProcessEnvironment.current()
    let settings = try RegistrarSettings(environment: environment)
    guard let credentials = Credentials.fromEnvironment(environment) else {
        throw HandlerError(type: "Runtime.ConfigurationError", message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
    }
    let caFile = TLSStream.caBundle(environment: environment)
    func client(_ service: String, _ variable: String, signingName: String) -> AWSClient {
        AWSClient(endpoint: Endpoint.resolve(service: service, environmentName: variable, region: settings.region, environment: environment),
                  signer: SigV4Signer(credentials: credentials, region: settings.region, service: signingName), caFile: caFile)
    }
    let registry = AWSModelRegistry(ssm: SSMClient(client: client("ssm", "SSM", signingName: "ssm")),
                                    cloudWatch: CloudWatchClient(client: client("monitoring", "CLOUDWATCH", signingName: "monitoring")))
    log("model registrar ready: parameter \(settings.parameterName), suffix \(settings.suffix), metrics \(settings.metricsNamespace ?? "off")")
    return RegistrarHandler(settings: settings, registry: registry)
}
