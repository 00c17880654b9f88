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

    /// Template files in the directory that synth owns: `*.template.json` and the manifest, sorted.
    package static func ownedFiles(inDirectoryAt path: String) -> [String] {
        guard let stream = opendir(path) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name.hasSuffix(".template.json") || name == Synthesis.manifestFileName { names.append(name) }
        }
        return names.sorted()
    }

    /// Compares the directory with the synthesis. With `pruneExtra` (a full synth), template files the app no longer makes count as extra.
    public static func compare(_ synthesis: Synthesis, with directory: URL, pruneExtra: Bool) -> Difference {
        compare(synthesis, withDirectoryAt: directory.path, pruneExtra: pruneExtra)
    }

    /// `compare` with a file-system path (a command line has one; making a `URL` and reading its path back costs more than the comparison).
    public static func compare(_ synthesis: Synthesis, withDirectoryAt directoryPath: String, pruneExtra: Bool) -> Difference {
        var difference = Difference()
        let expected = synthesis.files
        for file in expected {
            switch FileContents.compare(atPath: directoryPath + "/" + file.name, with: file.contents) {
            case .missing: difference.missing.append(file.name)
            case .different: difference.stale.append(file.name)
            case .same: break
            }
        }
        if pruneExtra {
            let names = Set(expected.map { $0.name })
            difference.extra = ownedFiles(inDirectoryAt: directoryPath).filter { !names.contains($0) }
        }
        return difference
    }

    /// Writes every file that differs from what is on disk to a temporary name in the directory first, then renames
    /// each into place, so after any failure the directory is exactly as it was. Files whose bytes are already right
    /// are left alone (their modification time too, so build tools watching them see no change). With `pruneExtra`,
    /// template files the app no longer makes are removed. Returns the names of the files written.
    @discardableResult
    public static func write(_ synthesis: Synthesis, to directory: URL, pruneExtra: Bool) throws -> [String] {
        try write(synthesis, toDirectoryAt: directory.path, pruneExtra: pruneExtra)
    }

    /// `write` with a file-system path.
    @discardableResult
    public static func write(_ synthesis: Synthesis, toDirectoryAt directoryPath: String, pruneExtra: Bool) throws -> [String] {
        try makeDirectory(atPath: directoryPath)
        let files = synthesis.files
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var staged: [(temporary: String, final: String, name: String)] = []
        func cleanUp() { for entry in staged { unlink(entry.temporary) } }
        for file in files {
            let final = directoryPath + "/" + file.name
            if FileContents.compare(atPath: final, with: file.contents) == .same { continue }
            let temporary = directoryPath + "/.\(file.name).\(token).tmp"
            guard FileContents.write(file.contents, toPath: temporary) else {
                cleanUp()
                throw WriteError(path: final, reason: "the directory is not writable")
            }
            staged.append((temporary, final, file.name))
        }
        // Keep the current files under backup names (hard links), so a failed rename can be rolled back.
        var backups: [(backup: String, final: String)] = []
        var created: [String] = []
        func restore() {
            for path in created { unlink(path) }
            for entry in backups { _ = rename(entry.backup, entry.final) }
        }
        for entry in staged where access(entry.final, F_OK) == 0 {
            let backup = directoryPath + "/.\(entry.name).\(token).bak"
            if link(entry.final, backup) == 0 { backups.append((backup, entry.final)) }
        }
        var written: [String] = []
        for entry in staged {
            if rename(entry.temporary, entry.final) != 0 {
                let reason = String(cString: strerror(errno))
                restore()
                cleanUp()
                for entry in backups { unlink(entry.backup) }
                throw WriteError(path: entry.final, reason: reason)
            }
            if !backups.contains(where: { $0.final == entry.final }) { created.append(entry.final) }
            written.append(entry.name)
        }
        for entry in backups { unlink(entry.backup) }
        if pruneExtra {
            let names = Set(files.map { $0.name })
            for extra in ownedFiles(inDirectoryAt: directoryPath) where !names.contains(extra) {
                unlink(directoryPath + "/" + extra)
            }
        }
        return written
    }

    /// `mkdir -p`: the directory and any missing parent; an existing file in the way is an error.
    private static func makeDirectory(atPath path: String) throws {
        if let isDirectory = FileContents.isDirectory(path) {
            if !isDirectory { throw WriteError(path: path, reason: "it exists and is not a directory") }
            return
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o777) != 0, errno != EEXIST {
                throw WriteError(path: path, reason: "cannot create the directory (\(String(cString: strerror(errno))))")
            }
            prefix += "/"
        }
        guard FileContents.isDirectory(path) == true else {
            throw WriteError(path: path, reason: "cannot create the directory (a part of the path is not a directory)")
        }
    }
}

/// Files read and written with the C library: no Foundation URL or FileManager on the synthesis path.
package enum FileContents {
    enum Comparison { case same, different, missing }

    /// Whether the regular file at `path` holds exactly `text` (`missing` when there is no such file).
    static func compare(atPath path: String, with text: String) -> Comparison {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .different }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return .different }
        var text = text
        return text.withUTF8 { expected -> Comparison in
            guard Int(status.st_size) == expected.count else { return .different }
            guard expected.count > 0 else { return .same }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: expected.count + 1, alignment: 1)
            defer { buffer.deallocate() }
            var offset = 0
            // One byte more than expected: a file that grew since `fstat` is different.
            while offset <= expected.count {
                let count = read(descriptor, buffer.baseAddress! + offset, expected.count + 1 - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                offset += count
            }
            guard offset == expected.count else { return .different }
            return memcmp(buffer.baseAddress!, expected.baseAddress!, expected.count) == 0 ? .same : .different
        }
    }

    /// Creates or truncates the file and writes the text (mode 0666 less the umask). No fsync: the rename
    /// into place makes the set of files atomic for readers and on errors; `FileManager.createFile` would also
    /// fsync each file and write it through a second temporary name, which cost more than the synthesis.
    static func write(_ text: String, toPath path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return false }
        let written = writeAll(text, to: descriptor)
        return close(descriptor) == 0 && written
    }

    /// Writes every byte of `text` to `descriptor` (retrying short writes and EINTR); false on an error.
    package static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return true }
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
    }

    /// nil when nothing is at `path`.
    package static func isDirectory(_ path: String) -> Bool? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT == S_IFDIR
    }
}
