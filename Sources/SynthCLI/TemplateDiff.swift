import AWSResources
import CloudFormation
import Foundation

/// A template in the diff directory cannot be read.
struct DiffError: Error, CustomStringConvertible {
    var description: String
}

/// One changed value: where, before and after (nil: absent), and whether the change replaces the resource.
struct PropertyChange {
    var path: String
    var old: TemplateValue?
    var new: TemplateValue?
    /// Set when the value changes only at deploy time, because it refers to a replaced resource.
    var because: String?
    var replaces = false
}

/// A resource, parameter, output, mapping or condition that was added, removed or modified.
struct EntryDiff {
    enum Change { case added, removed, modified }
    var id: String
    var type: String?
    var change: Change
    var replaced = false
    var changes: [PropertyChange] = []
}

struct StackDiff {
    enum Status { case added, removed, modified, unchanged }
    var name: String
    var file: String
    var status: Status
    /// Section name (`Resources`, `Parameters` …) → entries, in template section order.
    var sections: [(String, [EntryDiff])] = []
    var hazards: [String] = []
}

/// What `--diff` found, per stack.
struct DiffReport {
    var stacks: [StackDiff]

    var hasDifferences: Bool { stacks.contains { $0.status != .unchanged } }

    func render(directory: String, color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var lines: [String] = []
        var counts = (added: 0, removed: 0, modified: 0, replaced: 0, hazards: 0, stacks: 0)
        for stack in stacks {
            switch stack.status {
            case .unchanged:
                lines.append("Stack \(stack.name): no changes")
                continue
            case .added: lines.append(paint("+ Stack \(stack.name): new (no \(directory)/\(stack.file))", "32"))
            case .removed: lines.append(paint("- Stack \(stack.name): removed (the app no longer makes \(directory)/\(stack.file))", "31"))
            case .modified: lines.append(paint("~ Stack \(stack.name)", "1"))
            }
            counts.stacks += 1
            for (section, entries) in stack.sections {
                lines.append("  \(section)")
                for entry in entries {
                    let label = entry.type.map { "\(entry.id) (\($0))" } ?? entry.id
                    switch entry.change {
                    case .added:
                        lines.append(paint("  + \(label)", "32"))
                        if section == "Resources" { counts.added += 1 }
                    case .removed:
                        lines.append(paint("  - \(label)", "31"))
                        if section == "Resources" { counts.removed += 1 }
                    case .modified:
                        if section == "Resources" { counts.modified += 1 }
                        if entry.replaced {
                            counts.replaced += 1
                            lines.append(paint("  ~ \(label)", "33") + " " + paint("will be REPLACED", "1;31"))
                        } else {
                            lines.append(paint("  ~ \(label)", "33") + (section == "Resources" ? " updated in place" : ""))
                        }
                        for change in entry.changes {
                            var text = "      \(change.path): "
                            if let because = change.because {
                                text += "changes at deploy time because \(because)"
                            } else {
                                text += "\(change.old.map { TemplateJSON.compact($0, limit: 400) } ?? "(absent)") → \(change.new.map { TemplateJSON.compact($0, limit: 400) } ?? "(absent)")"
                            }
                            if change.replaces { text += " " + paint("→ replacement", "1;31") }
                            lines.append(text)
                        }
                    }
                }
            }
            if !stack.hazards.isEmpty {
                lines.append("  Hazards")
                for hazard in stack.hazards { lines.append(paint("  ! \(hazard)", "1;31")) }
                counts.hazards += stack.hazards.count
            }
        }
        if !hasDifferences {
            lines.append("No differences against \(directory) (\(stacks.count) stack\(stacks.count == 1 ? "" : "s")).")
        } else {
            lines.append("")
            lines.append("\(counts.stacks) of \(stacks.count) stacks differ: resources \(counts.added) added, \(counts.modified) modified "
                + "(\(counts.replaced) replaced), \(counts.removed) removed; \(counts.hazards) hazard\(counts.hazards == 1 ? "" : "s").")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Compares synthesized templates with those in a directory, as CloudFormation would update them.
enum TemplateDiff {
    /// Reads the directory's templates and compares. `includeRemovedStacks`: a full synth, so templates no stack makes are removed stacks.
    static func compare(_ synthesis: Synthesis, with directory: URL, includeRemovedStacks: Bool) throws(DiffError) -> DiffReport {
        guard FileContents.isDirectory(directory.path) == true else {
            throw DiffError(description: "cannot diff against \(directory.path): it is not a directory (synthesize once, or pass the directory of the deployed templates)")
        }
        func read(_ file: String) throws(DiffError) -> TemplateValue? {
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            do {
                return try TemplateJSON.parse(String(decoding: data, as: UTF8.self))
            } catch {
                throw DiffError(description: "\(url.path): \(error.description)")
            }
        }
        var pairs: [(name: String, file: String, old: TemplateValue?, new: TemplateValue?)] = []
        for stack in synthesis.stacks {
            let new = try? TemplateJSON.parse(stack.body)
            pairs.append((stack.name, stack.fileName, try read(stack.fileName), new))
        }
        if includeRemovedStacks {
            let made = Set(synthesis.stacks.map(\.fileName))
            let names = TemplateDirectory.ownedFiles(inDirectoryAt: directory.path)
                .filter { $0.hasSuffix(".template.json") && !made.contains($0) }
            for file in names {
                pairs.append((String(file.dropLast(".template.json".count)), file, try read(file), nil))
            }
        }
        // Imports of the deployed templates (the old ones) and of the new ones: export name → importing stacks.
        var importers: [String: Set<String>] = [:]
        for pair in pairs {
            for template in [pair.old, pair.new].compactMap({ $0 }) {
                for name in imports(in: template) { importers[name, default: []].insert(pair.name) }
            }
        }
        var report = DiffReport(stacks: pairs.map { diffStack($0.name, file: $0.file, old: $0.old, new: $0.new) })
        // Export hazards need every stack: an export removed or changed while another stack imports it.
        for index in report.stacks.indices {
            let pair = pairs[index]
            report.stacks[index].hazards += exportHazards(stack: pair.name, old: pair.old, new: pair.new,
                                                          replaced: replacedIds(report.stacks[index]), importers: importers)
            if !report.stacks[index].hazards.isEmpty, report.stacks[index].status == .unchanged {
                report.stacks[index].status = .modified
            }
        }
        return report
    }

    // MARK: One stack

    static func members(_ value: TemplateValue?, _ key: String) -> [(String, TemplateValue)] {
        if case .object(let members)? = value?[key] { return members }
        return []
    }

    static func replacedIds(_ stack: StackDiff) -> Set<String> {
        Set(stack.sections.first { $0.0 == "Resources" }?.1.filter(\.replaced).map(\.id) ?? [])
    }

    static func diffStack(_ name: String, file: String, old: TemplateValue?, new: TemplateValue?) -> StackDiff {
        var stack = StackDiff(name: name, file: file, status: .unchanged)
        switch (old, new) {
        case (nil, nil): return stack
        case (nil, _): stack.status = .added
        case (_, nil): stack.status = .removed
        default: break
        }
        for section in ["Parameters", "Mappings", "Conditions", "Resources", "Outputs"] {
            var entries = diffSection(members(old, section), members(new, section), isResources: section == "Resources")
            if section == "Resources" {
                propagateReplacements(&entries, new: members(new, section))
                stack.hazards += resourceHazards(entries, old: members(old, section), new: members(new, section))
            }
            if !entries.isEmpty { stack.sections.append((section, entries)) }
        }
        if let old, let new, !TemplateJSON.equal(old["Description"] ?? .null, new["Description"] ?? .null) {
            stack.sections.insert(("Description", [EntryDiff(id: "Description", change: .modified,
                                                              changes: [PropertyChange(path: "Description", old: old["Description"], new: new["Description"])])]), at: 0)
        }
        if stack.status == .unchanged, !stack.sections.isEmpty { stack.status = .modified }
        return stack
    }

    static func diffSection(_ old: [(String, TemplateValue)], _ new: [(String, TemplateValue)], isResources: Bool) -> [EntryDiff] {
        var entries: [EntryDiff] = []
        let oldById = Dictionary(old, uniquingKeysWith: { a, _ in a })
        let newIds = Set(new.map(\.0))
        for (id, value) in new {
            let type = isResources ? value["Type"]?.stringValue : nil
            guard let before = oldById[id] else {
                entries.append(EntryDiff(id: id, type: type, change: .added))
                continue
            }
            if TemplateJSON.equal(before, value) { continue }
            var entry = EntryDiff(id: id, type: type, change: .modified)
            if isResources {
                let oldType = before["Type"]?.stringValue
                if oldType != type {
                    entry.changes.append(PropertyChange(path: "Type", old: before["Type"], new: value["Type"], replaces: true))
                }
                var changes: [PropertyChange] = []
                diffValues(before["Properties"] ?? .object([]), value["Properties"] ?? .object([]), path: "", into: &changes)
                for index in changes.indices { changes[index].replaces = replaces(type: type ?? "", path: changes[index].path) }
                entry.changes += changes
                for attribute in ["Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"] {
                    var attributeChanges: [PropertyChange] = []
                    diffValues(before[attribute] ?? .null, value[attribute] ?? .null, path: attribute, into: &attributeChanges)
                    entry.changes += attributeChanges.map { change in
                        var change = change
                        if case .null? = change.old { change.old = nil }
                        if case .null? = change.new { change.new = nil }
                        return change
                    }
                }
                entry.replaced = entry.changes.contains(where: \.replaces)
            } else {
                diffValues(before, value, path: "", into: &entry.changes)
            }
            entries.append(entry)
        }
        for (id, value) in old where !newIds.contains(id) {
            entries.append(EntryDiff(id: id, type: isResources ? value["Type"]?.stringValue : nil, change: .removed))
        }
        return entries
    }

    /// Every leaf that differs, with its property path (`A.B[0].C`). In arrays of another length, items are added or removed.
    static func diffValues(_ old: TemplateValue, _ new: TemplateValue, path: String, into changes: inout [PropertyChange]) {
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        switch (old, new) {
        case (.object(let a), .object(let b)):
            let oldByKey = Dictionary(a, uniquingKeysWith: { x, _ in x })
            let newKeys = Set(b.map(\.0))
            for (key, value) in b {
                if let before = oldByKey[key] {
                    diffValues(before, value, path: child(key), into: &changes)
                } else {
                    changes.append(PropertyChange(path: child(key), old: nil, new: value))
                }
            }
            for (key, value) in a where !newKeys.contains(key) {
                changes.append(PropertyChange(path: child(key), old: value, new: nil))
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for index in a.indices { diffValues(a[index], b[index], path: "\(path)[\(index)]", into: &changes) }
        case (.array(let a), .array(let b)):
            // Items kept (equal, in order) are matched; the others are reported as removed (old index) or added (new index).
            var keptOld = Set<Int>(), keptNew = Set<Int>()
            var next = 0
            for (index, item) in a.enumerated() {
                if let match = (next..<max(next, b.count)).first(where: { TemplateJSON.equal(b[$0], item) }) {
                    keptOld.insert(index)
                    keptNew.insert(match)
                    next = match + 1
                }
            }
            for index in a.indices where !keptOld.contains(index) { changes.append(PropertyChange(path: "\(path)[\(index)]", old: a[index], new: nil)) }
            for index in b.indices where !keptNew.contains(index) { changes.append(PropertyChange(path: "\(path)[\(index)]", old: nil, new: b[index])) }
        default:
            if !TemplateJSON.equal(old, new) { changes.append(PropertyChange(path: path, old: old, new: new)) }
        }
    }

    /// `ProductionVariants[0].ModelName` without indices: `ProductionVariants.ModelName`.
    static func schemaPath(_ path: String) -> String {
        var result = ""
        var depth = 0
        for character in path {
            if character == "[" { depth += 1 } else if character == "]" { depth -= 1 } else if depth == 0 { result.append(character) }
        }
        return result
    }

    /// Whether a change at `path` replaces a resource of `type`: the path is at or below a create-only property.
    static func replaces(type: String, path: String) -> Bool {
        replaces(path: path, createOnly: CreateOnlyProperties.paths[type] ?? [])
    }

    /// Whether `path` (with indices) is at or below one of the create-only paths (dotted, without indices).
    static func replaces(path: String, createOnly: [String]) -> Bool {
        let normalized = schemaPath(path)
        return createOnly.contains { normalized == $0 || normalized.hasPrefix($0 + ".") }
    }

    /// Logical IDs a value refers to (`Ref`, `Fn::GetAtt`, `${Id}`/`${Id.Attr}` in `Fn::Sub`), with the property path of each use.
    static func references(in value: TemplateValue, path: String, into found: inout [(id: String, path: String)]) {
        switch value {
        case .object(let members):
            if members.count == 1 {
                let (key, inner) = members[0]
                switch key {
                case "Ref": if let id = inner.stringValue, !id.hasPrefix("AWS::") { found.append((id, path)) }; return
                case "Fn::GetAtt":
                    if let id = inner[0]?.stringValue { found.append((id, path)) }
                    else if let dotted = inner.stringValue, let id = dotted.split(separator: ".").first { found.append((String(id), path)) }
                    return
                case "Fn::Sub":
                    let text = inner.stringValue ?? inner[0]?.stringValue ?? ""
                    var variables = Set<String>()
                    if case .object(let map)? = inner[1] { variables = Set(map.map(\.0)) }
                    for name in SubPlaceholders(text).names where !variables.contains(name) {
                        let id = String(name.split(separator: ".").first ?? "")
                        if !id.hasPrefix("AWS::") { found.append((id, path)) }
                    }
                    if let variableValues = inner[1] { references(in: variableValues, path: path, into: &found) }
                    return
                default: break
                }
            }
            for (key, inner) in members { references(in: inner, path: path.isEmpty ? key : "\(path).\(key)", into: &found) }
        case .array(let items):
            for (index, item) in items.enumerated() { references(in: item, path: "\(path)[\(index)]", into: &found) }
        default: break
        }
    }

    /// A resource that refers to a replaced one gets a new value there at deploy time; if that property is
    /// create-only it is replaced too (a new model replaces the endpoint configuration that names it). Repeats to a fixed point.
    static func propagateReplacements(_ entries: inout [EntryDiff], new: [(String, TemplateValue)]) {
        var changed = true
        while changed {
            changed = false
            let replaced = Set(entries.filter(\.replaced).map(\.id))
            if replaced.isEmpty { return }
            for (id, value) in new where !replaced.contains(id) {
                var found: [(id: String, path: String)] = []
                references(in: value["Properties"] ?? .object([]), path: "", into: &found)
                let type = value["Type"]?.stringValue ?? ""
                for reference in found where replaced.contains(reference.id) {
                    let position: Int
                    if let existing = entries.firstIndex(where: { $0.id == id }) {
                        if entries[existing].change == .added { break }
                        position = existing
                    } else {
                        entries.append(EntryDiff(id: id, type: type, change: .modified))
                        position = entries.count - 1
                    }
                    if entries[position].changes.contains(where: { $0.path == reference.path }) { continue }
                    let replaces = replaces(type: type, path: reference.path)
                    entries[position].changes.append(PropertyChange(path: reference.path, because: "\(reference.id) is replaced", replaces: replaces))
                    if replaces, !entries[position].replaced {
                        entries[position].replaced = true
                        changed = true
                    }
                }
            }
        }
    }

    // MARK: Hazards

    static func resourceHazards(_ entries: [EntryDiff], old: [(String, TemplateValue)], new: [(String, TemplateValue)]) -> [String] {
        var hazards: [String] = []
        let oldById = Dictionary(old, uniquingKeysWith: { a, _ in a })
        let newById = Dictionary(new, uniquingKeysWith: { a, _ in a })
        for entry in entries where entry.change == .modified {
            guard let before = oldById[entry.id], let after = newById[entry.id] else { continue }
            let type = after["Type"]?.stringValue ?? ""
            if entry.replaced, let nameProperty = CreateOnlyProperties.physicalName[type],
               let name = after["Properties"]?[nameProperty], let oldName = before["Properties"]?[nameProperty], TemplateJSON.equal(name, oldName) {
                hazards.append("\(entry.id) (\(type)) is replaced but keeps its fixed name \(nameProperty) = \(TemplateJSON.compact(name)): "
                    + "CloudFormation creates the replacement before deleting the old one, the name is taken, and the update fails; "
                    + "change or remove \(nameProperty)")
            }
            if type == "AWS::SageMaker::EndpointConfig" {
                hazards += variantHazards(entry.id, before: before, after: after, old: old)
            }
        }
        return hazards
    }

    /// Variant name → instance type (nil for serverless) of an endpoint configuration.
    static func variants(_ config: TemplateValue) -> [(name: String, instanceType: String?)] {
        (config["Properties"]?["ProductionVariants"]?.arrayValue ?? []).compactMap { variant in
            variant["VariantName"]?.stringValue.map { ($0, variant["InstanceType"]?.stringValue) }
        }
    }

    /// Variants registered with Application Auto Scaling in the deployed template (the scalable targets' `…/variant/<name>`).
    static func autoscaledVariants(_ resources: [(String, TemplateValue)]) -> Set<String> {
        var names = Set<String>()
        for (_, resource) in resources where resource["Type"]?.stringValue == "AWS::ApplicationAutoScaling::ScalableTarget" {
            guard resource["Properties"]?["ScalableDimension"]?.stringValue == "sagemaker:variant:DesiredInstanceCount",
                  let id = resource["Properties"]?["ResourceId"] else { continue }
            let text = id.stringValue ?? id["Fn::Sub"]?.stringValue ?? id["Fn::Sub"]?[0]?.stringValue ?? JSONWriter.write(id)
            if let range = text.range(of: "/variant/") {
                names.insert(String(text[range.upperBound...].prefix { $0 != "\"" && $0 != "/" && $0 != "$" }))
            }
        }
        return names
    }

    static func variantHazards(_ id: String, before: TemplateValue, after: TemplateValue, old: [(String, TemplateValue)]) -> [String] {
        var hazards: [String] = []
        let oldVariants = variants(before), newVariants = variants(after)
        let scaled = autoscaledVariants(old)
        for variant in newVariants {
            guard let previous = oldVariants.first(where: { $0.name == variant.name }), previous.instanceType != variant.instanceType,
                  scaled.contains(variant.name) else { continue }
            hazards.append("\(id): variant \(variant.name) changes instance type \(previous.instanceType ?? "(serverless)") → \(variant.instanceType ?? "(serverless)") "
                + "while it is registered as an autoscaling target: SageMaker rejects the endpoint update; deploy once without autoscaling "
                + "for this variant (deregisters it), then with the new instance type and autoscaling")
        }
        let oldNames = oldVariants.map(\.name), newNames = newVariants.map(\.name)
        if Set(oldNames) != Set(newNames) {
            let removedScaled = Set(oldNames).subtracting(newNames).intersection(scaled).sorted()
            var text = "\(id): variant names change (\(oldNames.joined(separator: ", ")) → \(newNames.joined(separator: ", "))): "
                + "alarms, metrics and scaling policies keyed by the old names stop applying"
            if !removedScaled.isEmpty {
                text += "; SageMaker refuses to remove \(removedScaled.joined(separator: ", ")) while it is registered as a scalable target "
                    + "(deploy once without its autoscaling first)"
            }
            hazards.append(text)
        }
        return hazards
    }

    static func imports(in value: TemplateValue) -> [String] {
        var names: [String] = []
        func walk(_ value: TemplateValue) {
            switch value {
            case .object(let members):
                if members.count == 1, members[0].0 == "Fn::ImportValue", let name = members[0].1.stringValue { names.append(name); return }
                members.forEach { walk($0.1) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(value)
        return names
    }

    static func exports(_ template: TemplateValue?) -> [(name: String, outputId: String, value: TemplateValue)] {
        members(template, "Outputs").compactMap { id, output in
            output["Export"]?["Name"]?.stringValue.map { ($0, id, output["Value"] ?? .null) }
        }
    }

    static func exportHazards(stack: String, old: TemplateValue?, new: TemplateValue?, replaced: Set<String>,
                              importers: [String: Set<String>]) -> [String] {
        var hazards: [String] = []
        let newExports = exports(new)
        for export in exports(old) {
            let users = (importers[export.name] ?? []).subtracting([stack]).sorted()
            guard !users.isEmpty else { continue }
            guard let current = newExports.first(where: { $0.name == export.name }) else {
                hazards.append("export \(export.name) is removed but \(users.joined(separator: ", ")) imports it: CloudFormation refuses to delete an export "
                    + "in use; deploy the importing stacks without the import first")
                continue
            }
            var found: [(id: String, path: String)] = []
            references(in: current.value, path: "", into: &found)
            let replacedSource = found.first { replaced.contains($0.id) }?.id
            if !TemplateJSON.equal(export.value, current.value) || replacedSource != nil {
                let why = replacedSource.map { "its value changes because \($0) is replaced" } ?? "its value changes"
                hazards.append("export \(export.name): \(why) while \(users.joined(separator: ", ")) imports it: CloudFormation refuses to update an export in use")
            }
        }
        return hazards
    }
}
