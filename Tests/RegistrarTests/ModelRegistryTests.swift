import AWSCore
import Foundation
import HTTPClient
import LambdaRuntime
@testable import Registrar
import XCTest

/// S3, the SageMaker model registry and SNS in memory, as the registrar sees them.
final class FakeAWS: RegistryBackend, @unchecked Sendable {
    struct Package {
        var arn: String
        var version: Int
        var request: JSON
        var status: String
        var approvalDescription: String?
        var properties: JSON?
    }

    var objects: [String: StoredObject] = [:]
    var packages: [Package] = []
    var published: [(subject: String, message: String)] = []
    var sleeps = 0
    /// Runs on every sleep (an upload that lands while the registrar waits).
    var onSleep: (() -> Void)?
    var calls: [String] = []
    /// An operation's name (`GetObject`, `ListObjectsV2`, `CreateModelPackage`, …) → the error it answers with.
    var failures: [String: AWSError] = [:]

    private func call(_ operation: String, _ detail: String = "") throws(AWSError) {
        calls.append(detail.isEmpty ? operation : "\(operation) \(detail)")
        if let failure = failures[operation] { throw failure }
    }

    func put(_ bucket: String, _ key: String, _ text: String, eTag: String? = nil) {
        objects["\(bucket)/\(key)"] = StoredObject(bytes: Array(text.utf8), eTag: eTag ?? "\"\(text.hashValue)\"")
    }

    func getObject(bucket: String, key: String, deadline: Double) throws(AWSError) -> StoredObject? {
        try call("GetObject", key)
        guard var object = objects["\(bucket)/\(key)"] else { return nil }
        if object.bytes.count > maximumObjectBytes {
            object.bytes = Array(object.bytes.prefix(maximumObjectBytes))
            object.truncated = true
        }
        return object
    }

    func listObjects(bucket: String, prefix: String, deadline: Double) throws(AWSError) -> [ListedObject] {
        try call("ListObjectsV2", prefix)
        return objects.keys.sorted().compactMap { path in
            guard path.hasPrefix("\(bucket)/\(prefix)") else { return nil }
            let key = String(path.dropFirst(bucket.count + 1))
            return key.dropFirst(prefix.count).contains("/") ? nil : ListedObject(key: key, eTag: objects[path]!.eTag)
        }
    }

    func createModelPackage(_ request: JSON, deadline: Double) throws(AWSError) -> String {
        try call("CreateModelPackage")
        let version = packages.count + 1
        let arn = "arn:aws:sagemaker:us-west-2:123456789012:model-package/sentiment-models/\(version)"
        packages.append(Package(arn: arn, version: version, request: request, status: request["ModelApprovalStatus"]?.stringValue ?? "",
                                properties: request["CustomerMetadataProperties"]))
        return arn
    }

    func updateModelPackage(_ request: JSON, deadline: Double) throws(AWSError) {
        try call("UpdateModelPackage")
        guard let index = packages.firstIndex(where: { $0.arn == request["ModelPackageArn"]?.stringValue }) else {
            throw .service(status: 400, code: "ValidationException", message: "not found")
        }
        if let status = request["ModelApprovalStatus"]?.stringValue { packages[index].status = status }
        if let text = request["ApprovalDescription"]?.stringValue { packages[index].approvalDescription = text }
        if let properties = request["CustomerMetadataProperties"] { packages[index].properties = properties }
    }

    func listModelPackages(group: String, status: String?, maxResults: Int, deadline: Double) throws(AWSError) -> [PackageSummary] {
        try call("ListModelPackages", status ?? "any")
        return packages.reversed().filter { status == nil || $0.status == status }.prefix(maxResults).map {
            PackageSummary(arn: $0.arn, version: $0.version, status: $0.status, description: $0.request["ModelPackageDescription"]?.stringValue ?? "")
        }
    }

