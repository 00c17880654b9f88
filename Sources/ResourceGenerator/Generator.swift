import Foundation

/// Generates every listed type in memory, then writes or compares.
struct Generator {
    let store: SchemaStore
    let toolVersion: String

    func generate() throws -> [String: String] {
        var files: [String: String] = [:]
        var services = Set<String>()
        for typeName in resourceTypes {
            let schema = try store.load(typeName)
            services.insert(schema.service)
            files["\(schema.service)_\(schema.resourceName).swift"] = Renderer(schema: schema, toolVersion: toolVersion).render()
        }
        var namespaces = Renderer.header("the list of generated services", toolVersion: toolVersion)
        for service in services.sorted() {
            namespaces += "\n/// Resource types of `AWS::\(service)`.\npublic enum \(service) {}\n"
        }
        files["Namespaces.swift"] = namespaces
        return files
    }

    /// Differences between generated files and a directory: each a line naming the file.
    static func compare(_ files: [String: String], with directory: URL) -> [String] {
        var problems: [String] = []
        let existing = Set(((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".swift") })
        for name in files.keys.sorted() {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                problems.append("missing: \(name)")
                continue
            }
            if data != Data(files[name]!.utf8) {
                let old = String(decoding: data, as: UTF8.self)
                if let line = old.split(separator: "\n").first, !line.contains("cfn-lint \(files[name]!.split(separator: "(")[1].split(separator: " ")[1])") {
                    problems.append("stale: \(name) (generated with another cfn-lint version: \(line))")
                } else {
                    problems.append("stale: \(name) (edited by hand or generator changed)")
                }
            }
        }
        for name in existing.subtracting(files.keys).sorted() { problems.append("extra: \(name)") }
        return problems
    }

    static func write(_ files: [String: String], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, contents) in files {
            try Data(contents.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in existing where name.hasSuffix(".swift") && files[name] == nil {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
