import AWSResources
import CloudFormation

/// An HTTPS endpoint for a function (`AWS::Lambda::Url`, `https://<id>.lambda-url.<region>.on.aws/`), with IAM
/// authentication by default: callers sign their requests with SigV4 (service `lambda`) and need
/// `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` on the function in their own policy.
///
/// `.none` makes the URL public: Lambda then only invokes the function when its resource policy allows everyone,
/// so this construct adds those two permissions, and synthesis reports a warning naming the URL.
public final class FunctionURL: Construct {
    public enum AuthType: Sendable, Equatable {
        /// SigV4-signed requests from principals allowed by IAM (the default).
        case awsIAM
        /// Anyone on the internet.
        case none
    }

    public let authType: AuthType
    public var resource: Resource<Lambda.Url> { storedResource }
    private var storedResource: Resource<Lambda.Url>!
    /// The resource-policy statements a public URL needs (empty for `.awsIAM`).
    public private(set) var publicPermissions: [Resource<Lambda.Permission>] = []

    /// `corsAllowOrigins` empty: no CORS headers (browsers on other origins cannot call it); otherwise Lambda answers
    /// preflight requests itself for `GET` and `POST` from these origins, with the headers a SigV4-signed call sends.
    public init(_ scope: Construct, _ id: String, function: Function, authType: AuthType = .awsIAM, corsAllowOrigins: [String] = []) {
        self.authType = authType
        super.init(scope, id)
        let cors = corsAllowOrigins.isEmpty ? nil : Lambda.Url.Cors(
            allowHeaders: Value(["authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"]),
            allowMethods: Value(["GET", "POST"]), allowOrigins: Value(corsAllowOrigins), maxAge: 300)
        storedResource = Resource(self, "Resource", Lambda.Url(
            authType: Value(authType == .awsIAM ? Lambda.Url.AuthType.awsIAM : Lambda.Url.AuthType.none), cors: cors, invokeMode: .init(.buffered),
            targetFunctionArn: function.arn))
        if authType == .none {
            // Since October 2025 a URL needs both actions allowed; InvokeFunction only through the URL.
            publicPermissions = [
                Resource(self, "PublicInvokeUrlPermission", Lambda.Permission(
                    action: "lambda:InvokeFunctionUrl", functionName: function.arn, functionUrlAuthType: Value(Lambda.Permission.FunctionUrlAuthType.none), principal: "*")),
                Resource(self, "PublicInvokePermission", Lambda.Permission(
                    action: "lambda:InvokeFunction", functionName: function.arn, invokedViaFunctionUrl: true, principal: "*")),
            ]
        }
    }

    /// The URL, ending with `/`.
    public var url: Value<String> { resource.attrFunctionUrl }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        if authType == .none {
            report.warning(path: resource.path, property: "AuthType", value: "NONE",
                           rule: "the function URL is public: anyone on the internet can call it and every call costs an invocation and endpoint time; use AWS_IAM unless that is intended")
        }
    }
}
