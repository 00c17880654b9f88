/// CloudFormation's per-template limits, enforced at synth time.
public enum TemplateLimits {
    public static let resources = 500
    public static let parameters = 200
    public static let outputs = 200
    public static let mappings = 200
    /// Largest template body CloudFormation accepts from S3.
    public static let bodyBytes = 1_000_000
    /// Largest template body accepted inline (`--template-body`); above it the template must be uploaded to S3.
    public static let inlineBodyBytes = 51_200
}

/// Turns an App into templates: validates, resolves references (adding exports and imports between stacks),
/// orders the stacks and renders canonical JSON.
struct Synthesizer {
    let app: App
    var report = ValidationReport()
    /// Exports each producing stack must add, by stack identity; values are ordered by first use.
    var exports: [ObjectIdentifier: [(outputId: String, exportName: String, value: TemplateValue)]] = [:]
    /// Stack dependencies: consumer → producers, with the reason for cycle messages.
    var dependencies: [ObjectIdentifier: [Stack]] = [:]

    init(app: App) { self.app = app }

    mutating func run() throws -> Synthesis {
        let stacks = app.stacks
        checkStackNames(stacks)
        for stack in stacks {
            for other in stack.explicitDependencies where other.app !== app {
                report.error(stack, property: "Dependencies", value: other.stackName, rule: "depends on a stack that is not in this app")
            }
        }
        var elements: [ObjectIdentifier: [TemplateElement]] = [:]
        for stack in stacks {
            elements[ObjectIdentifier(stack)] = collectElements(of: stack)
        }
        for stack in stacks {
            stack.validate(&report)
            for construct in stack.descendants {
                construct.validate(&report)
                if let resource = construct.asResource {
                    var issues: [PropertyIssue] = []
                    resource.validateProperties(&issues)
                    for issue in issues {
                        report.error(resource, property: issue.property, value: issue.value, rule: issue.rule)
                    }
                }
            }
        }
        // Render resources and outputs first: that is where cross-stack exports are discovered.
        var bodies: [ObjectIdentifier: RenderedStack] = [:]
        for stack in stacks {
            bodies[ObjectIdentifier(stack)] = render(stack, elements: elements[ObjectIdentifier(stack)] ?? [])
        }
        let ordered = deploymentOrder(stacks)
        var artifacts: [StackArtifact] = []
        for stack in ordered {
            guard var rendered = bodies[ObjectIdentifier(stack)] else { continue }
            for export in exports[ObjectIdentifier(stack)] ?? [] {
                if rendered.outputs.contains(where: { $0.0 == export.outputId }) {
                    report.error(path: stack.path, property: "Outputs", value: export.outputId,
                                 rule: "an output of this stack already uses the logical ID of the export a cross-stack reference needs; rename the output")
                    continue
                }
                rendered.outputs.append((export.outputId, .object([
                    ("Value", export.value),
                    ("Export", .object([("Name", .string(export.exportName))])),
                ])))
                rendered.outputSummaries.append(.init(name: export.outputId, exportName: export.exportName))
            }
            checkLimits(stack, rendered)
            let template = rendered.template(description: stack.templateDescription)
            let body = JSONWriter.write(template)
            if body.utf8.count > TemplateLimits.bodyBytes {
                report.error(path: stack.path, property: "Template", value: "\(body.utf8.count) bytes",
                             rule: "a template body must be at most \(TemplateLimits.bodyBytes) bytes")
            } else if body.utf8.count > TemplateLimits.inlineBodyBytes {
                report.warning(path: stack.path, property: "Template", value: "\(body.utf8.count) bytes",
                               rule: "above \(TemplateLimits.inlineBodyBytes) bytes the template must be uploaded through S3 (use --s3-bucket with aws cloudformation deploy)")
            }
            artifacts.append(StackArtifact(
                name: stack.stackName,
                fileName: stack.templateFileName,
                body: body,
                dependencies: producers(of: stack).map(\.stackName),
                parameters: rendered.parameterSummaries,
                outputs: rendered.outputSummaries,
                resourceCount: rendered.resources.count))
        }
        let errors = report.errors
        if !errors.isEmpty { throw SynthesisError(errors: errors, warnings: report.warnings) }
        return Synthesis(stacks: artifacts, warnings: report.warnings)
    }

