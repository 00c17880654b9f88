import HTTPClient
import LambdaRuntime

/// An EventBridge `Parameter Store Change` event, reduced to what the rollout needs.
struct ParameterChange: Equatable {
    /// `detail.name`: the parameter that changed.
    var name: String
    /// `detail.operation`: `Create`, `Update`, `Delete`, `LabelParameterVersion`, …
    var operation: String
}

enum ParameterStoreEvent {
    static func invalid(_ message: String) -> HandlerError { HandlerError(type: "InvalidEvent", message: message) }

    /// Decodes `{"source": "aws.ssm", "detail-type": "Parameter Store Change", "detail": {"name": …, "operation": …}}`.
    /// Anything else is an `InvalidEvent` error that names the field and what it holds instead.
    static func decode(_ bytes: [UInt8]) throws(HandlerError) -> ParameterChange {
        let event: JSON
        do { event = try JSON(parsing: bytes) } catch { throw invalid("the event is not JSON: \(error)") }
        guard event.objectValue != nil else { throw invalid("the event is \(event.kind), not an object") }
        let source = try string(event, "source")
        guard source == "aws.ssm" else { throw invalid("source is \"\(source)\", expected \"aws.ssm\" (an EventBridge Parameter Store Change event)") }
        let type = try string(event, "detail-type")
        guard type == "Parameter Store Change" else { throw invalid("detail-type is \"\(type)\", expected \"Parameter Store Change\"") }
        guard let detail = event["detail"] else { throw invalid("detail is missing") }
        guard detail.objectValue != nil else { throw invalid("detail is \(detail.kind), not an object") }
        let name = try string(detail, "name", path: "detail.name")
        let operation = try string(detail, "operation", path: "detail.operation")
        guard !name.isEmpty else { throw invalid("detail.name is empty") }
        return ParameterChange(name: name, operation: operation)
    }

    private static func string(_ object: JSON, _ key: String, path: String? = nil) throws(HandlerError) -> String {
        let field = path ?? key
        guard let value = object[key] else { throw invalid("\(field) is missing") }
        guard let text = value.stringValue else { throw invalid("\(field) is \(value.kind), not a string") }
        return text
    }
}
