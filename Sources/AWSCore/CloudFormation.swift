import HTTPClient

/// One stack as `DescribeStacks` reports it: what a rollout needs to decide.
public struct StackDescription: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var key: String
        /// For an SSM-typed parameter AWS reports the parameter's *name* here and the value in `resolvedValue`.
        public var value: String
        public var resolvedValue: String?

        public init(key: String, value: String, resolvedValue: String? = nil) {
            self.key = key
            self.value = value
            self.resolvedValue = resolvedValue
        }

        /// What the stack's resources were given: the resolved value of an SSM-typed parameter, else the value.
        public var effectiveValue: String { resolvedValue ?? value }
    }

    public var name: String
    public var id: String
    public var status: String
    public var statusReason: String?
    public var parameters: [Parameter]
    public var capabilities: [String]

    public init(name: String, id: String, status: String, statusReason: String? = nil, parameters: [Parameter] = [], capabilities: [String] = []) {
        self.name = name
        self.id = id
        self.status = status
        self.statusReason = statusReason
        self.parameters = parameters
        self.capabilities = capabilities
    }

    public func parameter(_ key: String) -> Parameter? { parameters.first { $0.key == key } }
}

/// One row of `DescribeStackEvents` (newest first, as the API returns them).
public struct StackEvent: Sendable, Equatable {
    public var logicalId: String
    public var resourceType: String
    public var status: String
    public var reason: String?
    public var timestamp: String

    public init(logicalId: String, resourceType: String, status: String, reason: String? = nil, timestamp: String = "") {
        self.logicalId = logicalId
        self.resourceType = resourceType
        self.status = status
        self.reason = reason
        self.timestamp = timestamp
    }
}

/// What `UpdateStack` answered.
public enum StackUpdateStart: Sendable, Equatable {
    /// The update started (the stack ID).
    case started(stackId: String)
    /// CloudFormation found nothing to change ("No updates are to be performed."): the stack already has these values.
    case noUpdates
}

/// How one template parameter is given to `UpdateStack`.
public enum StackParameterValue: Sendable, Equatable {
    case value(String)
    case usePrevious
}

/// CloudFormation over the query protocol (version 2010-05-15): the calls a rollout makes.
public final class CloudFormationClient {
    static let version = "2010-05-15"
    private let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// `DescribeStacks` of one stack; nil when it does not exist (CloudFormation answers `ValidationError … does not exist`).
    public func describeStack(name: String, deadline: Double) throws(AWSError) -> StackDescription? {
        let response: HTTPResponse
        do {
            response = try client.queryCall(action: "DescribeStacks", version: Self.version, [("StackName", name)], deadline: deadline)
        } catch {
            if case .service(_, "ValidationError", let message) = error, Text.contains(message, "does not exist") { return nil }
            throw error
        }
        let root = try Self.parse(response, "DescribeStacks")
        guard let member = root.first("Stacks")?.children("member").first else { return nil }
        return Self.stack(from: member)
    }

    /// `UpdateStack` with the template the stack already has (`UsePreviousTemplate=true`), these parameters and capabilities.
    public func updateStackWithPreviousTemplate(name: String, parameters: [(key: String, value: StackParameterValue)], capabilities: [String],
                                                deadline: Double) throws(AWSError) -> StackUpdateStart {
        var form: [(String, String)] = [("StackName", name), ("UsePreviousTemplate", "true")]
        for (index, parameter) in parameters.enumerated() {
            let prefix = "Parameters.member.\(index + 1)."
            form.append((prefix + "ParameterKey", parameter.key))
            switch parameter.value {
            case .value(let value): form.append((prefix + "ParameterValue", value))
            case .usePrevious: form.append((prefix + "UsePreviousValue", "true"))
            }
        }
        for (index, capability) in capabilities.enumerated() { form.append(("Capabilities.member.\(index + 1)", capability)) }
        let response: HTTPResponse
        do {
            response = try client.queryCall(action: "UpdateStack", version: Self.version, form, deadline: deadline)
        } catch {
            if case .service(_, "ValidationError", let message) = error, Text.contains(message, "No updates are to be performed") { return .noUpdates }
            throw error
        }
        let root = try Self.parse(response, "UpdateStack")
        return .started(stackId: root.first("StackId")?.text ?? name)
    }

    /// The first page of `DescribeStackEvents` (newest first; up to 100 events).
    public func describeStackEvents(name: String, deadline: Double) throws(AWSError) -> [StackEvent] {
        let response = try client.queryCall(action: "DescribeStackEvents", version: Self.version, [("StackName", name)], deadline: deadline)
        let root = try Self.parse(response, "DescribeStackEvents")
        return (root.first("StackEvents")?.children("member") ?? []).map { member in
            StackEvent(logicalId: member.text(of: "LogicalResourceId") ?? "", resourceType: member.text(of: "ResourceType") ?? "",
                       status: member.text(of: "ResourceStatus") ?? "", reason: member.text(of: "ResourceStatusReason").flatMap { $0.isEmpty ? nil : $0 },
                       timestamp: member.text(of: "Timestamp") ?? "")
        }
    }

    static func parse(_ response: HTTPResponse, _ action: String) throws(AWSError) -> XMLNode {
        do { return try XMLNode.parse(response.body) } catch {
            throw .service(status: response.status, code: "MalformedResponse", message: "\(action) answered with invalid XML: \(error)")
        }
    }

    static func stack(from member: XMLNode) -> StackDescription {
        let parameters = (member.child("Parameters")?.children("member") ?? []).map { p in
            StackDescription.Parameter(key: p.text(of: "ParameterKey") ?? "", value: p.text(of: "ParameterValue") ?? "",
                                       resolvedValue: p.text(of: "ResolvedValue"))
        }
        return StackDescription(name: member.text(of: "StackName") ?? "", id: member.text(of: "StackId") ?? "",
                                status: member.text(of: "StackStatus") ?? "",
                                statusReason: member.text(of: "StackStatusReason").flatMap { $0.isEmpty ? nil : $0 },
                                parameters: parameters, capabilities: (member.child("Capabilities")?.children("member") ?? []).map(\.text))
    }
}