    // MARK: Names and logical IDs

    private mutating func checkStackNames(_ stacks: [Stack]) {
        var seen: [String: Stack] = [:]
        for stack in stacks {
            if let first = seen[stack.stackName] {
                report.error(path: stack.path, property: "StackName", value: "\"\(stack.stackName)\"",
                             rule: "duplicate stack name: also used by the stack created first at \(first.path)")
            }
            seen[stack.stackName] = seen[stack.stackName] ?? stack
        }
        if stacks.isEmpty { report.error(path: "App", rule: "the app has no stacks") }
        for child in app.children where !(child is Stack) {
            report.error(path: child.path, rule: "only stacks may be placed directly in the app; put this construct inside a stack")
        }
    }

    /// Every template element of a stack, checking duplicate ids within a scope and duplicate logical IDs.
    private mutating func collectElements(of stack: Stack) -> [TemplateElement] {
        var result: [TemplateElement] = []
        // One hash per key (`updateValue`, putting the first back on the rare duplicate) and room reserved up
        // front: a growing dictionary hashes every key again at each doubling.
        var byLogicalId: [String: TemplateElement] = [:]
        byLogicalId.reserveCapacity(stack.children.count)
        func walk(_ node: Construct) {
            var ids: [String: Construct] = [:]
            if node.children.count > 1 { ids.reserveCapacity(node.children.count) }
            for child in node.children {
                if node.children.count > 1, let first = ids.updateValue(child, forKey: child.id) {
                    ids[child.id] = first
                    report.error(path: child.path, property: "id", value: "\"\(child.id)\"",
                                 rule: "duplicate construct id in \(node.path.isEmpty ? "the app" : node.path): \(first.path) already uses it")
                }
                if child is Stack { continue }
                if let element = child as? TemplateElement {
                    let logicalId = element.logicalId
                    if !LogicalID.isValid(logicalId) {
                        report.error(element, property: "LogicalId", value: "\"\(logicalId)\"", rule: LogicalID.rule)
                    } else if let first = byLogicalId.updateValue(element, forKey: logicalId) {
                        byLogicalId[logicalId] = first
                        report.error(element, property: "LogicalId", value: "\"\(logicalId)\"",
                                     rule: "duplicate logical ID: \(first.path) and \(element.path) both map to it")
                    }
                    result.append(element)
                }
                walk(child)
            }
        }
        walk(stack)
        return result
    }

    // MARK: Rendering