    func describeModelPackage(arn: String, deadline: Double) throws(AWSError) -> JSON {
        try call("DescribeModelPackage")
        guard let package = packages.first(where: { $0.arn == arn }) else { throw .service(status: 400, code: "ValidationException", message: "not found") }
        var members = package.request.objectValue!
        members["ModelPackageArn"] = .string(arn)
        members["ModelPackageVersion"] = .int(package.version)
        members["ModelApprovalStatus"] = .string(package.status)
        members["CustomerMetadataProperties"] = package.properties
        if let text = package.approvalDescription { members["ApprovalDescription"] = .string(text) }
        return .object(members)
    }

    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError) {
        try call("Publish")
        published.append((subject, message))
    }

    func sleep(seconds: Double) {
        sleeps += 1
        onSleep?()
    }
}

final class ModelRegistryTests: XCTestCase {
    let bucket = "models-bucket"
    var context: InvocationContext { InvocationContext(requestId: "req", deadlineMs: Int64((Date().timeIntervalSince1970 + 30) * 1000)) }
    var aws: FakeAWS!
    var ssm: RecordingRegistry!

    override func setUp() {
        aws = FakeAWS()
        ssm = RecordingRegistry()
    }

    func handler(_ environment: [String: String] = [:]) throws -> RegistrarHandler {
        let variables = ["SSM_PARAMETER_NAME": "/mlops/model", "AWS_REGION": "us-west-2", "METRICS_NAMESPACE": "MLOps/Test",
                         "MODEL_PACKAGE_GROUP": "sentiment-models", "MODEL_IMAGE_URI": "763104351884.dkr.ecr.us-west-2.amazonaws.com/hf:1",
                         "PRIMARY_METRIC": "f1", "METRICS_WAIT_SECONDS": "0", "ALARM_TOPIC_ARN": "arn:aws:sns:us-west-2:123456789012:alarms"]
            .merging(environment) { $1 }
        return RegistrarHandler(settings: try RegistrarSettings(environment: variables), registry: ssm,
                                packages: try RegistrySettings.from(environment: variables), backend: aws)
    }

    func event(_ key: String) -> [UInt8] {
        let encoded = key.replacingOccurrences(of: " ", with: "+")
        // S3 events carry the ETag without quotes.
        let eTag = (aws.objects["\(bucket)/\(key)"]?.eTag ?? "").replacingOccurrences(of: "\"", with: "")
        return Array(#"{"Records":[{"eventName":"ObjectCreated:Put","eventTime":"2026-11-26T10:00:00.000Z","s3":{"bucket":{"name":"\#(bucket)"},"object":{"key":"\#(encoded)","eTag":"\#(eTag)"}}}]}"#.utf8)
    }

    func metrics(_ f1: Double, accuracy: Double = 0.9) -> String { #"{"metrics": {"f1": \#(f1), "accuracy": \#(accuracy)}, "dataset": "eval-2026-11"}"# }

    /// Uploads the archive (and metrics, if given) and delivers the archive's event.
    @discardableResult
    func upload(_ directory: String, metrics text: String?, _ environment: [String: String] = [:]) throws -> [String: Any] {
        if let text { aws.put(bucket, "\(directory)/metrics.json", text) }
        aws.put(bucket, "\(directory)/model.tar.gz", "weights of \(directory)")
        let response = try handler(environment).handle(event("\(directory)/model.tar.gz"), context: context)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])
    }

    // MARK: the comparison

    func testComparisonTable() {
        let higher = ComparisonRule(metric: "f1", higherIsBetter: true, minimumImprovement: 0)
        let lower = ComparisonRule(metric: "loss", higherIsBetter: false, minimumImprovement: 0)
        let margin = ComparisonRule(metric: "f1", higherIsBetter: true, minimumImprovement: 0.05)
        let table: [(Double, Double?, ComparisonRule, Bool)] = [
            (0.9, nil, higher, true),          // nothing approved yet
            (0.91, 0.90, higher, true),
            (0.90, 0.90, higher, false),       // equal is not better
            (0.89, 0.90, higher, false),
            (0.20, 0.25, lower, true),
            (0.30, 0.25, lower, false),
            (0.85, 0.80, margin, true),        // 0.04999… meets 0.05 within rounding
            (0.84, 0.80, margin, false),
            (0.95, 0.80, margin, true),
        ]
        for (candidate, baseline, rule, approve) in table {
            let result = ModelComparison.compare(candidate: candidate, baseline: baseline, baselineVersion: "3", rule: rule)
            XCTAssertEqual(result.approve, approve, "\(candidate) vs \(String(describing: baseline)) \(rule): \(result.explanation)")
        }
        let text = ModelComparison.compare(candidate: 0.82, baseline: 0.85, baselineVersion: "2", rule: higher).explanation
        XCTAssertEqual(text, "f1 0.82 vs 0.85 of the approved version 2: not better (higher is better)")
    }

