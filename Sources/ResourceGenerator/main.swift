import Foundation

// ResourceGenerator --schemas DIR --cfn-lint-version V [--output DIR] [--check]
// Writes one Swift file per resource type into Sources/AWSResources/Generated, or with --check compares.
let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let schemas = option("--schemas"), let version = option("--cfn-lint-version") else {
    FileHandle.standardError.write(Data("usage: ResourceGenerator --schemas DIR --cfn-lint-version V [--output DIR] [--check]\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: option("--output") ?? "Sources/AWSResources/Generated")
do {
    let files = try Generator(store: SchemaStore(directory: URL(fileURLWithPath: schemas)), toolVersion: version).generate()
    if arguments.contains("--check") {
        let problems = Generator.compare(files, with: output)
        if problems.isEmpty {
            print("\(output.path) is up to date (\(files.count) files)")
        } else {
            for problem in problems { FileHandle.standardError.write(Data("ResourceGenerator: \(problem)\n".utf8)) }
            FileHandle.standardError.write(Data("ResourceGenerator: run scripts/generate-resources.sh and commit the result\n".utf8))
            exit(1)
        }
    } else {
        try Generator.write(files, to: output)
        print("wrote \(files.count) files to \(output.path)")
    }
} catch {
    FileHandle.standardError.write(Data("ResourceGenerator: \(error)\n".utf8))
    exit(1)
}
