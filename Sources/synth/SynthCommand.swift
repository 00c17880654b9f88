import CloudFormation
import Foundation
import Pipeline

/// The `synth` command line: options, exit codes and messages, separate from `main.swift` so tests can run it in-process.
struct SynthCommand {
    static let usage = """
        Usage: synth [--config FILE] [--output DIR] [--stack NAME]... [--list | --check]

        Synthesizes the pipeline's CloudFormation templates from its config.

        Options:
          --config FILE   pipeline settings (default: config/pipeline.json)
          --output DIR    where templates and manifest.json go (default: templates)
          --stack NAME    only this stack (repeatable); the manifest then lists only these
          --list          print the stacks in deployment order with their dependencies; write nothing
          --check         write nothing; exit 1 naming every stale, missing or extra file in DIR
          -h, --help      show this help

        Exit status: 0 success, 1 invalid config or infrastructure, stale templates or a failed write,
        2 usage error (unknown option, missing argument, config file not found).
        """

    enum Mode { case write, list, check }

    struct Options: Equatable {
        var configPath = "config/pipeline.json"
        var outputPath = "templates"
        var stacks: [String] = []
        var mode = Mode.write
        var help = false
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        var modes: [String] = []
        func value(for flag: String) throws(UsageError) -> String {
            guard let value = iterator.next(), !value.hasPrefix("--") else {
                throw UsageError(description: "\(flag) needs a value")
            }
            return value
        }
        while let argument = iterator.next() {
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func take() throws(UsageError) -> String {
                if let inline {
                    guard !inline.isEmpty else { throw UsageError(description: "\(flag) needs a value") }
                    return inline
                }
                return try value(for: flag)
            }
            switch flag {
            case "--config": options.configPath = try take()
            case "--output": options.outputPath = try take()
            case "--stack": options.stacks.append(try take())
            case "--list": options.mode = .list; modes.append(flag)
            case "--check": options.mode = .check; modes.append(flag)
            case "-h", "--help": options.help = true
            default:
                throw UsageError(description: argument.hasPrefix("-") ? "unknown option \(argument)" : "unexpected argument \(argument)")
            }
            if inline != nil, ["--list", "--check", "--help"].contains(flag) {
                throw UsageError(description: "\(flag) takes no value")
            }
        }
        if modes.count > 1 { throw UsageError(description: "\(modes.joined(separator: " and ")) cannot be used together") }
        return options
    }

    /// Runs the command; returns the exit status.
    static func run(_ arguments: [String], out: (String) -> Void, err: (String) -> Void) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            err("synth: \(error.description)\nRun 'synth --help' for usage.")
            return 2
        }
        if options.help {
            out(usage)
            return 0
        }
        let config: PipelineConfig
        do {
            config = try PipelineConfig.load(from: options.configPath)
        } catch let error as ConfigFileError {
            err("synth: \(error.description)")
            return 2
        } catch {
            err("synth: \(error)")
            return 1
        }
        var synthesis: Synthesis
        do {
            synthesis = try PipelineApp.make(config: config).synthesize()
        } catch let error as SynthesisError {
            err("synth: \(error.description)")
            for warning in error.warnings { err("  \(warning)") }
            return 1
        } catch {
            err("synth: \(error)")
            return 1
        }
        for warning in synthesis.warnings { err("synth: \(warning)") }
        if !options.stacks.isEmpty {
            let (selected, unknown) = synthesis.selecting(options.stacks)
            if !unknown.isEmpty {
                err("synth: unknown stack \(unknown.joined(separator: ", ")); the app has: \(synthesis.stacks.map(\.name).joined(separator: ", "))")
                return 2
            }
            synthesis = selected
        }
        let directory = URL(fileURLWithPath: options.outputPath, isDirectory: true)
        let fullSynth = options.stacks.isEmpty
        switch options.mode {
        case .list:
            for (index, stack) in synthesis.stacks.enumerated() {
                let after = stack.dependencies.isEmpty ? "" : " (after \(stack.dependencies.joined(separator: ", ")))"
                out("\(index + 1). \(stack.name)\(after)")
            }
            return 0
        case .check:
            let difference = TemplateDirectory.compare(synthesis, with: directory, pruneExtra: fullSynth)
            if difference.isEmpty {
                out("\(options.outputPath) is up to date (\(synthesis.files.count) files)")
                return 0
            }
            for name in difference.stale { err("synth: stale: \(options.outputPath)/\(name)") }
            for name in difference.missing { err("synth: missing: \(options.outputPath)/\(name)") }
            for name in difference.extra { err("synth: extra: \(options.outputPath)/\(name) (no stack makes it)") }
            err("synth: \(options.outputPath) is out of date; run 'swift run synth' and commit the result")
            return 1
        case .write:
            do {
                try TemplateDirectory.write(synthesis, to: directory, pruneExtra: fullSynth)
            } catch {
                err("synth: \(error)")
                return 1
            }
            for stack in synthesis.stacks {
                out("wrote \(options.outputPath)/\(stack.fileName) (\(stack.resourceCount) resources, \(stack.body.utf8.count) bytes)")
            }
            out("wrote \(options.outputPath)/\(Synthesis.manifestFileName)")
            return 0
        }
    }
}