    func testMetricsFileSchema() {
        let good = ModelMetricsFile.parse(Array(metrics(0.91).utf8), primaryMetric: "f1")
        XCTAssertEqual(try good.get().metrics.map(\.name), ["accuracy", "f1"])
        XCTAssertEqual(try good.get().value(of: "f1"), 0.91)
        XCTAssertEqual(try good.get().dataset, "eval-2026-11")
        let bad: [(String, String)] = [
            ("not json", "is not JSON"),
            ("[1]", "is an array, not an object"),
            (#"{"f1": 0.9}"#, "has no \"metrics\" object"),
            (#"{"metrics": [0.9]}"#, "\"metrics\" is an array, not an object"),
            (#"{"metrics": {"accuracy": 0.9}}"#, "lacks the primary metric \"f1\" (found: accuracy)"),
            (#"{"metrics": {"f1": "0.9"}}"#, "metric \"f1\" is a string, not a number"),
            (#"{"metrics": {"f1": 0.9, "bad name!": 1}}"#, "metric name \"bad name!\""),
            (#"{"metrics": {"f1": 0.9}, "dataset": 3}"#, "\"dataset\" is a number, not a string"),
        ]
        for (text, reason) in bad {
            guard case .failure(let problem) = ModelMetricsFile.parse(Array(text.utf8), primaryMetric: "f1") else {
                XCTFail("\(text) was accepted"); continue
            }
            XCTAssertTrue(problem.reason.contains(reason), "\(text): \(problem.reason)")
        }
        XCTAssertEqual(MetricsContract.metricsKey(forArchive: "models/v2/model.tar.gz", fileName: "metrics.json"), "models/v2/metrics.json")
        XCTAssertEqual(MetricsContract.metricsKey(forArchive: "model.tar.gz", fileName: "metrics.json"), "metrics.json")
        XCTAssertTrue(MetricsContract.isMetricsFile("models/v2/metrics.json", fileName: "metrics.json"))
        XCTAssertFalse(MetricsContract.isMetricsFile("models/v2/old-metrics.json", fileName: "metrics.json"))
    }

    // MARK: registration on upload

    func testFirstVersionIsApprovedAndDeployedWithItsMetrics() throws {
        let body = try upload("models/v1", metrics: metrics(0.80))
        XCTAssertEqual(body["modelApprovalStatus"] as? String, "Approved")
        XCTAssertEqual(body["value"] as? String, "s3://\(bucket)/models/v1/model.tar.gz")
        XCTAssertEqual(ssm.writes.map(\.1), ["s3://\(bucket)/models/v1/model.tar.gz"])
        let package = try XCTUnwrap(aws.packages.first)
        let request = package.request
        XCTAssertEqual(request["ModelPackageGroupName"]?.stringValue, "sentiment-models")
        let container = request["InferenceSpecification"]?["Containers"]?.arrayValue?.first
        XCTAssertEqual(container?["Image"]?.stringValue, "763104351884.dkr.ecr.us-west-2.amazonaws.com/hf:1")
        XCTAssertEqual(container?["ModelDataUrl"]?.stringValue, "s3://\(bucket)/models/v1/model.tar.gz")
        XCTAssertEqual(request["ModelMetrics"]?["ModelQuality"]?["Statistics"]?["S3Uri"]?.stringValue, "s3://\(bucket)/models/v1/metrics.json")
        XCTAssertEqual(request["CustomerMetadataProperties"], .object(["f1": .string("0.8"), "accuracy": .string("0.9"), "dataset": .string("eval-2026-11")]))
        XCTAssertEqual(package.properties, request["CustomerMetadataProperties"], "sent again with the update")
        XCTAssertTrue(package.approvalDescription?.contains("no approved version with f1") == true, package.approvalDescription ?? "")
        XCTAssertEqual(ssm.counts, ["ModelRegistered", "ModelApproved"])
        XCTAssertTrue(aws.published.isEmpty)
    }

    func testBetterVersionIsApprovedWorseStaysPendingWithBothFigures() throws {
        try upload("models/v1", metrics: metrics(0.80))
        let v2 = try upload("models/v2", metrics: metrics(0.85))
        XCTAssertEqual(v2["modelApprovalStatus"] as? String, "Approved")
        XCTAssertTrue(aws.packages[1].approvalDescription?.contains("f1 0.85 vs 0.8 of the approved version 1: better") == true,
                      aws.packages[1].approvalDescription ?? "")
        let v3 = try upload("models/v3", metrics: metrics(0.82))
        XCTAssertEqual(v3["modelApprovalStatus"] as? String, "PendingManualApproval")
        XCTAssertTrue(v3["value"] is NSNull, "nothing deployed")
        XCTAssertEqual(ssm.writes.map(\.1), ["s3://\(bucket)/models/v1/model.tar.gz", "s3://\(bucket)/models/v2/model.tar.gz"])
        XCTAssertEqual(aws.packages.map(\.status), ["Approved", "Approved", "PendingManualApproval"])
        XCTAssertEqual(aws.published.count, 1)
        XCTAssertTrue(aws.published[0].message.contains("f1 0.82 vs 0.85 of the approved version 2: not better"), aws.published[0].message)
        XCTAssertEqual(aws.published[0].subject, "Model awaiting approval")
        XCTAssertTrue(ssm.counts.contains("ModelPendingApproval"))
    }

    func testLowerIsBetterWithAMinimumImprovement() throws {
        let settings = ["PRIMARY_METRIC": "loss", "HIGHER_IS_BETTER": "false", "MINIMUM_IMPROVEMENT": "0.05"]
        try upload("models/v1", metrics: #"{"metrics": {"loss": 0.40}}"#, settings)
        XCTAssertEqual(try upload("models/v2", metrics: #"{"metrics": {"loss": 0.38}}"#, settings)["modelApprovalStatus"] as? String,
                       "PendingManualApproval", "0.02 lower is below the minimum improvement")
        XCTAssertEqual(try upload("models/v3", metrics: #"{"metrics": {"loss": 0.35}}"#, settings)["modelApprovalStatus"] as? String, "Approved")
    }

    func testMissingMetricsAreRejectedWhenRequiredAndApprovedOtherwise() throws {
        let rejected = try upload("models/v1", metrics: nil, ["REQUIRE_METRICS": "true"])
        XCTAssertEqual(rejected["modelApprovalStatus"] as? String, "Rejected")
        XCTAssertTrue(ssm.writes.isEmpty)
        XCTAssertEqual(aws.published.map(\.subject), ["Model rejected: no metrics"])
        XCTAssertTrue(aws.published[0].message.contains("no metrics file s3://\(bucket)/models/v1/metrics.json and registry.requireMetrics is true"))
        XCTAssertEqual(ssm.counts, ["ModelRegistered", "ModelRejected"])
        XCTAssertNil(aws.packages[0].request["ModelMetrics"])

        let approved = try upload("models/v2", metrics: nil, ["REQUIRE_METRICS": "false"])
        XCTAssertEqual(approved["modelApprovalStatus"] as? String, "Approved")
        XCTAssertEqual(ssm.writes.map(\.1), ["s3://\(bucket)/models/v2/model.tar.gz"])
    }

    func testBadMetricsStayPendingWithTheReasonAndNeverDeploy() throws {
        try upload("models/v1", metrics: metrics(0.80))
        let cases: [(String, String)] = [
            ("{not json", "is not JSON"),
            (#"{"metrics": {"accuracy": 0.99}}"#, "lacks the primary metric \"f1\""),
            (#"{"metrics": {"f1": "high"}}"#, "metric \"f1\" is a string, not a number"),
            (#"{"metrics": {"f1": 0.99}, "notes": ""# + String(repeating: "x", count: 70_000) + #""}"#, "is larger than 64 KiB"),
        ]
        for (index, (text, reason)) in cases.enumerated() {
            let body = try upload("models/bad\(index)", metrics: text)
            XCTAssertEqual(body["modelApprovalStatus"] as? String, "PendingManualApproval", text)
            let package = try XCTUnwrap(aws.packages.last)
            XCTAssertTrue(package.approvalDescription?.contains(reason) == true, "\(text): \(package.approvalDescription ?? "")")
            XCTAssertTrue(package.approvalDescription?.contains("s3://\(bucket)/models/bad\(index)/metrics.json") == true)
        }
        XCTAssertEqual(ssm.writes.count, 1, "only v1 was ever deployed")
        XCTAssertEqual(aws.published.count, 4)
    }

    // MARK: upload order

    func testMetricsFirstThenArchive() throws {
        aws.put(bucket, "models/v1/metrics.json", metrics(0.80))
        let early = try handler().handle(event("models/v1/metrics.json"), context: context)
        XCTAssertTrue(String(decoding: early, as: UTF8.self).contains("its upload registers the version"))
        XCTAssertTrue(aws.packages.isEmpty)
        aws.put(bucket, "models/v1/model.tar.gz", "weights")
        _ = try handler().handle(event("models/v1/model.tar.gz"), context: context)
        XCTAssertEqual(aws.packages.count, 1)
        XCTAssertNotNil(aws.packages[0].request["ModelMetrics"])
        XCTAssertEqual(aws.sleeps, 0, "the metrics were there: no waiting")
    }

    func testArchiveFirstThenMetricsBothEventsRegisterOnce() throws {
        aws.put(bucket, "models/v1/model.tar.gz", "weights")
        aws.put(bucket, "models/v1/metrics.json", metrics(0.80))
        _ = try handler().handle(event("models/v1/model.tar.gz"), context: context)
        let second = try handler().handle(event("models/v1/metrics.json"), context: context)
        XCTAssertEqual(aws.packages.count, 1, "the second event finds the version the first created")
        XCTAssertTrue(String(decoding: second, as: UTF8.self).contains("already registered"))
        XCTAssertEqual(ssm.writes.count, 1, "no second version, and the parameter, which already holds it, is not written again")
        XCTAssertEqual(ssm.reads, 2)
    }

    func testArchiveWaitsForAMetricsFileThatLandsMeanwhile() throws {
        aws.put(bucket, "models/v1/model.tar.gz", "weights")
        aws.onSleep = { [unowned self] in if aws.sleeps == 2 { aws.put(bucket, "models/v1/metrics.json", metrics(0.8)) } }
        _ = try handler(["METRICS_WAIT_SECONDS": "10"]).handle(event("models/v1/model.tar.gz"), context: context)
        XCTAssertEqual(aws.sleeps, 2)
        XCTAssertNotNil(aws.packages.first?.request["ModelMetrics"], "registered with the metrics that arrived during the wait")
    }

    func testTwoArchivesInOneDirectoryAreRefusedForTheMetricsFile() throws {
        aws.put(bucket, "models/v1/a.tar.gz", "a")
        aws.put(bucket, "models/v1/b.tar.gz", "b")
        aws.put(bucket, "models/v1/metrics.json", metrics(0.8))
        let body = String(decoding: try handler().handle(event("models/v1/metrics.json"), context: context), as: UTF8.self)
        XCTAssertTrue(body.contains("2 archives in s3://\(bucket)/models/v1/"), body)
        XCTAssertTrue(aws.packages.isEmpty)
    }

    func testBaselineFallsBackToTheMetricsFileWhenPropertiesAreGone() throws {
        try upload("models/v1", metrics: metrics(0.80))
        aws.packages[0].properties = nil  // e.g. wiped by an update that did not send them
        XCTAssertEqual(try upload("models/v2", metrics: metrics(0.79))["modelApprovalStatus"] as? String, "PendingManualApproval")
        XCTAssertTrue(aws.published.last?.message.contains("vs 0.8 of the approved version 1") == true)
    }

    // MARK: approval by a person

    func approval(_ arn: String, status: String = "Approved", group: String = "sentiment-models") -> [UInt8] {
        Array(#"{"version":"0","source":"aws.sagemaker","detail-type":"SageMaker Model Package State Change","detail":{"ModelPackageArn":"\#(arn)","ModelPackageGroupName":"\#(group)","ModelApprovalStatus":"\#(status)"}}"#.utf8)
    }

    /// A failed AWS call before the version is safely registered is an error (S3 retries the event); one after it
    /// (the approval note, the notice) is a logged warning, and the upload still counts.
    func testAWSFailuresAreErrorsBeforeRegistrationAndWarningsAfter() throws {
        let denied = AWSError.service(status: 400, code: "AccessDeniedException", message: "denied")
        // The archive's event reads the metrics file beside it; the metrics file's event lists the directory for the archive.
        for (operation, type, eventKey) in [("GetObject", "S3.GetObjectFailed", "model.tar.gz"), ("ListObjectsV2", "S3.ListObjectsFailed", "metrics.json"),
                                            ("ListModelPackages", "SageMaker.RegistryReadFailed", "model.tar.gz"),
                                            ("CreateModelPackage", "SageMaker.CreateModelPackageFailed", "model.tar.gz")] {
            setUp()
            aws.put(bucket, "models/v1/metrics.json", metrics(0.85))
            aws.put(bucket, "models/v1/model.tar.gz", "weights")
            aws.failures[operation] = denied
            XCTAssertThrowsError(try handler().handle(event("models/v1/\(eventKey)"), context: context), operation) { error in
                XCTAssertEqual((error as? HandlerError)?.type, type, "\(operation): \(error)")
                XCTAssertTrue("\(error)".contains("AccessDeniedException"), "\(error)")
            }
            XCTAssertTrue(ssm.writes.isEmpty, "\(operation): nothing deployed")
        }
        setUp()
        ssm.failure = denied
        XCTAssertThrowsError(try upload("models/v1", metrics: metrics(0.85))) { error in
            XCTAssertEqual((error as? HandlerError)?.type, "SSM.PutParameterFailed")
        }
        for operation in ["UpdateModelPackage", "Publish"] {
            setUp()
            aws.failures[operation] = denied
            try upload("models/v1", metrics: metrics(0.85))
            XCTAssertEqual(ssm.writes.map(\.1), ["s3://\(bucket)/models/v1/model.tar.gz"], operation)
        }
        // The parameter cannot be read: it is written (a second write of the same value is harmless; a lost one is not).
        setUp()
        ssm.readFailure = denied
        try upload("models/v1", metrics: metrics(0.85))
        XCTAssertEqual(ssm.writes.count, 1)
        // An approval whose version cannot be described is an error for EventBridge to retry.
        setUp()
        try upload("models/v1", metrics: metrics(0.85))
        aws.failures["DescribeModelPackage"] = denied
        XCTAssertThrowsError(try handler().handle(approval(aws.packages[0].arn), context: context)) { error in
            XCTAssertEqual((error as? HandlerError)?.type, "SageMaker.DescribeModelPackageFailed")
        }
    }

    func testApprovingAPendingVersionByHandDeploysIt() throws {
        try upload("models/v1", metrics: metrics(0.85))
        try upload("models/v2", metrics: metrics(0.80))
        let arn = aws.packages[1].arn
        // Rejecting does nothing.
        aws.packages[1].status = "Rejected"
        let rejected = String(decoding: try handler().handle(approval(arn, status: "Rejected"), context: context), as: UTF8.self)
        XCTAssertTrue(rejected.contains("nothing to deploy"), rejected)
        // An event that says Approved while the version is no longer approved does nothing either.
        let stale = String(decoding: try handler().handle(approval(arn), context: context), as: UTF8.self)
        XCTAssertTrue(stale.contains("no longer approved"), stale)
        XCTAssertEqual(ssm.writes.count, 1)

        aws.packages[1].status = "Approved"
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try handler().handle(approval(arn), context: context))) as? [String: Any])
        XCTAssertEqual(body["value"] as? String, "s3://\(bucket)/models/v2/model.tar.gz")
        XCTAssertEqual(ssm.writes.last?.1, "s3://\(bucket)/models/v2/model.tar.gz")
        XCTAssertTrue(ssm.counts.contains("ModelApprovedManually"))
    }

    func testApprovalEventsThatAreNotADeployment() throws {
        try upload("models/v1", metrics: metrics(0.85))
        let own = String(decoding: try handler().handle(approval(aws.packages[0].arn), context: context), as: UTF8.self)
        XCTAssertTrue(own.contains("approved automatically at registration"), own)
        let other = String(decoding: try handler().handle(approval(aws.packages[0].arn, group: "other"), context: context), as: UTF8.self)
        XCTAssertTrue(other.contains("model package group other is not sentiment-models"), other)
        XCTAssertEqual(ssm.writes.count, 1, "only the registration itself wrote")
        XCTAssertThrowsError(try handler().handle(Array(#"{"detail-type":"SageMaker Model Package State Change","detail":{}}"#.utf8), context: context)) {
            XCTAssertEqual(($0 as? HandlerError)?.type, "InvalidEvent")
        }
        XCTAssertThrowsError(try handler().handle(Array(#"{"detail-type":"Parameter Store Change","detail":{}}"#.utf8), context: context)) {
            XCTAssertTrue("\($0)".contains("unexpected EventBridge event"))
        }
    }

    func testRegistrySettingsFromEnvironment() throws {
        XCTAssertNil(try RegistrySettings.from(environment: [:]), "no group: registry off")
        XCTAssertThrowsError(try RegistrySettings.from(environment: ["MODEL_PACKAGE_GROUP": "g", "PRIMARY_METRIC": "f1"])) {
            XCTAssertTrue("\($0)".contains("MODEL_IMAGE_URI"))
        }
        XCTAssertThrowsError(try RegistrySettings.from(environment: ["MODEL_PACKAGE_GROUP": "g", "MODEL_IMAGE_URI": "i", "PRIMARY_METRIC": "f1",
                                                                     "HIGHER_IS_BETTER": "yes"])) { XCTAssertTrue("\($0)".contains("HIGHER_IS_BETTER")) }
        let settings = try XCTUnwrap(try RegistrySettings.from(environment: ["MODEL_PACKAGE_GROUP": "g", "MODEL_IMAGE_URI": "i", "PRIMARY_METRIC": "f1"]))
        XCTAssertEqual(settings.metricsFileName, "metrics.json")
        XCTAssertEqual(settings.metricsWaitSeconds, 10)
        XCTAssertFalse(settings.requireMetrics)
        XCTAssertTrue(settings.rule.higherIsBetter)
    }

    func testListObjectsXML() throws {
        let xml = #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Contents><Key>models/v1/a&amp;b&#233;.tar.gz</Key><ETag>&quot;abc&quot;</ETag></Contents><Contents><Key>models/v1/metrics.json</Key><ETag>"d"</ETag></Contents><Contents><ETag>"no key"</ETag></Contents><CommonPrefixes><Prefix>models/v1/x/</Prefix></CommonPrefixes></ListBucketResult>"#
        XCTAssertEqual(try S3ListParsing.objects(in: Array(xml.utf8)), [ListedObject(key: "models/v1/a&bé.tar.gz", eTag: "\"abc\""),
                                                                         ListedObject(key: "models/v1/metrics.json", eTag: "\"d\"")])
        XCTAssertEqual(try S3ListParsing.objects(in: Array("<ListBucketResult/>".utf8)), [])
        XCTAssertThrowsError(try S3ListParsing.objects(in: Array("<ListBucketResult><Contents>".utf8)))
    }
}
