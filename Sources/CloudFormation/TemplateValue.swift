/// An untyped CloudFormation value: JSON plus the intrinsic functions, before references are resolved.
///
/// Objects keep their keys in the order they were written, so a template reads in the order its
/// author (or the generator, which writes properties in alphabetical order) chose, and the output is deterministic.
/// Most code uses the typed `Value<T>` instead; `TemplateValue` is for JSON documents such as IAM
/// policies and for the generated resource types to render themselves.
public indirect enum TemplateValue {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([TemplateValue])
    case object([(String, TemplateValue)])

    /// `Ref` to a resource or parameter of some stack (resolved to `Fn::ImportValue` across stacks).
    case ref(TemplateElement)
    /// `Ref` to a pseudo parameter such as `AWS::Region`.
    case pseudo(PseudoParameter)
    /// `Fn::GetAtt` on a resource.
    case getAtt(AnyResource, String)
    /// `Fn::Sub` with its variables, written in the order given.
    case sub(String, [(String, TemplateValue)])
    case join(String, TemplateValue)
    case select(Int, TemplateValue)
    case split(String, TemplateValue)
    case importValue(TemplateValue)
    case findInMap(Mapping, TemplateValue, TemplateValue)
    case `if`(Condition, TemplateValue, TemplateValue)
    case getAZs(TemplateValue)
    case base64(TemplateValue)
    case cidr(TemplateValue, TemplateValue, TemplateValue)
    /// A dynamic reference such as `{{resolve:ssm:/name}}`: a string whose value CloudFormation fills in at deploy time.
    case dynamicReference(String)
    /// A condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, or `{"Condition": name}`).
    case conditionFunction(ConditionExpression)

    /// True when the value is a literal all the way down (no intrinsic function anywhere inside),
    /// so synth-time rules can check it. Intrinsics are only known at deploy time.
    public var isLiteral: Bool { isLiteral(finiteNumbersOnly: false) }

    /// A literal all the way down whose numbers are all finite: what synthesis writes as it is (a NaN or an
    /// infinity is reported, so such a value is not).
    var isFiniteLiteral: Bool { isLiteral(finiteNumbersOnly: true) }

    private func isLiteral(finiteNumbersOnly: Bool) -> Bool {
        switch self {
        case .string, .integer, .bool, .null: return true
        case .double(let d): return !finiteNumbersOnly || d.isFinite
        case .array(let items): return items.allSatisfy { $0.isLiteral(finiteNumbersOnly: finiteNumbersOnly) }
        case .object(let members): return members.allSatisfy { $0.1.isLiteral(finiteNumbersOnly: finiteNumbersOnly) }
        default: return false
        }
    }

    /// A short, human-readable rendering for error messages.
    public var debugDescription: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .integer(let i): return String(i)
        case .double(let d): return JSONWriter.formatNumber(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.debugDescription).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.map { "\"\($0.0)\": \($0.1.debugDescription)" }.joined(separator: ", ") + "}"
        case .ref(let element): return "Ref(\(element.path))"
        case .pseudo(let p): return "Ref(\(p.rawValue))"
        case .getAtt(let resource, let attribute): return "GetAtt(\(resource.path).\(attribute))"
        case .sub(let template, _): return "Sub(\"\(template)\")"
        case .join(let separator, _): return "Join(\"\(separator)\", …)"
        case .select(let index, _): return "Select(\(index), …)"
        case .split(let separator, _): return "Split(\"\(separator)\", …)"
        case .importValue(let name): return "ImportValue(\(name.debugDescription))"
        case .findInMap(let mapping, _, _): return "FindInMap(\(mapping.path), …)"
        case .if(let condition, _, _): return "If(\(condition.path), …)"
        case .getAZs: return "GetAZs(…)"
        case .base64: return "Base64(…)"
        case .cidr: return "Cidr(…)"
        case .dynamicReference(let reference): return reference
        case .conditionFunction: return "Condition(…)"
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    /// Keys keep the order of the literal.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension TemplateValue {
    /// An object from an unordered dictionary, keys sorted so the output is deterministic.
    public static func sortedObject(_ dictionary: [String: TemplateValue]) -> TemplateValue {
        .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The member of an object with that key, if any.
    public subscript(key: String) -> TemplateValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
}
