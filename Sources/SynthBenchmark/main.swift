// Measures synthesis: the pipeline app and generated apps of 100 to 20,000 resources.
// Each measurement runs in a fresh child process, so peak RSS is that case's alone.
// Usage: SynthBenchmark [--runs N] [--sizes 100,1000,...] [--synth PATH-TO-SYNTH] [--cdk-python PYTHON [--cdk-runs N]]
//        (see scripts/bench-synth.sh)
import AWSResources
import CloudFormation
import Foundation
import Pipeline

struct Sample {
    var buildMs: Double
    var validateMs: Double
    var writeMs: Double
    var bytes: Int
    var maxRSSKiB: Int
    var resources: Int
    var stacks: Int
    /// Spawn to exit, as the parent sees it: loading, runtime start-up, synthesis, writing and exit.
    var processMs: Double = 0
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

/// An app of `count` resources, alternating SSM parameters and buckets, at most 100 per stack... up to 500.
func generatedApp(resources count: Int) -> App {
    let app = App()
    let perStack = 100
    var made = 0
    var stackIndex = 0
    while made < count {
        let stack = Stack(app, "Generated\(stackIndex)")
        for i in 0..<min(perStack, count - made) {
            let n = made + i
            if n % 2 == 0 {
                _ = Resource(stack, "Parameter\(n)", SSM.Parameter(name: "/bench/parameter-\(n)", type: .init(.string), value: "value-\(n)"))
            } else {
                _ = Resource(stack, "Bucket\(n)", S3.Bucket(
                    bucketName: "bench-\(n)-\(Pseudo.accountId)-\(Pseudo.region)",
                    versioningConfiguration: S3.Bucket.VersioningConfiguration(status: .init(.enabled))))
            }
        }
        made += min(perStack, count - made)
        stackIndex += 1
    }
    return app
}

/// The app of a `--child` run, held until `exit` as the `synth` CLI holds its own (nothing freed node by node at the end).
nonisolated(unsafe) var keptApp: App?

func measure(_ name: String, output: URL) throws -> Sample {
    let start = now()
    let app: App
    if name == "pipeline" {
        let config = try PipelineConfig.load(from: "config/pipeline.json")
        app = PipelineApp.make(config: config)
    } else {
        app = generatedApp(resources: Int(name)!)
    }
    keptApp = app
    let built = now()
    let synthesis = try app.synthesize()
    let validated = now()
    try TemplateDirectory.write(synthesis, to: output, pruneExtra: true)
    let written = now()
    // Peak RSS is the parent's to measure (`wait4`), for the whole process.
    return Sample(buildMs: built - start, validateMs: validated - built, writeMs: written - validated,
                  bytes: synthesis.files.reduce(0) { $0 + $1.contents.utf8.count }, maxRSSKiB: 0,
                  resources: synthesis.stacks.reduce(0) { $0 + $1.resourceCount }, stacks: synthesis.stacks.count)
}

/// Runs a program to its end in a fresh process: wall time from spawn to exit, the child's peak RSS, its output.
func spawn(_ path: String, _ arguments: [String], quiet: Bool = false) throws -> (wallMs: Double, maxRSSKiB: Int, output: String) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw NSError(domain: "bench", code: Int(errno)) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    if quiet { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    close(fds[1])
    guard spawned == 0 else { close(fds[0]); throw NSError(domain: "bench", code: Int(spawned)) }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fds[0], &buffer, buffer.count)
        if count <= 0 { break }
        output += buffer[0..<count]
    }
    close(fds[0])
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let wall = now() - start
    guard status == 0 else { throw NSError(domain: "bench: \(path) \(arguments) exited with \(status)", code: Int(status)) }
    return (wall, usage.ru_maxrss, String(decoding: output, as: UTF8.self))
}

func temporaryOutput() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("synth-bench-\(UUID().uuidString)")
}

func runChild(_ name: String, runs: Int) throws -> [Sample] {
    var samples: [Sample] = []
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    for _ in 0..<runs {
        let output = temporaryOutput()
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try spawn(executable, ["--child", name, "--output", output.path])
        let fields = child.output.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        samples.append(Sample(buildMs: fields[0], validateMs: fields[1], writeMs: fields[2], bytes: Int(fields[3]),
                              maxRSSKiB: child.maxRSSKiB, resources: Int(fields[4]), stacks: Int(fields[5]), processMs: child.wallMs))
    }
    return samples
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ values: [Double]) -> String {
    String(format: "%.1f (%.1f–%.1f)", median(values), values.min()!, values.max()!)
}

let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