    private mutating func render(_ stack: Stack, elements: [TemplateElement]) -> RenderedStack {
        var rendered = RenderedStack()
        for element in elements {
            if let parameter = element.asParameter {
                rendered.parameters.append((parameter.logicalId, parameter.parameterSection))
                rendered.parameterSummaries.append(.init(
                    name: parameter.logicalId, type: parameter.type.rawValue,
                    defaultValue: parameter.defaultValue.flatMap { if case .string(let s) = $0 { s } else { $0.debugDescription } },
                    description: parameter.description))
            } else if let mapping = element as? Mapping {
                rendered.mappings.append((mapping.logicalId, .object(mapping.entries.sorted { $0.key < $1.key }.map { top in
                    (top.key, .object(top.value.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
                })))
            } else if let condition = element as? Condition {
                let resolved = resolveCondition(condition.expression, in: stack, owner: condition, property: "Condition")
                rendered.conditions.append((condition.logicalId, resolved))
            } else if let resource = element.asResource {
                rendered.resources.append((resource.logicalId, renderResource(resource, in: stack)))
            } else if let output = element as? Output {
                var members: [(String, TemplateValue)] = []
                if let description = output.description { members.append(("Description", .string(description))) }
                members.append(("Value", resolve(output.value, in: stack, owner: output, property: "Value")))
                if let exportName = output.exportName {
                    members.append(("Export", .object([("Name", resolve(exportName.node, in: stack, owner: output, property: "Export.Name"))])))
                }
                if let condition = output.condition {
                    members.append(("Condition", .string(sameStackName(condition, in: stack, owner: output, property: "Condition"))))
                }
                rendered.outputs.append((output.logicalId, .object(members)))
                rendered.outputSummaries.append(.init(name: output.logicalId, exportName: output.exportName?.literal))
            }
        }
        return rendered
    }

    private mutating func renderResource(_ resource: AnyResource, in stack: Stack) -> TemplateValue {
        var members: [(String, TemplateValue)] = [("Type", .string(resource.resourceType))]
        if let condition = resource.condition {
            members.append(("Condition", .string(sameStackName(condition, in: stack, owner: resource, property: "Condition"))))
        }
        var dependsOn: [String] = []
        for dependency in resource.dependencies {
            if dependency.enclosingStack === stack {
                dependsOn.append(dependency.logicalId)
            } else if let other = dependency.enclosingStack, other.app === app {
                addStackDependency(from: stack, to: other)
            } else {
                report.error(resource, property: "DependsOn", value: dependency.path, rule: "depends on a resource that is not in this app")
            }
        }
        if !dependsOn.isEmpty { members.append(("DependsOn", .array(dependsOn.sorted().map(TemplateValue.string)))) }
        let properties = resolve(resource.templateProperties(), in: stack, owner: resource, property: "")
        if case .object(let entries) = properties, !entries.isEmpty { members.append(("Properties", properties)) }
        if let policy = resource.deletionPolicy { members.append(("DeletionPolicy", .string(policy.rawValue))) }
        if let policy = resource.updateReplacePolicy { members.append(("UpdateReplacePolicy", .string(policy.rawValue))) }
        if !resource.metadata.isEmpty {
            members.append(("Metadata", resolve(.object(resource.metadata), in: stack, owner: resource, property: "Metadata")))
        }
        return .object(members)
    }

    /// The logical ID of a condition, which must be in the same stack (conditions cannot be imported).
    private mutating func sameStackName(_ condition: Condition, in stack: Stack, owner: Construct, property: String) -> String {
        if condition.enclosingStack !== stack {
            report.error(owner, property: property, value: condition.path, rule: "uses a condition of another stack; conditions cannot cross stacks")
        }
        return condition.logicalId
    }

    private mutating func resolveCondition(_ expression: ConditionExpression, in stack: Stack, owner: Construct, property: String) -> TemplateValue {
        switch expression {
        case .equals(let a, let b):
            for used in [a, b].compactMap({ Self.notAllowedInCondition($0, in: stack) }) {
                report.error(owner, property: property, value: used,
                             rule: "condition functions may use parameters of this stack, pseudo parameters and mappings, not resources or imports (CloudFormation rejects them in Conditions)")
            }
            return ["Fn::Equals": .array([resolve(a, in: stack, owner: owner, property: property), resolve(b, in: stack, owner: owner, property: property)])]
        case .not(let inner):
            return ["Fn::Not": .array([resolveCondition(inner, in: stack, owner: owner, property: property)])]
        case .and(let items), .or(let items):
            let name = if case .and = expression { "Fn::And" } else { "Fn::Or" }
            if !(2...10).contains(items.count) {
                report.error(owner, property: property, value: "\(items.count) conditions", rule: "\(name) takes 2 to 10 conditions")
            }
            return .object([(name, .array(items.map { resolveCondition($0, in: stack, owner: owner, property: property) }))])
        case .condition(let condition):
            return ["Condition": .string(sameStackName(condition, in: stack, owner: owner, property: property))]
        }
    }

    /// The first resource, import or construct of another stack (which becomes an import) that a condition operand uses.
    private static func notAllowedInCondition(_ value: TemplateValue, in stack: Stack) -> String? {
        func first(_ values: [TemplateValue]) -> String? { values.lazy.compactMap { notAllowedInCondition($0, in: stack) }.first }
        switch value {
        case .ref(let element): return element.asResource != nil || element.enclosingStack !== stack ? element.path : nil
        case .getAtt(let resource, let attribute): return "\(resource.path).\(attribute)"
        case .importValue: return "Fn::ImportValue"
        case .array(let items): return first(items)
        case .object(let members): return first(members.map(\.1))
        case .sub(_, let variables): return first(variables.map(\.1))
        case .join(_, let inner), .select(_, let inner), .split(_, let inner), .getAZs(let inner), .base64(let inner): return first([inner])
        case .findInMap(_, let a, let b), .if(_, let a, let b): return first([a, b])
        case .cidr(let a, let b, let c): return first([a, b, c])
        default: return nil
        }
    }

    /// Resolves intrinsics to their JSON form; references to another stack become `Fn::ImportValue` of an export added to the producer.
    mutating func resolve(_ value: TemplateValue, in stack: Stack, owner: Construct, property: String) -> TemplateValue {
        func child(_ value: TemplateValue, _ suffix: String) -> TemplateValue {
            resolve(value, in: stack, owner: owner, property: property.isEmpty ? suffix : suffix.hasPrefix("[") ? property + suffix : property + "." + suffix)
        }
        switch value {
        case .string, .integer, .bool, .null:
            return value
        case .double(let d):
            if !d.isFinite { report.error(owner, property: property, value: String(d), rule: "numbers must be finite") }
            return value
        case .array(let items):
            // A literal subtree (`isFiniteLiteral`) resolves to itself: no new tree, no property paths.
            return Self.resolvingMembers(items, keep: { $0.isFiniteLiteral }, resolve: { child($1, "[\($0)]") }).map { .array($0) } ?? value
        case .object(let members):
            return Self.resolvingMembers(members, keep: { $0.1.isFiniteLiteral }, resolve: { ($1.0, child($1.1, $1.0)) })
                .map { .object($0) } ?? value
        case .pseudo(let pseudo):
            return ["Ref": .string(pseudo.rawValue)]
        case .ref(let element):
            guard element.asResource != nil || element.asParameter != nil else {
                report.error(owner, property: property, value: element.path, rule: "Ref must name a resource or a parameter")
                return ["Ref": .string(element.logicalId)]
            }
            return reference(to: element, attribute: nil, from: stack, owner: owner, property: property)
        case .getAtt(let resource, let attribute):
            if !resource.attributeNames.contains(attribute) {
                let valid = resource.attributeNames.sorted().joined(separator: ", ")
                report.error(owner, property: property, value: "\(resource.path).\(attribute)",
                             rule: "\(resource.resourceType) has no attribute \(attribute)" + (valid.isEmpty ? " (it has none)" : "; valid: \(valid)"))
            }
            return reference(to: resource, attribute: attribute, from: stack, owner: owner, property: property)
        case .sub(let template, let variables):
            checkSubPlaceholders(template, variables: Set(variables.map(\.0)), owner: owner, property: property)
            if variables.isEmpty { return ["Fn::Sub": .string(template)] }
            let resolvedVariables = TemplateValue.object(variables.map { ($0.0, child($0.1, "Fn::Sub.\($0.0)")) })
            return ["Fn::Sub": .array([.string(template), resolvedVariables])]
        case .join(let separator, let list):
            return ["Fn::Join": .array([.string(separator), child(list, "Fn::Join")])]
        case .select(let index, let list):
            if index < 0 { report.error(owner, property: property, value: String(index), rule: "Fn::Select index must not be negative") }
            if case .array(let items) = list, index >= items.count {
                report.error(owner, property: property, value: String(index), rule: "Fn::Select index must be less than the list's length (\(items.count))")
            }
            return ["Fn::Select": .array([.integer(index), child(list, "Fn::Select")])]
        case .split(let separator, let source):
            return ["Fn::Split": .array([.string(separator), child(source, "Fn::Split")])]
        case .importValue(let name):
            return ["Fn::ImportValue": child(name, "Fn::ImportValue")]
        case .findInMap(let mapping, let top, let second):
            if mapping.enclosingStack !== stack {
                report.error(owner, property: property, value: mapping.path, rule: "Fn::FindInMap uses a mapping of another stack")
            }
            if case .string(let topKey) = top, case .string(let secondKey) = second, mapping.entries[topKey]?[secondKey] == nil {
                report.error(owner, property: property, value: "\(topKey)/\(secondKey)", rule: "mapping \(mapping.logicalId) has no such keys")
            }
            return ["Fn::FindInMap": .array([.string(mapping.logicalId), child(top, "Fn::FindInMap"), child(second, "Fn::FindInMap")])]
        case .if(let condition, let whenTrue, let whenFalse):
            let name = sameStackName(condition, in: stack, owner: owner, property: property)
            return ["Fn::If": .array([.string(name), child(whenTrue, "Fn::If"), child(whenFalse, "Fn::If")])]
        case .getAZs(let region):
            return ["Fn::GetAZs": child(region, "Fn::GetAZs")]
        case .base64(let inner):
            return ["Fn::Base64": child(inner, "Fn::Base64")]
        case .cidr(let block, let count, let bits):
            return ["Fn::Cidr": .array([child(block, "Fn::Cidr"), child(count, "Fn::Cidr"), child(bits, "Fn::Cidr")])]
        case .dynamicReference(let text):
            return .string(text)
        case .conditionFunction(let expression):
            return resolveCondition(expression, in: stack, owner: owner, property: property)
        }
    }

    /// The members of an array or object with those that `keep` rejects resolved, or nil when every member is kept
    /// (the container then stays as it is). Each member is checked once (not the whole value first and then each
    /// member again, which scanned deep trees once per level); a new list is made from the first member that changes.
    static func resolvingMembers<Member>(_ members: [Member], keep: (Member) -> Bool, resolve: (Int, Member) -> Member) -> [Member]? {
        var resolved: [Member]?
        for (index, member) in members.enumerated() {
            if keep(member) {
                resolved?.append(member)
                continue
            }
            if resolved == nil {
                resolved = []
                resolved!.reserveCapacity(members.count)
                resolved!.append(contentsOf: members[..<index])
            }
            resolved!.append(resolve(index, member))
        }
        return resolved
    }

    /// `Ref`/`GetAtt` in the same stack, or an import of an export the producer gets.
    private mutating func reference(to element: TemplateElement, attribute: String?, from stack: Stack,
                                    owner: Construct, property: String) -> TemplateValue {
        let local: TemplateValue = attribute.map { ["Fn::GetAtt": .array([.string(element.logicalId), .string($0)])] }
            ?? ["Ref": .string(element.logicalId)]
        guard let producer = element.enclosingStack, producer.app === app else {
            report.error(owner, property: property, value: element.path, rule: "references a construct that is not in this app")
            return local
        }
        if producer === stack { return local }
        var suffix = "Ref"
        if let attribute {
            suffix = ""
            for part in attribute.split(separator: ".") { suffix += LogicalID.sanitize(String(part)) }
        }
        let outputId = "Export\(element.logicalId)\(suffix)"
        let exportName = "\(producer.stackName):\(element.logicalId)\(suffix)"
        let key = ObjectIdentifier(producer)
        if let existing = (exports[key] ?? []).first(where: { $0.outputId == outputId }) {
            // Two different values can map to one name (`Db` + `Endpoint.Address` and `DbEndpoint` + `Address`).
            if JSONWriter.write(existing.value) != JSONWriter.write(local) {
                report.error(owner, property: property, value: element.path + (attribute.map { ".\($0)" } ?? ""),
                             rule: "its cross-stack export \(exportName) is already used for another value (\(existing.value.debugDescription)); rename one of the constructs")
            }
        } else {
            exports[key, default: []].append((outputId, exportName, local))
        }
        addStackDependency(from: stack, to: producer)
        return ["Fn::ImportValue": .string(exportName)]
    }

    private mutating func addStackDependency(from consumer: Stack, to producer: Stack) {
        let key = ObjectIdentifier(consumer)
        if !(dependencies[key] ?? []).contains(where: { $0 === producer }) {
            dependencies[key, default: []].append(producer)
        }
    }

    private mutating func checkSubPlaceholders(_ template: String, variables: Set<String>, owner: Construct, property: String) {
        let placeholders = SubPlaceholders(template)
        for name in placeholders.names {
            if variables.contains(name) || PseudoParameter(rawValue: name) != nil { continue }
            report.error(owner, property: property, value: "${\(name)}",
                         rule: "Fn::Sub placeholder names neither a variable nor a pseudo parameter (dangling reference; pass the value in the variables map)")
        }
        if placeholders.unclosed {
            report.error(owner, property: property, value: "\"\(template)\"", rule: "Fn::Sub has an unclosed ${")
        }
    }

    // MARK: Ordering and limits

    private func producers(of stack: Stack) -> [Stack] {
        var result = dependencies[ObjectIdentifier(stack)] ?? []
        for explicit in stack.explicitDependencies where !result.contains(where: { $0 === explicit }) {
            result.append(explicit)
        }
        return result.sorted { $0.stackName < $1.stackName }
    }

    /// Stacks with producers first; ties keep creation order. A cycle is reported with its chain.
    private mutating func deploymentOrder(_ stacks: [Stack]) -> [Stack] {
        var order: [Stack] = []
        var done = Set<ObjectIdentifier>()
        var visiting: [Stack] = []
        var reportedCycle = false
        func visit(_ stack: Stack) {
            let key = ObjectIdentifier(stack)
            if done.contains(key) { return }
            if let start = visiting.firstIndex(where: { $0 === stack }) {
                if !reportedCycle {
                    let chain = (visiting[start...] + [stack]).map(\.stackName).joined(separator: " → ")
                    report.error(path: stack.path, property: "Dependencies", value: chain,
                                 rule: "stacks depend on each other in a cycle (each uses a value of the next); move the shared resource into one stack")
                    reportedCycle = true
                }
                return
            }
            visiting.append(stack)
            for producer in producers(of: stack) where producer.app === app { visit(producer) }
            visiting.removeLast()
            done.insert(key)
            order.append(stack)
        }
        stacks.forEach(visit)
        return order
    }

    private mutating func checkLimits(_ stack: Stack, _ rendered: RenderedStack) {
        let limits: [(String, Int, Int)] = [
            ("Resources", rendered.resources.count, TemplateLimits.resources),
            ("Parameters", rendered.parameters.count, TemplateLimits.parameters),
            ("Outputs", rendered.outputs.count, TemplateLimits.outputs),
            ("Mappings", rendered.mappings.count, TemplateLimits.mappings),
        ]
        for (section, count, limit) in limits where count > limit {
            report.error(path: stack.path, property: section, value: "\(count)", rule: "a template may have at most \(limit) \(section.lowercased())")
        }
        if rendered.resources.isEmpty {
            report.error(path: stack.path, property: "Resources", value: "0", rule: "a template must have at least one resource")
        }
    }
}

/// The sections of one stack's template, each in the order its elements were created.
struct RenderedStack {
    var parameters: [(String, TemplateValue)] = []
    var mappings: [(String, TemplateValue)] = []
    var conditions: [(String, TemplateValue)] = []
    var resources: [(String, TemplateValue)] = []
    var outputs: [(String, TemplateValue)] = []
    var parameterSummaries: [StackArtifact.ParameterSummary] = []
    var outputSummaries: [StackArtifact.OutputSummary] = []

    /// The template with its sections in CloudFormation's conventional order; empty sections are left out.
    func template(description: String?) -> TemplateValue {
        var members: [(String, TemplateValue)] = [("AWSTemplateFormatVersion", "2010-09-09")]
        if let description { members.append(("Description", .string(description))) }
        for (name, entries) in [("Parameters", parameters), ("Mappings", mappings), ("Conditions", conditions),
                                ("Resources", resources), ("Outputs", outputs)] where !entries.isEmpty {
            members.append((name, .object(entries)))
        }
        return .object(members)
    }
}
