/// A type that can stand as a literal in a CloudFormation property.
///
/// `Value<T>` is parameterised by one of these, so the compiler keeps a number out of a string
/// slot and a list out of a scalar slot.
public protocol TemplateLiteral {
    var templateValue: TemplateValue { get }
    init?(templateValue: TemplateValue)
}

extension String: TemplateLiteral {
    public var templateValue: TemplateValue { .string(self) }
    public init?(templateValue: TemplateValue) {
        guard case .string(let s) = templateValue else { return nil }
        self = s
    }
}

extension Int: TemplateLiteral {
    public var templateValue: TemplateValue { .integer(self) }
    public init?(templateValue: TemplateValue) {
        guard case .integer(let i) = templateValue else { return nil }
        self = i
    }
}

extension Double: TemplateLiteral {
    public var templateValue: TemplateValue {
        // Whole numbers print without a decimal point, as CloudFormation users write them.
        if self.rounded() == self, abs(self) < 1e15 { return .integer(Int(self)) }
        return .double(self)
    }
    public init?(templateValue: TemplateValue) {
        switch templateValue {
        case .double(let d): self = d
        case .integer(let i): self = Double(i)
        default: return nil
        }
    }
}

extension Bool: TemplateLiteral {
    public var templateValue: TemplateValue { .bool(self) }
    public init?(templateValue: TemplateValue) {
        guard case .bool(let b) = templateValue else { return nil }
        self = b
    }
}

/// A list type whose elements are themselves literals, such as `[String]`.
public protocol TemplateList: TemplateLiteral {
    associatedtype Element: TemplateLiteral
}

extension Array: TemplateLiteral where Element: TemplateLiteral {
    public var templateValue: TemplateValue { .array(map { $0.templateValue }) }
    public init?(templateValue: TemplateValue) {
        guard case .array(let items) = templateValue else { return nil }
        var result: [Element] = []
        for item in items {
            guard let element = Element(templateValue: item) else { return nil }
            result.append(element)
        }
        self = result
    }
}

extension Array: TemplateList where Element: TemplateLiteral {}

/// A closed set of string values from a registry schema's `enum`, generated as a Swift enum.
public protocol TemplateEnum: TemplateLiteral, RawRepresentable, CaseIterable, Sendable where RawValue == String {}

extension TemplateEnum {
    public var templateValue: TemplateValue { .string(rawValue) }
    public init?(templateValue: TemplateValue) {
        guard case .string(let s) = templateValue else { return nil }
        self.init(rawValue: s)
    }
}

/// A typed CloudFormation value: either a literal `T` or an intrinsic function that yields a `T` at deploy time.
///
/// `Value<String>` accepts string literals, `Value<Int>` integer literals, `Value<[String]>` array
/// literals of `Value<String>` (so a list can mix literals and references). Intrinsics come from
/// `Fn`, `Pseudo`, resource attributes and parameters.
public struct Value<T: TemplateLiteral> {
    /// The untyped value this wraps.
    public let node: TemplateValue

    /// Wraps an untyped value; the caller vouches that it yields a `T`.
    public init(node: TemplateValue) { self.node = node }

    /// A literal.
    public init(_ literal: T) { self.node = literal.templateValue }

    /// The literal, or nil when the value is only known at deploy time.
    public var literal: T? { node.isLiteral ? T(templateValue: node) : nil }

    /// `AWS::NoValue`: removes the property where it is used (typically inside `Fn.if`).
    public static var noValue: Value<T> { Value(node: .pseudo(.noValue)) }
}

extension Value: ExpressibleByUnicodeScalarLiteral where T == String {
    public init(unicodeScalarLiteral value: String) { self.node = .string(value) }
}
extension Value: ExpressibleByExtendedGraphemeClusterLiteral where T == String {
    public init(extendedGraphemeClusterLiteral value: String) { self.node = .string(value) }
}
extension Value: ExpressibleByStringLiteral where T == String {
    public init(stringLiteral value: String) { self.node = .string(value) }
}
extension Value: ExpressibleByStringInterpolation where T == String {
    /// Interpolating typed values builds an `Fn::Sub` (or a plain string when everything is literal):
    /// `"arn:\(Pseudo.partition):s3:::\(bucket.name)/*"`.
    public init(stringInterpolation: SubInterpolation) { self.node = stringInterpolation.build() }
}

