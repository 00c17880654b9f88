import CloudFormation

/// The app as a Mermaid flowchart, built from the synthesized templates: one subgraph per stack (deployment order),
/// one node per resource (logical ID and type, template order), and an edge per reference:
/// `A --> B` when A refers to B (`Ref`, `Fn::GetAtt`, `Fn::Sub`), `A -.->|DependsOn| B`, and `A ==>|import| B`
/// when A imports an export of B's stack whose value refers to B. Same app, same text.
enum AppGraph {
    struct GraphError: Error, CustomStringConvertible { var description: String }

    static func nodeId(_ stack: String, _ logicalId: String) -> String {
        "\(stack)_\(logicalId)".map { $0.isLetter || $0.isNumber || $0 == "_" ? String($0) : "_" }.joined()
    }

    static func mermaid(_ synthesis: Synthesis) throws(GraphError) -> String {
        var templates: [(name: String, template: TemplateValue)] = []
        for stack in synthesis.stacks {
            do {
                templates.append((stack.name, try TemplateJSON.parse(stack.body)))
            } catch {
                throw GraphError(description: "cannot read the template of \(stack.name): \(error.description)")
            }
        }
        // Export name → (stack, resource it refers to).
        var exported: [String: (stack: String, id: String)] = [:]
        for (name, template) in templates {
            for export in TemplateDiff.exports(template) {
                var found: [(id: String, path: String)] = []
                TemplateDiff.references(in: export.value, path: "", into: &found)
                if let first = found.first { exported[export.name] = (name, first.id) }
            }
        }
        var lines = ["flowchart LR"]
        var edges: [String] = []
        var seen = Set<String>()
        func edge(_ line: String) { if seen.insert(line).inserted { edges.append(line) } }
        for (name, template) in templates {
            lines.append("  subgraph \(name)")
            let resources = TemplateDiff.members(template, "Resources")
            let ids = Set(resources.map(\.0))
            for (id, resource) in resources {
                let type = resource["Type"]?.stringValue ?? "?"
                lines.append("    \(nodeId(name, id))[\"\(id)<br/>\(type)\"]")
            }
            lines.append("  end")
            for (id, resource) in resources {
                var found: [(id: String, path: String)] = []
                TemplateDiff.references(in: resource["Properties"] ?? .object([]), path: "", into: &found)
                for reference in found where ids.contains(reference.id) && reference.id != id {
                    edge("  \(nodeId(name, id)) --> \(nodeId(name, reference.id))")
                }
                let dependsOn = resource["DependsOn"].map { $0.arrayValue ?? [$0] } ?? []
                for dependency in dependsOn.compactMap(\.stringValue) where ids.contains(dependency) {
                    edge("  \(nodeId(name, id)) -.->|DependsOn| \(nodeId(name, dependency))")
                }
                for importName in TemplateDiff.imports(in: resource["Properties"] ?? .object([])) {
                    if let source = exported[importName] {
                        edge("  \(nodeId(name, id)) ==>|import| \(nodeId(source.stack, source.id))")
                    }
                }
            }
        }
        return (lines + edges).joined(separator: "\n") + "\n"
    }
}
