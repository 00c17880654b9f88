// Measures synthesis: the pipeline app and generated apps of 100 to 20,000 resources.
// Each measurement runs in a fresh child process, so peak RSS is that case's alone.
// Usage: swift run -c release SynthBenchmark [--runs N] [--sizes 100,1000,...]   (see scripts/bench-synth.sh)
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

func measure(_ name: String, output: URL) throws -> Sample {
    let start = now()
    let app: App
    if name == "pipeline" {
        let config = try PipelineConfig.load(from: "config/pipeline.json")
        app = PipelineApp.make(config: config)
    } else {
        app = generatedApp(resources: Int(name)!)
    }
    let built = now()
    let synthesis = try app.synthesize()
    let validated = now()
    try TemplateDirectory.write(synthesis, to: output, pruneExtra: true)
    let written = now()
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Sample(buildMs: built - start, validateMs: validated - built, writeMs: written - validated,
                  bytes: synthesis.files.reduce(0) { $0 + $1.contents.utf8.count }, maxRSSKiB: usage.ru_maxrss,
                  resources: synthesis.stacks.reduce(0) { $0 + $1.resourceCount })
}

func runChild(_ name: String, runs: Int) throws -> [Sample] {
    var samples: [Sample] = []
    for _ in 0..<runs {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("synth-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        }
        process.arguments = ["--child", name, "--output", output.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NSError(domain: "bench", code: Int(process.terminationStatus)) }
        let fields = String(decoding: data, as: UTF8.self).split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        samples.append(Sample(buildMs: fields[0], validateMs: fields[1], writeMs: fields[2], bytes: Int(fields[3]),
                              maxRSSKiB: Int(fields[4]), resources: Int(fields[5])))
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
    print(sample.buildMs, sample.validateMs, sample.writeMs, sample.bytes, sample.maxRSSKiB, sample.resources)
    exit(0)
}

let runs = Int(option("--runs") ?? "5") ?? 5
let sizes = (option("--sizes") ?? "100,1000,10000,20000").split(separator: ",").map(String.init)
print("synth benchmark: \(runs) runs per case, each in a fresh process; median (min–max)")
print("| app | resources | stacks | build ms | validate+render ms | write ms | total ms | peak RSS MiB | bytes written |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
var points: [(Double, Double)] = []
for name in ["pipeline"] + sizes {
    let samples = try runChild(name, runs: runs)
    let totals = samples.map { $0.buildMs + $0.validateMs + $0.writeMs }
    let resources = samples[0].resources
    let stacks = name == "pipeline" ? 3 : (Int(name)! + 99) / 100
    if name != "pipeline" { points.append((Double(resources), median(totals))) }
    print("| \(name) | \(resources) | \(stacks) | \(format(samples.map(\.buildMs))) | \(format(samples.map(\.validateMs))) | \(format(samples.map(\.writeMs))) | \(format(totals)) | \(format(samples.map { Double($0.maxRSSKiB) / 1024 })) | \(samples[0].bytes) |")
}
if points.count >= 2 {
    let n = Double(points.count)
    let meanX = points.map(\.0).reduce(0, +) / n, meanY = points.map(\.1).reduce(0, +) / n
    let slope = points.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +) / points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
    print(String(format: "\nslope: %.2f µs per resource (least squares over the generated apps)", slope * 1000))
    for (x, y) in points { print(String(format: "  %6.0f resources: %8.1f ms = %.2f µs/resource", x, y, y / x * 1000)) }
}
