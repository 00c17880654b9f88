import CloudFormation
import Foundation

/// The `synth` command line for any `App`: write templates atomically, list, check, diff and graph them.
///
/// Why a library: every app needs the same writing, checking and exit codes, and they are easy to get subtly
/// wrong (atomic writes, a stale file left behind, exit codes CI relies on). An app's `main.swift` is then:
/// ```swift
/// SynthCommandLine(summary: "Synthesizes my app.") { _ in MyApp.make() }.main()
/// ```
/// and an app with settings adds its own options (the pipeline adds `--config FILE`):
/// ```swift
/// SynthCommandLine(summary: "…", options: [.init("--config", value: "FILE", help: "settings", default: "config.json")]) { arguments in
///     try MyApp.make(config: Config.load(arguments["--config"]!))
/// }.main()
/// ```
/// Exit status: 0 success (also `--diff` with differences), 1 invalid app, stale templates, failed write, unreadable
/// template in the diff directory, or differences with `--diff --fail`; 2 usage error (or an app option's value the
/// app rejects with `UsageError`).
public struct SynthCommandLine {
    /// An option the app adds, such as `--config FILE`. Its value reaches the app through `Arguments`.
    public struct Option: Sendable {
        public var name: String
        /// The value's placeholder in the help (`FILE`); nil for a flag without a value.
        public var valueName: String?
        public var help: String
        public var defaultValue: String?

        public init(_ name: String, value valueName: String? = nil, help: String, default defaultValue: String? = nil) {
            self.name = name
            self.valueName = valueName
            self.help = help
            self.defaultValue = defaultValue
        }
    }

    /// The app options' values: the last one given, else the default; `"true"` for a flag that was given.
    public struct Arguments: Sendable {
        var values: [String: String]
        /// The value of an app option, such as `arguments["--config"]`.
        public subscript(name: String) -> String? { values[name] }
    }

    /// Thrown by the app builder for a bad app option (a config file that does not exist): exit status 2.
    public struct UsageError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    enum Mode: Equatable { case write, list, check, diff(String?), graph }

    struct Parsed {
        var output: String
        var stacks: [String] = []
        var mode = Mode.write
        var fail = false
        var help = false
        var app: [String: String] = [:]
    }

    public let name: String
    public let summary: String
    public let options: [Option]
    public let defaultOutput: String
    let makeApp: (Arguments) throws -> App

    /// - Parameters:
    ///   - name: the command's name in messages and help.
    ///   - summary: one line the help prints under the usage.
    ///   - options: the app's own options; the built-in ones cannot be redefined.
    ///   - defaultOutput: the output directory when `--output` is not given.
    ///   - makeApp: builds the app from the app options' values; throw `UsageError` for a bad option value (exit 2),
    ///     any other error for invalid input (exit 1, printed as its description).
    public init(name: String = "synth", summary: String, options: [Option] = [], defaultOutput: String = "templates",
                makeApp: @escaping (Arguments) throws -> App) {
        self.name = name
        self.summary = summary
        self.options = options
        self.defaultOutput = defaultOutput
        self.makeApp = makeApp
    }

    static let builtIn: Set<String> = ["--output", "--stack", "--list", "--check", "--diff", "--fail", "--graph", "--help", "-h"]

