import Foundation
import Testing
@testable import CloudFormation

@Suite struct TemplateDirectoryFileTests {
    /// Two stacks (`A` before `B`) plus the manifest.
    func synthesis(queueName: String = "jobs") throws -> Synthesis {
        let app = App()
        let a = Stack(app, "A")
        let b = Stack(app, "B")
        let q = Queue(a, "Q", TestQueue(queueName: Value(queueName)))
        _ = Queue(b, "Reader", TestQueue(queueName: q.getAtt("QueueName")))
        return try app.synthesize()
    }

    func read(_ directory: URL, _ name: String) -> String? {
        FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { String(decoding: $0, as: UTF8.self) }
    }

    func put(_ directory: URL, _ name: String, _ contents: String) {
        FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data(contents.utf8))
    }

    @Test func writesEveryFile() throws {
        let directory = try temporaryDirectory().appendingPathComponent("out/nested")
        let synthesis = try synthesis()
        let written = try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        #expect(written == ["A.template.json", "B.template.json", "manifest.json"])
        #expect(read(directory, "A.template.json") == synthesis.stacks[0].body)
        #expect(read(directory, "B.template.json") == synthesis.stacks[1].body)
        #expect(read(directory, "manifest.json") == synthesis.manifest)
        #expect(Set(snapshot(directory).keys) == ["A.template.json", "B.template.json", "manifest.json"])
        #expect(TemplateDirectory.compare(synthesis, with: directory, pruneExtra: true).isEmpty)
        // Writing again changes nothing.
        let before = snapshot(directory)
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        #expect(snapshot(directory) == before)
    }

    /// The file's inode: a file renamed into place gets a new one.
    func inode(_ directory: URL, _ name: String) -> UInt64? {
        var status = stat()
        guard stat(directory.appendingPathComponent(name).path, &status) == 0 else { return nil }
        return UInt64(status.st_ino)
    }

    @Test func unchangedFilesAreLeftAlone() throws {
        let directory = try temporaryDirectory()
        let synthesis = try synthesis()
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        let inodes = ["A.template.json", "B.template.json", "manifest.json"].map { inode(directory, $0) }
        #expect(try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true) == [])
        #expect(["A.template.json", "B.template.json", "manifest.json"].map { inode(directory, $0) } == inodes)
        // One changed value: only its template is written; a file of the same length with other bytes is rewritten too.
        let changed = try self.synthesis(queueName: "jabs")
        #expect(try TemplateDirectory.write(changed, to: directory, pruneExtra: true) == ["A.template.json"])
        #expect(inode(directory, "A.template.json") != inodes[0])
        #expect(inode(directory, "B.template.json") == inodes[1])
        #expect(try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true) == ["A.template.json"])
        #expect(read(directory, "A.template.json") == synthesis.stacks[0].body)
        // A longer or shorter file with the same start is different.
        put(directory, "B.template.json", synthesis.stacks[1].body + "x")
        put(directory, "manifest.json", String(synthesis.manifest.dropLast()))
        #expect(try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true) == ["B.template.json", "manifest.json"])
        #expect(TemplateDirectory.compare(synthesis, with: directory, pruneExtra: true).isEmpty)
    }

    @Test func compareReportsStaleMissingExtra() throws {
        let directory = try temporaryDirectory()
        let synthesis = try synthesis()
        #expect(TemplateDirectory.compare(synthesis, with: directory, pruneExtra: true)
                == TemplateDirectory.Difference(stale: [], missing: ["A.template.json", "B.template.json", "manifest.json"], extra: []))
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: false)
        put(directory, "A.template.json", synthesis.stacks[0].body + " ")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("B.template.json"))
        put(directory, "Old.template.json", "{}\n")
        put(directory, "notes.txt", "mine")
        let full = TemplateDirectory.compare(synthesis, with: directory, pruneExtra: true)
        #expect(full.stale == ["A.template.json"])
        #expect(full.missing == ["B.template.json"])
        #expect(full.extra == ["Old.template.json"])
        #expect(!full.isEmpty)
        let partial = TemplateDirectory.compare(synthesis, with: directory, pruneExtra: false)
        #expect(partial.extra == [])
        #expect(partial.stale == ["A.template.json"])
        // A changed value makes the template and the manifest stale? Only the template: the manifest does not hold values.
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        let changed = try self.synthesis(queueName: "renamed")
        #expect(TemplateDirectory.compare(changed, with: directory, pruneExtra: true).stale == ["A.template.json"])
    }

    @Test func pruneExtraRemovesOnlyStaleTemplates() throws {
        let directory = try temporaryDirectory()
        let synthesis = try synthesis()
        put(directory, "Old.template.json", "{}\n")
        put(directory, "notes.txt", "mine")
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: false)
        #expect(read(directory, "Old.template.json") == "{}\n")
        try TemplateDirectory.write(synthesis, to: directory, pruneExtra: true)
        #expect(read(directory, "Old.template.json") == nil)
        #expect(read(directory, "notes.txt") == "mine")
        #expect(TemplateDirectory.compare(synthesis, with: directory, pruneExtra: true).isEmpty)
    }

    @Test func selectingWritesOnlyTheNamedStacks() throws {
        let directory = try temporaryDirectory()
        let (selected, unknown) = try synthesis().selecting(["B", "Nope", "Also"])
        #expect(unknown == ["Also", "Nope"])
        #expect(selected.stacks.map(\.name) == ["B"])
        try TemplateDirectory.write(selected, to: directory, pruneExtra: false)
        #expect(Set(snapshot(directory).keys) == ["B.template.json", "manifest.json"])
    }

    /// A directory where one output file must go makes its rename fail; everything must be rolled back.
    @Test(arguments: ["A.template.json", "B.template.json", "manifest.json"])
    func failedWriteLeavesDirectoryUnchanged(blocked: String) throws {
        let directory = try temporaryDirectory()
        put(directory, "Old.template.json", "old extra\n")
        put(directory, "notes.txt", "mine")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(blocked), withIntermediateDirectories: false)
        put(directory.appendingPathComponent(blocked), "inside.txt", "keep")
        if blocked != "A.template.json" { put(directory, "A.template.json", "old A\n") }
        let before = snapshot(directory)
        #expect(before[blocked] != nil)

        do {
            try TemplateDirectory.write(try synthesis(), to: directory, pruneExtra: true)
            Issue.record("expected the write to fail")
        } catch let error as TemplateDirectory.WriteError {
            #expect(error.path.hasSuffix(blocked))
            #expect(error.description.hasPrefix("cannot write "))
        }
        let after = snapshot(directory)
        #expect(after == before)
        #expect(!after.keys.contains { $0.hasSuffix(".tmp") || $0.hasSuffix(".bak") || $0.hasPrefix(".") })
    }

    @Test func notADirectory() throws {
        let directory = try temporaryDirectory()
        put(directory, "file", "x")
        #expect(throws: TemplateDirectory.WriteError.self) {
            try TemplateDirectory.write(try synthesis(), to: directory.appendingPathComponent("file"), pruneExtra: false)
        }
        #expect(read(directory, "file") == "x")
    }

    /// `mkdir -p` through a file: the error names the directory and the reason, and nothing is created.
    @Test func cannotCreateTheDirectoryUnderAFile() throws {
        let directory = try temporaryDirectory()
        put(directory, "file", "x")
        let target = directory.appendingPathComponent("file/sub/out").path
        do {
            try TemplateDirectory.write(try synthesis(), toDirectoryAt: target, pruneExtra: true)
            Issue.record("expected the write to fail")
        } catch let error as TemplateDirectory.WriteError {
            #expect(error.path == target)
            #expect(error.description == "cannot write \(target): cannot create the directory (Not a directory)")
        }
        #expect(Set(snapshot(directory).keys) == ["file"])
        // Parents that are missing are made.
        try TemplateDirectory.write(try synthesis(), toDirectoryAt: directory.appendingPathComponent("a/b/c").path, pruneExtra: true)
        #expect(read(directory.appendingPathComponent("a/b/c"), "manifest.json") != nil)
    }
}
