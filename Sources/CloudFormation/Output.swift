/// A stack output, optionally exported for other stacks outside this app. `Output(stack, "Url", value: …)` needs no
/// `_ =`: the stack keeps it.
///
/// Inside one app, use the resource attribute in the other stack instead: the App adds the
/// output, the export and the `Fn::ImportValue` for you.
public final class Output: TemplateElement {
    override public var asResource: AnyResource? { nil }

    public let value: TemplateValue
    public var description: String?
    public var exportName: Value<String>?
    public var condition: Condition?

    @discardableResult
    public init<T>(_ stack: Stack, _ id: String, value: Value<T>, description: String? = nil, exportName: Value<String>? = nil) {
        self.value = value.node
        self.description = description
        self.exportName = exportName
        super.init(stack, id)
    }
}