if let child = option("--child") {
    let sample = try measure(child, output: URL(fileURLWithPath: option("--output")!))
    print(sample.buildMs, sample.validateMs, sample.writeMs, sample.bytes, sample.resources, sample.stacks)
    exit(0)
}

let runs = Int(option("--runs") ?? "5") ?? 5
let sizes = (option("--sizes") ?? "100,1000,10000,20000").split(separator: ",").map(String.init)
print("synth benchmark: \(runs) runs per case, each in a fresh process; median (min–max)")
print("| app | resources | stacks | build ms | validate+render ms | write ms | total ms | process ms | peak RSS MiB | bytes written |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
var points: [(Double, Double)] = []
var processMedians: [(name: String, ms: Double)] = []
for name in ["pipeline"] + sizes {
    let samples = try runChild(name, runs: runs)
    let totals = samples.map { $0.buildMs + $0.validateMs + $0.writeMs }
    let resources = samples[0].resources
    let stacks = samples[0].stacks
    if name != "pipeline" { points.append((Double(resources), median(totals))) }
    processMedians.append((name, median(samples.map(\.processMs))))
    print("| \(name) | \(resources) | \(stacks) | \(format(samples.map(\.buildMs))) | \(format(samples.map(\.validateMs))) | \(format(samples.map(\.writeMs))) | \(format(totals)) | \(format(samples.map(\.processMs))) | \(format(samples.map { Double($0.maxRSSKiB) / 1024 })) | \(samples[0].bytes) |")
}
// The CLI users run: `synth` writing the pipeline's templates, spawn to exit.
if let synth = option("--synth") {
    var walls: [Double] = []
    var rss: [Double] = []
    for _ in 0..<runs {
        let output = temporaryOutput()
        defer { try? FileManager.default.removeItem(at: output) }
        // stderr to /dev/null: the default config's one warning would repeat once per run (a failure still throws).
        let child = try spawn(synth, ["--config", "config/pipeline.json", "--output", output.path], quiet: true)
        walls.append(child.wallMs)
        rss.append(Double(child.maxRSSKiB) / 1024)
    }
    print("\n`\(synth)` (pipeline, writes its templates and manifest), spawn to exit: \(format(walls)) ms, peak RSS \(format(rss)) MiB")
    // The usual re-run: the same directory, whose files are already right (synth compares and leaves them alone).
    let again = temporaryOutput()
    defer { try? FileManager.default.removeItem(at: again) }
    _ = try spawn(synth, ["--config", "config/pipeline.json", "--output", again.path], quiet: true)
    var rewalls: [Double] = []
    for _ in 0..<runs {
        rewalls.append(try spawn(synth, ["--config", "config/pipeline.json", "--output", again.path], quiet: true).wallMs)
    }
    print("the same over its own previous output (every file unchanged, so none written): \(format(rewalls)) ms")
    processMedians[0] = ("pipeline (synth CLI)", median(walls))
}
// The same apps in AWS CDK (Python, `app.synth()`), each run a fresh `python3` process: see scripts/cdk-bench-app.py.
if let python = option("--cdk-python") {
    let cdkRuns = Int(option("--cdk-runs") ?? "3") ?? 3
    print("\nAWS CDK (Python) for the same apps, \(cdkRuns) runs each, spawn to exit; median (min–max)")
    print("| app | this library ms | AWS CDK ms | ratio |")
    print("|---|---:|---:|---:|")
    for (name, ours) in processMedians {
        var walls: [Double] = []
        for _ in 0..<cdkRuns {
            let output = temporaryOutput()
            defer { try? FileManager.default.removeItem(at: output) }
            let arguments = name.hasPrefix("pipeline") ? ["pipeline", "templates", output.path] : [name, output.path]
            walls.append(try spawn(python, ["scripts/cdk-bench-app.py"] + arguments, quiet: true).wallMs)
        }
        print("| \(name) | \(String(format: "%.1f", ours)) | \(format(walls)) | \(String(format: "%.0f×", median(walls) / ours)) |")
    }
}
if points.count >= 2 {
    let n = Double(points.count)
    var sumX = 0.0, sumY = 0.0
    for (x, y) in points { sumX += x; sumY += y }
    let meanX = sumX / n, meanY = sumY / n
    var covariance = 0.0, variance = 0.0
    for (x, y) in points {
        covariance += (x - meanX) * (y - meanY)
        variance += (x - meanX) * (x - meanX)
    }
    let slope = covariance / variance
    print(String(format: "\nslope: %.2f µs per resource (least squares over the generated apps)", slope * 1000))
    for (x, y) in points { print(String(format: "  %6.0f resources: %8.1f ms = %.2f µs/resource", x, y, y / x * 1000)) }
}
