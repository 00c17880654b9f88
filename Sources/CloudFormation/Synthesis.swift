import Foundation

/// One synthesized stack: its template body and what the manifest says of it.
public struct StackArtifact: Sendable {
    public struct ParameterSummary: Sendable {
        public var name: String
        public var type: String
        public var defaultValue: String?
        public var description: String?
    }

    public struct OutputSummary: Sendable {
        public var name: String
        public var exportName: String?
    }

    public var name: String
    public var fileName: String
    /// The template, canonical JSON with a trailing newline.
    public var body: String
    /// Stacks that must be deployed first.
    public var dependencies: [String]
    public var parameters: [ParameterSummary]
    public var outputs: [OutputSummary]
    public var resourceCount: Int
}

/// The result of synthesizing an App: templates in deployment order, the manifest, and any warnings.
public struct Synthesis: Sendable {
    public static let manifestFileName = "manifest.json"

    /// Stacks in deployment order (producers before consumers).
    public var stacks: [StackArtifact]
    public var warnings: [Diagnostic]

    /// The manifest: stacks in deployment order with their template file, dependencies, parameters and outputs.
    public var manifest: String {
        let stackEntries: [TemplateValue] = stacks.map { stack in
            var parameters: [TemplateValue] = []
            for parameter in stack.parameters {
                var members: [(String, TemplateValue)] = [("Name", .string(parameter.name)), ("Type", .string(parameter.type))]
                if let value = parameter.defaultValue { members.append(("Default", .string(value))) }
                if let description = parameter.description { members.append(("Description", .string(description))) }
                parameters.append(.object(members))
            }
            let outputs: [TemplateValue] = stack.outputs.map { output in
                var members: [(String, TemplateValue)] = [("Name", .string(output.name))]
                if let exportName = output.exportName { members.append(("ExportName", .string(exportName))) }
                return .object(members)
            }
            return .object([
                ("Name", .string(stack.name)),
                ("Template", .string(stack.fileName)),
                ("DependsOn", .array(stack.dependencies.map(TemplateValue.string))),
                ("Parameters", .array(parameters)),
                ("Outputs", .array(outputs)),
                ("ResourceCount", .integer(stack.resourceCount)),
            ])
        }
        return JSONWriter.write(.object([("Version", 1), ("Stacks", .array(stackEntries))]))
    }

    /// Every file this synthesis writes, by name, in a fixed order (templates in deployment order, then the manifest).
    public var files: [(name: String, contents: String)] {
        stacks.map { ($0.fileName, $0.body) } + [(Self.manifestFileName, manifest)]
    }

    /// Keeps only the named stacks (and the manifest describing just them). Unknown names are returned, sorted.
    public func selecting(_ names: [String]) -> (Synthesis, unknown: [String]) {
        let known = Set(stacks.map(\.name))
        let unknown = Set(names).subtracting(known).sorted()
        var copy = self
        copy.stacks = stacks.filter { names.contains($0.name) }
        return (copy, unknown)
    }
}

/// Writes synthesized files atomically and compares them with what is on disk.
public enum TemplateDirectory {
    /// What differs between a directory and a synthesis.
    public struct Difference: Equatable, Sendable {
        public var stale: [String] = []
        public var missing: [String] = []
        public var extra: [String] = []
        public var isEmpty: Bool { stale.isEmpty && missing.isEmpty && extra.isEmpty }
    }

    /// A write failed; the directory is as it was before the call.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Template files in the directory that synth owns: `*.template.json` and the manifest.
    static func ownedFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".template.json") || $0 == Synthesis.manifestFileName }.sorted()
    }

    /// Compares the directory with the synthesis. With `pruneExtra` (a full synth), template files the app no longer makes count as extra.
    public static func compare(_ synthesis: Synthesis, with directory: URL, pruneExtra: Bool) -> Difference {
        var difference = Difference()
        let expected = synthesis.files
        for file in expected {
            let url = directory.appendingPathComponent(file.name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                difference.missing.append(file.name)
                continue
            }
            if data != Data(file.contents.utf8) { difference.stale.append(file.name) }
        }
        if pruneExtra {
            let names = Set(expected.map(\.name))
            difference.extra = ownedFiles(in: directory).filter { !names.contains($0) }
        }
        return difference
    }

    /// Writes every file to a temporary name in the directory first, then renames each into place, so after
    /// any failure the directory is exactly as it was. With `pruneExtra`, template files the app no longer makes are removed.
    @discardableResult
    public static func write(_ synthesis: Synthesis, to directory: URL, pruneExtra: Bool) throws -> [String] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw WriteError(path: directory.path, reason: "it exists and is not a directory") }
        } else {
            do {
                try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw WriteError(path: directory.path, reason: "cannot create the directory (\(Self.reason(error)))")
            }
        }
        let files = synthesis.files
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        var staged: [(temporary: URL, final: URL)] = []
        func cleanUp() { for entry in staged { try? fileManager.removeItem(at: entry.temporary) } }
        for file in files {
            let final = directory.appendingPathComponent(file.name)
            let temporary = directory.appendingPathComponent(".\(file.name).\(token).tmp")
            guard writeFile(atPath: temporary.path, file.contents) else {
                cleanUp()
                throw WriteError(path: final.path, reason: "the directory is not writable")
            }
            staged.append((temporary, final))
        }
        // Keep the current files under backup names (hard links), so a failed rename can be rolled back.
        var backups: [(backup: URL, final: URL)] = []
        var created: [URL] = []
        func restore() {
            for url in created { try? fileManager.removeItem(at: url) }
            for entry in backups { _ = rename(entry.backup.path, entry.final.path) }
        }
        for entry in staged where fileManager.fileExists(atPath: entry.final.path) {
            let backup = directory.appendingPathComponent(".\(entry.final.lastPathComponent).\(token).bak")
            if link(entry.final.path, backup.path) == 0 { backups.append((backup, entry.final)) }
        }
        var written: [String] = []
        for entry in staged {
            if rename(entry.temporary.path, entry.final.path) != 0 {
                let reason = String(cString: strerror(errno))
                restore()
                cleanUp()
                for entry in backups { try? fileManager.removeItem(at: entry.backup) }
                throw WriteError(path: entry.final.path, reason: reason)
            }
            if !backups.contains(where: { $0.final == entry.final }) { created.append(entry.final) }
            written.append(entry.final.lastPathComponent)
        }
        for entry in backups { try? fileManager.removeItem(at: entry.backup) }
        if pruneExtra {
            let names = Set(files.map(\.name))
            for extra in ownedFiles(in: directory) where !names.contains(extra) {
                try? fileManager.removeItem(at: directory.appendingPathComponent(extra))
            }
        }
        return written
    }

    /// Creates or truncates the file and writes the text (mode 0666 less the umask). No fsync: the rename
    /// into place makes the set of files atomic for readers and on errors; `FileManager.createFile` would also
    /// fsync each file and write it through a second temporary name, which cost more than the synthesis.
    private static func writeFile(atPath path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return false }
        var text = text
        let written = text.withUTF8 { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        return close(descriptor) == 0 && written
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
