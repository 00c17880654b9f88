import HTTPClient

/// The metrics contract between training and the registry.
///
/// **Name rule.** A model version is one S3 "directory": the archive `<dir>/<name><modelSuffix>` (any key ending in the
/// configured suffix, as before) and, beside it, `<dir>/<metricsFileName>` (`metrics.json` by default). `<dir>` is the
/// archive key up to and including its last `/`. One archive per directory: a directory holding two archives is
/// ambiguous for the metrics file and is refused when the metrics file arrives.
///
/// **Schema.** A JSON object:
/// ```json
/// {"metrics": {"f1": 0.91, "accuracy": 0.93}, "dataset": "s3://…/eval.csv"}
/// ```
/// - `metrics` (required): an object of metric name → finite number; names are 1–64 characters of letters, digits and
///   `_ . : / = + - @` (they become `CustomerMetadataProperties` keys, whose rules these are);
/// - `dataset` (optional): a string of at most 256 characters saying what the metrics were measured on;
/// - any other key is ignored (room for the trainer's own notes).
enum MetricsContract {
    /// `<dir>/` of a key (empty at the bucket's root).
    static func directory(of key: String) -> String {
        guard let slash = key.lastIndex(of: "/") else { return "" }
        return String(key[...slash])
    }

    /// The metrics file's key beside an archive key.
    static func metricsKey(forArchive key: String, fileName: String) -> String { directory(of: key) + fileName }

    /// True when `key` is a metrics file (its last path component is exactly the file name).
    static func isMetricsFile(_ key: String, fileName: String) -> Bool {
        key == fileName || key.hasSuffix("/" + fileName)
    }
}

/// A parsed, valid metrics file.
struct ModelMetricsFile: Equatable {
    /// Metric name → value, in name order.
    var metrics: [(name: String, value: Double)]
    var dataset: String?

    static func == (a: ModelMetricsFile, b: ModelMetricsFile) -> Bool {
        a.dataset == b.dataset && a.metrics.map(\.name) == b.metrics.map(\.name) && a.metrics.map(\.value) == b.metrics.map(\.value)
    }

    func value(of name: String) -> Double? { metrics.first { $0.name == name }?.value }

    /// Parses the file; a reason that names the problem when it breaks the schema (never a crash).
    static func parse(_ bytes: [UInt8], primaryMetric: String) -> Result<ModelMetricsFile, MetricsProblem> {
        let document: JSON
        do { document = try JSON(parsing: bytes) } catch {
            return .failure(MetricsProblem("is not JSON (\(error))"))
        }
        guard document.objectValue != nil else { return .failure(MetricsProblem("is \(document.kind), not an object")) }
        guard let metricsValue = document["metrics"], metricsValue != .null else {
            return .failure(MetricsProblem("has no \"metrics\" object"))
        }
        guard let members = metricsValue.objectValue else {
            return .failure(MetricsProblem("\"metrics\" is \(metricsValue.kind), not an object"))
        }
        var metrics: [(name: String, value: Double)] = []
        for name in members.keys.sorted() {
            let value = members[name]!
            guard isValidName(name) else {
                return .failure(MetricsProblem("metric name \"\(name)\" must be 1 to 64 letters, digits or _ . : / = + - @"))
            }
            guard case .number(let text) = value, let number = Double(text), number.isFinite else {
                return .failure(MetricsProblem("metric \"\(name)\" is \(value.kind), not a number"))
            }
            metrics.append((name, number))
        }
        guard metrics.contains(where: { $0.name == primaryMetric }) else {
            let found = metrics.isEmpty ? "none" : metrics.map(\.name).joined(separator: ", ")
            return .failure(MetricsProblem("lacks the primary metric \"\(primaryMetric)\" (found: \(found))"))
        }
        var dataset: String?
        if let value = document["dataset"], value != .null {
            guard let text = value.stringValue else { return .failure(MetricsProblem("\"dataset\" is \(value.kind), not a string")) }
            guard text.count <= 256 else { return .failure(MetricsProblem("\"dataset\" is longer than 256 characters")) }
            dataset = text
        }
        return .success(ModelMetricsFile(metrics: metrics, dataset: dataset))
    }

    /// `CustomerMetadataProperties` key rules: 1–128 characters of `\p{L}\p{Z}\p{N}_.:/=+-@`; this contract takes ASCII
    /// and at most 64, leaving room for the registrar's own keys.
    static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || Array("_.:/=+-@".utf8).contains(byte)
        }
    }
}

/// Why a metrics file breaks the contract (the text follows "the metrics file s3://… ").
struct MetricsProblem: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Number formatting without Foundation: the shortest text that reads back as the same Double (Swift's `description`).
enum MetricText {
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return value.description
    }
}