/// Numeric types that accept integer literals in a `Value`.
public protocol IntegerLiteralTemplate: TemplateLiteral { init(_ value: Int) }
extension Int: IntegerLiteralTemplate {}
extension Double: IntegerLiteralTemplate {}

extension Value: ExpressibleByIntegerLiteral where T: IntegerLiteralTemplate {
    public init(integerLiteral value: Int) { self.node = T(value).templateValue }
}
extension Value: ExpressibleByFloatLiteral where T == Double {
    public init(floatLiteral value: Double) { self.node = value.templateValue }
}
extension Value: ExpressibleByBooleanLiteral where T == Bool {
    public init(booleanLiteral value: Bool) { self.node = .bool(value) }
}
extension Value: ExpressibleByArrayLiteral where T: TemplateList {
    public init(arrayLiteral elements: Value<T.Element>...) { self.node = .array(elements.map { $0.node }) }
}

extension Value where T: TemplateList {
    /// A list from typed elements, each a literal or an intrinsic.
    public init(_ elements: [Value<T.Element>]) { self.node = .array(elements.map { $0.node }) }
}

/// Builds `Fn::Sub` from Swift string interpolation, naming each interpolated value `${V0}`, `${V1}`, …
/// unless it is a pseudo parameter (written inline as `${AWS::Region}`) or a literal (inlined, with `${` escaped).
public struct SubInterpolation: StringInterpolationProtocol {
    private var template = ""
    private var plain = ""
    private var hasPlaceholder = false
    private var variables: [(String, TemplateValue)] = []

    public init(literalCapacity: Int, interpolationCount: Int) {}

    public mutating func appendLiteral(_ literal: String) { appendText(literal) }

    public mutating func appendInterpolation<U>(_ value: Value<U>) { append(value.node) }

    public mutating func appendInterpolation(_ value: String) { appendText(value) }

    public mutating func appendInterpolation(_ value: Int) { appendText(String(value)) }

    private mutating func appendText(_ text: String) {
        appendTemplate(Self.escape(text))
        plain += text
    }

    /// Appends already-escaped template text. A `$` ending one piece and a `{` starting the next would form
    /// a `${` neither piece escaped, so that pair is written as the escape `${!`.
    private mutating func appendTemplate(_ escaped: String) {
        if template.hasSuffix("$"), escaped.hasPrefix("{") {
            template += "{!" + escaped.dropFirst()
        } else {
            template += escaped
        }
    }

    mutating func append(_ node: TemplateValue) {
        switch node {
        case .string(let s): appendText(s)
        case .integer(let i): appendText(String(i))
        case .double(let d) where d.isFinite: appendText(JSONWriter.formatNumber(d))
        case .bool(let b): appendText(b ? "true" : "false")
        case .sub(let inner, let innerVariables) where innerVariables.isEmpty:
            // A variable-free Fn::Sub inlines into this one: one Fn::Sub instead of a nested pair.
            appendTemplate(inner)
            hasPlaceholder = true
        case .pseudo(let p) where p != .noValue:
            template += "${\(p.rawValue)}"
            hasPlaceholder = true
        default:
            hasPlaceholder = true
            let name = "V\(variables.count)"
            variables.append((name, node))
            template += "${\(name)}"
        }
    }

    func build() -> TemplateValue {
        if !hasPlaceholder { return .string(plain) }
        return .sub(template, variables)
    }

    static func escape(_ s: String) -> String {
        // Nearly every piece has no `$`; ASCII text is scanned by bytes; the rest keeps Foundation's search.
        var text = s
        guard text.withUTF8({ bytes in bytes.contains(UInt8(ascii: "$")) }) else { return s }
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return s.replacingOccurrences(of: "${", with: "${!") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 4)
        var previousIsDollar = false
        for byte in s.utf8 {
            bytes.append(byte)
            if previousIsDollar, byte == UInt8(ascii: "{") {
                bytes.append(UInt8(ascii: "!"))
                previousIsDollar = false
            } else {
                previousIsDollar = byte == UInt8(ascii: "$")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension DefaultStringInterpolation {
    /// A `Value` interpolated into a plain `String` would put its debug form (`Value<String>(node: …)`) into the
    /// template without any error; a `Value<String>` literal's own interpolation builds the `Fn::Sub` that was meant.
    @available(*, deprecated, message: "interpolating a Value into a plain String writes its debug form; make the literal a Value<String>, whose interpolation builds an Fn::Sub")
    public mutating func appendInterpolation<T>(_ value: Value<T>) { appendInterpolation(String(describing: value)) }
}