    /// The help text.
    public var usage: String {
        let appUsage = options.map { "[\($0.name)\($0.valueName.map { " \($0)" } ?? "")]" }.joined(separator: " ")
        var rows: [(String, String)] = options.map { option in
            ("\(option.name)\(option.valueName.map { " \($0)" } ?? "")", option.help + (option.defaultValue.map { " (default: \($0))" } ?? ""))
        }
        rows += [
            ("--output DIR", "where templates and manifest.json go (default: \(defaultOutput))"),
            ("--stack NAME", "only this stack (repeatable); the manifest then lists only these"),
            ("--list", "print the stacks in deployment order with their dependencies; write nothing"),
            ("--check", "write nothing; exit 1 naming every stale, missing or extra file in DIR"),
            ("--diff [DIR]", "write nothing; show what would change against the templates in DIR (default: the output"),
            ("", "directory): resources added, removed, modified (property paths, old → new), replacements, hazards"),
            ("--fail", "with --diff: exit 1 when there is any difference"),
            ("--graph", "print the app as a Mermaid flowchart (stacks, resources, references); write nothing"),
            ("-h, --help", "show this help"),
        ]
        let width = rows.map { $0.0.count }.max() ?? 0
        // Padded by hand: Foundation's `padding(toLength:)` costs a help text five times its length in start-up lookups.
        let lines = rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }
        return """
            Usage: \(name) \(appUsage.isEmpty ? "" : appUsage + " ")[--output DIR] [--stack NAME]... [--list | --check | --diff [DIR] [--fail] | --graph]

            \(summary)

            Options:
            \(lines.map { "  " + $0 }.joined(separator: "\n"))

            Exit status: 0 success (also when --diff finds differences), 1 invalid input or infrastructure, stale templates,
            a failed write, or differences with --diff --fail; 2 usage error.
            """
    }

    func parse(_ arguments: [String]) throws(UsageError) -> Parsed {
        var parsed = Parsed(output: defaultOutput)
        for option in options { parsed.app[option.name] = option.defaultValue }
        var modes: [String] = []
        var index = 0
        func next() -> String? {
            guard index < arguments.count else { return nil }
            defer { index += 1 }
            return arguments[index]
        }
        while let argument = next() {
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inline {
                    guard !inline.isEmpty else { throw UsageError("\(flag) needs a value") }
                    return inline
                }
                // An empty value is no value: `--output ""` must not mean the current directory.
                guard index < arguments.count, !arguments[index].hasPrefix("--"), !arguments[index].isEmpty else {
                    throw UsageError("\(flag) needs a value")
                }
                return next()!
            }
            func noValue() throws(UsageError) {
                if inline != nil { throw UsageError("\(flag) takes no value") }
            }
            switch flag {
            case "--output": parsed.output = try value()
            case "--stack": parsed.stacks.append(try value())
            case "--list": try noValue(); parsed.mode = .list; modes.append(flag)
            case "--check": try noValue(); parsed.mode = .check; modes.append(flag)
            case "--graph": try noValue(); parsed.mode = .graph; modes.append(flag)
            case "--fail": try noValue(); parsed.fail = true
            case "--diff":
                // DIR is optional: the next argument is it unless it is an option.
                var directory = inline
                if inline?.isEmpty == true { throw UsageError("--diff= needs a directory") }
                if inline == nil, index < arguments.count, !arguments[index].hasPrefix("-") { directory = next() }
                parsed.mode = .diff(directory)
                modes.append(flag)
            case "-h", "--help": try noValue(); parsed.help = true
            default:
                if let option = options.first(where: { $0.name == flag }) {
                    if option.valueName != nil { parsed.app[flag] = try value() } else { try noValue(); parsed.app[flag] = "true" }
                } else {
                    throw UsageError(argument.hasPrefix("-") ? "unknown option \(argument)" : "unexpected argument \(argument)")
                }
            }
        }
        if modes.count > 1 { throw UsageError("\(modes.joined(separator: " and ")) cannot be used together") }
        if parsed.fail, case .diff = parsed.mode {} else if parsed.fail { throw UsageError("--fail only applies to --diff") }
        return parsed
    }

    /// Runs the command line in-process and returns the exit status (tests call this; `main()` calls it with the process's I/O).
    /// `color`: whether `--diff` may colour its output (`main()` passes true only for a terminal without `NO_COLOR`).
    public func run(_ arguments: [String], out: (String) -> Void, err: (String) -> Void, color: Bool = false) -> Int32 {
        run(arguments, out: out, err: err, color: color, keep: { _ in })
    }

    /// `keep` receives the app once it is synthesized; `main()` holds it until `exit`, so the process does not spend
    /// its last milliseconds freeing the construct tree one node at a time (the kernel takes the memory back at once).
    func run(_ arguments: [String], out: (String) -> Void, err: (String) -> Void, color: Bool, keep: (App) -> Void) -> Int32 {
        let parsed: Parsed
        do {
            for option in options where Self.builtIn.contains(option.name) {
                throw UsageError("the app option \(option.name) redefines a built-in option")
            }
            parsed = try parse(arguments)
        } catch let error as UsageError {
            err("\(name): \(error.description)\nRun '\(name) --help' for usage.")
            return 2
        } catch {
            err("\(name): \(error)")
            return 2
        }
        if parsed.help {
            out(usage)
            return 0
        }
        var synthesis: Synthesis
        do {
            let app = try makeApp(Arguments(values: parsed.app))
            keep(app)
            synthesis = try app.synthesize()
        } catch let error as UsageError {
            err("\(name): \(error.description)")
            return 2
        } catch let error as SynthesisError {
            err("\(name): \(error.description)")
            for warning in error.warnings { err("  \(warning)") }
            return 1
        } catch {
            err("\(name): \(error)")
            return 1
        }
        for warning in synthesis.warnings { err("\(name): \(warning)") }
        if !parsed.stacks.isEmpty {
            let (selected, unknown) = synthesis.selecting(parsed.stacks)
            if !unknown.isEmpty {
                err("\(name): unknown stack \(unknown.joined(separator: ", ")); the app has: \(synthesis.stacks.map(\.name).joined(separator: ", "))")
                return 2
            }
            synthesis = selected
        }
        let output = parsed.output
        let fullSynth = parsed.stacks.isEmpty
        switch parsed.mode {
        case .list:
            for (index, stack) in synthesis.stacks.enumerated() {
                let after = stack.dependencies.isEmpty ? "" : " (after \(stack.dependencies.joined(separator: ", ")))"
                out("\(index + 1). \(stack.name)\(after)")
            }
            return 0
        case .graph:
            do {
                out(chomp(try AppGraph.mermaid(synthesis)))
            } catch {
                err("\(name): \(error)")
                return 1
            }
            return 0
        case .check:
            let difference = TemplateDirectory.compare(synthesis, withDirectoryAt: output, pruneExtra: fullSynth)
            if difference.isEmpty {
                out("\(output) is up to date (\(synthesis.files.count) files)")
                return 0
            }
            for file in difference.stale { err("\(name): stale: \(output)/\(file)") }
            for file in difference.missing { err("\(name): missing: \(output)/\(file)") }
            for file in difference.extra { err("\(name): extra: \(output)/\(file) (no stack makes it)") }
            err("\(name): \(output) is out of date; run '\(name)' and commit the result")
            return 1
        case .diff(let given):
            let diffDirectory = given ?? output
            let report: DiffReport
            do {
                report = try TemplateDiff.compare(synthesis, with: URL(fileURLWithPath: diffDirectory, isDirectory: true),
                                                  includeRemovedStacks: fullSynth)
            } catch {
                err("\(name): \(error)")
                return 1
            }
            out(chomp(report.render(directory: diffDirectory, color: color)))
            return parsed.fail && report.hasDifferences ? 1 : 0
        case .write:
            let written: Set<String>
            do {
                written = Set(try TemplateDirectory.write(synthesis, toDirectoryAt: output, pruneExtra: fullSynth))
            } catch {
                err("\(name): \(error)")
                return 1
            }
            for stack in synthesis.stacks {
                let verb = written.contains(stack.fileName) ? "wrote" : "unchanged"
                out("\(verb) \(output)/\(stack.fileName) (\(stack.resourceCount) resources, \(stack.body.utf8.count) bytes)")
            }
            out("\(written.contains(Synthesis.manifestFileName) ? "wrote" : "unchanged") \(output)/\(Synthesis.manifestFileName)")
            return 0
        }
    }

    /// Runs with the process's arguments, stdout and stderr, and exits with the status. Colour in `--diff` only when
    /// stdout is a terminal and `NO_COLOR` is unset or empty.
    public func main() -> Never {
        var app: App?
        let status = run(Array(CommandLine.arguments.dropFirst()),
                         out: { print($0) },
                         // Unbuffered `write(2)`: Foundation's `FileHandle` costs more to set up than the line costs to write.
                         err: { _ = FileContents.writeAll($0 + "\n", to: STDERR_FILENO) },
                         color: Self.useColor(isTerminal: isatty(STDOUT_FILENO) == 1, environment: Self.noColorEnvironment()),
                         keep: { app = $0 })
        withExtendedLifetime(app) { exit(status) }
    }

    /// `NO_COLOR` alone, read with `getenv`: `ProcessInfo.processInfo.environment` copies every variable into a
    /// dictionary, which cost a synthesis as much as rendering a template.
    static func noColorEnvironment() -> [String: String] {
        guard let value = getenv("NO_COLOR") else { return [:] }
        return ["NO_COLOR": String(cString: value)]
    }

    /// Colour only on a terminal, and not when `NO_COLOR` is set to anything but the empty string (no-color.org).
    static func useColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// Text that ends with a newline, without it (the `out` callback prints a line).
func chomp(_ text: String) -> String { text.hasSuffix("\n") ? String(text.dropLast()) : text }
