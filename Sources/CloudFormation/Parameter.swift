/// The CloudFormation parameter types this library supports, each tied to the Swift type of its value.
public enum ParameterType: String, Sendable {
    case string = "String"
    case number = "Number"
    case commaDelimitedList = "CommaDelimitedList"
    /// The value of an SSM parameter, read by CloudFormation on every deployment (the name is the parameter's default or override).
    case ssmString = "AWS::SSM::Parameter::Value<String>"
}

/// A template parameter. Its `value` is a `Ref` typed by the parameter's type.
public final class Parameter<T: TemplateLiteral>: TemplateElement {
    override var asParameter: AnyParameter? { self }
    override public var asResource: AnyResource? { nil }

    public let type: ParameterType
    public var description: String?
    public var defaultValue: TemplateValue?
    public var allowedValues: [TemplateValue]
    public var allowedPattern: String?
    public var constraintDescription: String?
    public var minLength: Int?
    public var maxLength: Int?
    public var minValue: Double?
    public var maxValue: Double?
    public var noEcho: Bool

    private init(_ stack: Stack, _ id: String, type: ParameterType, description: String?, defaultValue: TemplateValue?,
                 allowedValues: [TemplateValue], allowedPattern: String?, constraintDescription: String?,
                 minLength: Int?, maxLength: Int?, minValue: Double?, maxValue: Double?, noEcho: Bool) {
        self.type = type
        self.description = description
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
        self.allowedPattern = allowedPattern
        self.constraintDescription = constraintDescription
        self.minLength = minLength
        self.maxLength = maxLength
        self.minValue = minValue
        self.maxValue = maxValue
        self.noEcho = noEcho
        super.init(stack, id)
    }

    /// `Ref` to the parameter.
    public var value: Value<T> { Value(node: .ref(self)) }

    override public func validate(_ report: inout ValidationReport) {
        super.validate(&report)
        if let minLength, let maxLength, minLength > maxLength {
            report.error(self, property: "MinLength", value: String(minLength), rule: "must not exceed MaxLength (\(maxLength))")
        }
        if let minValue, let maxValue, minValue > maxValue {
            report.error(self, property: "MinValue", value: JSONWriter.formatNumber(minValue), rule: "must not exceed MaxValue (\(JSONWriter.formatNumber(maxValue)))")
        }
        if let allowedPattern, !PatternMatcher.isValid(allowedPattern) {
            report.error(self, property: "AllowedPattern", value: allowedPattern, rule: "must be a valid regular expression")
        }
        if type == .number, let defaultValue, let number = Double(templateValue: defaultValue) {
            let text = JSONWriter.formatNumber(number)
            if let minValue, number < minValue {
                report.error(self, property: "Default", value: text, rule: "must be at least \(JSONWriter.formatNumber(minValue)) (MinValue)")
            }
            if let maxValue, number > maxValue {
                report.error(self, property: "Default", value: text, rule: "must be at most \(JSONWriter.formatNumber(maxValue)) (MaxValue)")
            }
            if !allowedValues.isEmpty, !allowedValues.contains(where: { Double(templateValue: $0) == number }) {
                report.error(self, property: "Default", value: text, rule: "must be one of AllowedValues")
            }
        }
        guard case .string(let text)? = defaultValue else { return }
        if let minLength, text.count < minLength {
            report.error(self, property: "Default", value: text, rule: "length must be at least \(minLength) (MinLength)")
        }
        if let maxLength, text.count > maxLength {
            report.error(self, property: "Default", value: text, rule: "length must be at most \(maxLength) (MaxLength)")
        }
        if !allowedValues.isEmpty, !allowedValues.contains(where: { if case .string(text) = $0 { return true } else { return false } }) {
            report.error(self, property: "Default", value: text, rule: "must be one of AllowedValues")
        }
        if let allowedPattern, PatternMatcher.firstMatchExists("^(?:\(allowedPattern))$", in: text) == false {
            report.error(self, property: "Default", value: text, rule: "must match AllowedPattern \(allowedPattern)")
        }
    }
}

extension Parameter where T == String {
    /// A `String` parameter, or with `type: .ssmString` the value of the SSM parameter named by `default`.
    public convenience init(_ stack: Stack, _ id: String, type: ParameterType = .string, description: String? = nil,
                            default defaultValue: String? = nil, allowedValues: [String] = [], allowedPattern: String? = nil,
                            constraintDescription: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, noEcho: Bool = false) {
        precondition(type == .string || type == .ssmString, "a Parameter<String> is of type String or AWS::SSM::Parameter::Value<String>")
        self.init(stack, id, type: type, description: description, defaultValue: defaultValue.map(TemplateValue.string),
                  allowedValues: allowedValues.map(TemplateValue.string), allowedPattern: allowedPattern,
                  constraintDescription: constraintDescription, minLength: minLength, maxLength: maxLength,
                  minValue: nil, maxValue: nil, noEcho: noEcho)
    }
}

extension Parameter where T == Double {
    /// A `Number` parameter.
    public convenience init(_ stack: Stack, _ id: String, description: String? = nil, default defaultValue: Double? = nil,
                            allowedValues: [Double] = [], minValue: Double? = nil, maxValue: Double? = nil, noEcho: Bool = false) {
        self.init(stack, id, type: .number, description: description, defaultValue: defaultValue.map(\.templateValue),
                  allowedValues: allowedValues.map(\.templateValue), allowedPattern: nil, constraintDescription: nil,
                  minLength: nil, maxLength: nil, minValue: minValue, maxValue: maxValue, noEcho: noEcho)
    }
}

extension Parameter where T == [String] {
    /// A `CommaDelimitedList` parameter.
    public convenience init(_ stack: Stack, _ id: String, description: String? = nil, default defaultValue: [String]? = nil,
                            noEcho: Bool = false) {
        self.init(stack, id, type: .commaDelimitedList, description: description,
                  defaultValue: defaultValue.map { .string($0.joined(separator: ",")) }, allowedValues: [],
                  allowedPattern: nil, constraintDescription: nil, minLength: nil, maxLength: nil,
                  minValue: nil, maxValue: nil, noEcho: noEcho)
    }
}

/// A parameter of any type, as the synthesizer sees it.
protocol AnyParameter: TemplateElement {
    var parameterSection: TemplateValue { get }
    var type: ParameterType { get }
    var defaultValue: TemplateValue? { get }
    var description: String? { get }
}

extension Parameter: AnyParameter {
    var parameterSection: TemplateValue {
        var members: [(String, TemplateValue)] = [("Type", .string(type.rawValue))]
        if let description { members.append(("Description", .string(description))) }
        if let defaultValue { members.append(("Default", defaultValue)) }
        if !allowedValues.isEmpty { members.append(("AllowedValues", .array(allowedValues))) }
        if let allowedPattern { members.append(("AllowedPattern", .string(allowedPattern))) }
        if let constraintDescription { members.append(("ConstraintDescription", .string(constraintDescription))) }
        if let minLength { members.append(("MinLength", .integer(minLength))) }
        if let maxLength { members.append(("MaxLength", .integer(maxLength))) }
        if let minValue { members.append(("MinValue", minValue.templateValue)) }
        if let maxValue { members.append(("MaxValue", maxValue.templateValue)) }
        if noEcho { members.append(("NoEcho", .bool(true))) }
        return .object(members)
    }
}

import Foundation
