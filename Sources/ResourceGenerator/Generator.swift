import Foundation

/// Generates every listed type in memory, then writes or compares.
struct Generator {
    let store: SchemaStore
    let toolVersion: String

    func generate() throws -> [String: String] {
        var files: [String: String] = [:]
        var services = Set<String>()
        var schemas: [ResourceSchema] = []
        for typeName in resourceTypes {
            let schema = try store.load(typeName)
            services.insert(schema.service)
            schemas.append(schema)
            files["\(schema.service)_\(schema.resourceName).swift"] = Renderer(schema: schema, toolVersion: toolVersion).render()
        }
        files["CreateOnlyProperties.swift"] = Self.renderCreateOnlyTable(schemas, toolVersion: toolVersion)
        var namespaces = Renderer.header("the list of generated services", toolVersion: toolVersion)
        for service in services.sorted() {
            namespaces += "\n/// Resource types of `AWS::\(service)`.\npublic enum \(service) {}\n"
        }
        files["Namespaces.swift"] = namespaces
        return files
    }

    /// One table for every generated type: the create-only properties (a change replaces the resource) and the
    /// property that fixes the physical name. `synth --diff` uses it to say which changes replace a resource and
    /// which replacements fail. Kept in one file so adding a type touches one line of it, not every type's file.
    static func renderCreateOnlyTable(_ schemas: [ResourceSchema], toolVersion: String) -> String {
        var out = Renderer.header("the createOnlyProperties of the registry schemas", toolVersion: toolVersion)
        out += """

            /// What replaces a resource, per CloudFormation type, from the registry schemas' `createOnlyProperties`.
            package enum CreateOnlyProperties {
                /// Property paths, dotted, array indices left out (`PrimaryContainer`, `Foo.Bar`); a change at or below one replaces the resource.
                package static let paths: [String: [String]] = [

            """
        for schema in schemas.sorted(by: { $0.typeName < $1.typeName }) {
            let paths = schema.createOnly.map(Self.dottedPath).sorted()
            out += "        \"\(schema.typeName)\": [\(paths.map { "\"\($0)\"" }.joined(separator: ", "))],\n"
        }
        out += """
                ]

                /// The create-only property that sets the physical name (`BucketName`, `FunctionName`, `Name`): a resource
                /// that has it set cannot be replaced while the name stays the same.
                package static let physicalName: [String: String] = [

            """
        for schema in schemas.sorted(by: { $0.typeName < $1.typeName }) {
            let candidates = ["\(schema.resourceName)Name", "Name"]
            if let name = candidates.first(where: { schema.createOnly.contains($0) }) {
                out += "        \"\(schema.typeName)\": \"\(name)\",\n"
            }
        }
        out += "    ]\n}\n"
        return out
    }

    /// `A/B`, `A/*/B` (a JSON-pointer-like schema path below `/properties/`) as `A.B`.
    static func dottedPath(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "*" }.joined(separator: ".")
    }

    /// The cfn-lint version a generated file's header records (`nil` when it has none).
    static func headerVersion(_ text: String) -> String? {
        guard let line = text.split(separator: "\n", maxSplits: 1).first,
              let range = line.range(of: "(cfn-lint ") else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map(String.init)
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
            let expected = files[name]!
            if data != Data(expected.utf8) {
                let old = String(decoding: data, as: UTF8.self)
                let oldVersion = headerVersion(old), newVersion = headerVersion(expected)
                if oldVersion != newVersion {
                    problems.append("stale: \(name) (generated with cfn-lint \(oldVersion ?? "unknown"), now \(newVersion ?? "unknown"))")
                } else {
                    problems.append("stale: \(name) (edited by hand, or the generator changed)")
                }
            }
        }
        for name in existing.subtracting(files.keys).sorted() { problems.append("extra: \(name)") }
        return problems
    }

    /// Schema patterns left out of the generated checks because NSRegularExpression rejects them.
    static func skippedPatterns(_ files: [String: String]) -> [String] {
        files.keys.sorted().flatMap { name in
            files[name]!.split(separator: "\n").compactMap { line in
                line.range(of: Renderer.skippedPatternMarker).map { "\(name):\(line[$0.upperBound...])" }
            }
        }
    }

    /// The command line: `--schemas DIR --cfn-lint-version V [--output DIR] [--check]`; returns the exit status.
    static func run(_ arguments: [String], log: (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) -> Int32 {
        func option(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        guard let schemas = option("--schemas"), let version = option("--cfn-lint-version") else {
            log("usage: ResourceGenerator --schemas DIR --cfn-lint-version V [--output DIR] [--check]")
            return 2
        }
        let output = URL(fileURLWithPath: option("--output") ?? "Sources/AWSResources/Generated")
        do {
            let files = try Generator(store: SchemaStore(directory: URL(fileURLWithPath: schemas)), toolVersion: version).generate()
            for skipped in skippedPatterns(files) { log("ResourceGenerator: pattern not enforced in \(skipped)") }
            if arguments.contains("--check") {
                let committed = FileManager.default.contents(atPath: output.appendingPathComponent("Namespaces.swift").path)
                    .flatMap { headerVersion(String(decoding: $0, as: UTF8.self)) }
                if let committed, committed != version {
                    log("ResourceGenerator: \(output.path) was generated from cfn-lint \(committed) but cfn-lint \(version) is installed; install cfn-lint==\(committed) or regenerate")
                }
                let problems = compare(files, with: output)
                if problems.isEmpty {
                    print("\(output.path) is up to date (\(files.count) files)")
                    return 0
                }
                for problem in problems { log("ResourceGenerator: \(problem)") }
                log("ResourceGenerator: \(problems.count) file(s) differ; run scripts/generate-resources.sh and commit the result")
                return 1
            }
            try write(files, to: output)
            print("wrote \(files.count) files to \(output.path)")
            return 0
        } catch {
            log("ResourceGenerator: \(error)")
            return 1
        }
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
