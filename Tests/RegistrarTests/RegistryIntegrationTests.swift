import AWSCore
import Foundation
import LambdaTestSupport
import XCTest

/// The registry through the built static `bootstrap` against moto with SigV4 checking on: S3 GetObject/ListObjectsV2,
/// SageMaker CreateModelPackage/UpdateModelPackage/ListModelPackages/DescribeModelPackage, SNS Publish, SSM PutParameter
/// and CloudWatch PutMetricData, each signed by the handler and checked by moto. Skipped without LAMBDA_BOOTSTRAP and MOTO_ENDPOINT.
extension BootstrapIntegrationTests {
    /// Signed calls for the test's own setup and checks.
    struct MotoSession {
        let endpoint: Endpoint
        let credentials: Credentials

        func client(_ service: String) -> AWSClient {
            AWSClient(endpoint: endpoint, signer: SigV4Signer(credentials: credentials, region: "us-west-2", service: service), caFile: nil)
        }

        var deadline: Double { Date().timeIntervalSince1970 + 10 }

        func sageMaker(_ action: String, _ body: String) throws -> [String: Any] {
            let response = try client("sagemaker").post(headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "SageMaker.\(action)")],
                                                        body: Array(body.utf8), deadline: deadline)
            return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
        }

        func createBucket(_ bucket: String) throws {
            _ = try client("s3").send(method: "PUT", path: "/\(bucket)", headers: [],
                                      body: Array("<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>".utf8),
                                      deadline: deadline)
        }

        /// Puts an object; returns its ETag without quotes (as S3 events carry it).
        @discardableResult
        func put(_ bucket: String, _ key: String, _ text: String) throws -> String {
            let response = try client("s3").send(method: "PUT", path: "/\(bucket)/\(key)", headers: [], body: Array(text.utf8), deadline: deadline)
            return (response.header("ETag") ?? "").replacingOccurrences(of: "\"", with: "")
        }

        func packages(_ group: String) throws -> [[String: Any]] {
            let list = try sageMaker("ListModelPackages", #"{"ModelPackageGroupName":"\#(group)","SortBy":"CreationTime","SortOrder":"Ascending"}"#)
            return try (list["ModelPackageSummaryList"] as? [[String: Any]] ?? []).map {
                try sageMaker("DescribeModelPackage", #"{"ModelPackageName":"\#($0["ModelPackageArn"] as! String)"}"#)
            }
        }
    }

    func s3Event(bucket: String, key: String, eTag: String) throws -> String {
        let encoded = key.replacingOccurrences(of: " ", with: "+")
        let time = ISO8601DateFormatter().string(from: Date())
        return try writeEvent(#"{"Records":[{"eventName":"ObjectCreated:Put","eventTime":"\#(time)","s3":{"bucket":{"name":"\#(bucket)"},"object":{"key":"\#(encoded)","eTag":"\#(eTag)"}}}]}"#)
    }

    func testRegistryInMotoWithSignatureChecking() throws {
        let endpoint = try moto()
        _ = try bootstrap()
        let credentials = try motoCredentials(endpoint)
        let moto = MotoSession(endpoint: endpoint, credentials: credentials)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let bucket = "models-\(suffix)", group = "sentiment-\(suffix)", parameter = "/mlops/test/registry-\(suffix)"
        try moto.createBucket(bucket)
        _ = try moto.sageMaker("CreateModelPackageGroup", #"{"ModelPackageGroupName":"\#(group)"}"#)
        let topicXML = try moto.client("sns").queryCall(action: "CreateTopic", version: "2010-03-31", [("Name", "alarms-\(suffix)")], deadline: moto.deadline)
        let topic = try XCTUnwrap(AWSClient.xmlElement("TopicArn", in: topicXML.body))
        let environment = ["_HANDLER": "registrar", "SSM_PARAMETER_NAME": parameter, "AWS_REGION": "us-west-2",
                           "AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
                           "AWS_ENDPOINT_URL": endpoint.description, "METRICS_NAMESPACE": "MLOps/RegistryTest",
                           "MODEL_PACKAGE_GROUP": group, "MODEL_IMAGE_URI": "763104351884.dkr.ecr.us-west-2.amazonaws.com/hf:1",
                           "PRIMARY_METRIC": "f1", "METRICS_WAIT_SECONDS": "0", "ALARM_TOPIC_ARN": topic]
        func deliver(_ events: [String], _ environment: [String: String] = environment) throws -> LocalLambda.Run {
            let run = try run(events: events, environment: environment)
            XCTAssertEqual(run.status, 0, run.log)
            return run
        }
        func upload(_ version: String, f1: Double?) throws -> String {
            if let f1 { try moto.put(bucket, "models/\(version)/metrics.json", #"{"metrics": {"f1": \#(f1), "accuracy": 0.9}, "dataset": "eval"}"#) }
            let eTag = try moto.put(bucket, "models/\(version)/model.tar.gz", "weights \(version)")
            return try s3Event(bucket: bucket, key: "models/\(version)/model.tar.gz", eTag: eTag)
        }
        func uri(_ version: String) -> String { "s3://\(bucket)/models/\(version)/model.tar.gz" }

        // v1: nothing approved yet → Approved; v2 better → Approved; v3 worse → pending, parameter stays v2.
        _ = try deliver([try upload("v1", f1: 0.80), try upload("v2", f1: 0.85), try upload("v3", f1: 0.82)])
        XCTAssertEqual(try getParameter(parameter, endpoint: endpoint, credentials: credentials), uri("v2"))
        var packages = try moto.packages(group)
        XCTAssertEqual(packages.map { $0["ModelApprovalStatus"] as? String }, ["Approved", "Approved", "PendingManualApproval"])
        let v3 = packages[2]
        XCTAssertEqual((v3["CustomerMetadataProperties"] as? [String: String])?["f1"], "0.82")
        XCTAssertEqual(((v3["ModelMetrics"] as? [String: Any])?["ModelQuality"] as? [String: Any]).flatMap { ($0["Statistics"] as? [String: Any])?["S3Uri"] as? String },
                       "s3://\(bucket)/models/v3/metrics.json")
        XCTAssertTrue((v3["ApprovalDescription"] as? String)?.contains("f1 0.82 vs 0.85 of the approved version 2: not better") == true, "\(v3)")
        let container = ((v3["InferenceSpecification"] as? [String: Any])?["Containers"] as? [[String: Any]])?.first
        XCTAssertEqual(container?["ModelDataUrl"] as? String, uri("v3"))
        XCTAssertEqual(container?["Image"] as? String, "763104351884.dkr.ecr.us-west-2.amazonaws.com/hf:1")

        // Metrics first: the metrics event waits for the archive, the archive's event registers it (once, with its metrics).
        // moto's S3 signature check rejects every ListObjects whose query holds a "/" (boto3's own requests too, measured),
        // so the metrics file's event, which lists the directory, runs with checking off.
        let metricsETag = try moto.put(bucket, "models/v4/metrics.json", #"{"metrics": {"f1": 0.90}}"#)
        let metricsEvent = try s3Event(bucket: bucket, key: "models/v4/metrics.json", eTag: metricsETag)
        try LocalLambda.signatureChecking(false, at: endpoint)
        let early = try deliver([metricsEvent])
        try LocalLambda.signatureChecking(true, at: endpoint)
        XCTAssertTrue((early.results.first?["body"] as? String)?.contains("its upload registers the version") == true, "\(early.results)")
        let archiveETag = try moto.put(bucket, "models/v4/model.tar.gz", "weights v4")
        let archiveEvent = try s3Event(bucket: bucket, key: "models/v4/model.tar.gz", eTag: archiveETag)
        // The same archive event twice (S3 delivers at least once), then the metrics event again: one version.
        _ = try deliver([archiveEvent, archiveEvent])
        try LocalLambda.signatureChecking(false, at: endpoint)
        let late = try deliver([metricsEvent])
        try LocalLambda.signatureChecking(true, at: endpoint)
        XCTAssertTrue((late.results.first?["body"] as? String)?.contains("already registered") == true, "\(late.results)")
        packages = try moto.packages(group)
        XCTAssertEqual(packages.count, 4)
        XCTAssertEqual(packages[3]["ModelApprovalStatus"] as? String, "Approved")
        XCTAssertEqual(try getParameter(parameter, endpoint: endpoint, credentials: credentials), uri("v4"))

        // A bad metrics file: pending with the reason, never deployed.
        try moto.put(bucket, "models/v5/metrics.json", "{not json")
        let badETag = try moto.put(bucket, "models/v5/model.tar.gz", "weights v5")
        _ = try deliver([try s3Event(bucket: bucket, key: "models/v5/model.tar.gz", eTag: badETag)])
        packages = try moto.packages(group)
        XCTAssertEqual(packages[4]["ModelApprovalStatus"] as? String, "PendingManualApproval")
        XCTAssertTrue((packages[4]["ApprovalDescription"] as? String)?.contains("is not JSON") == true, "\(packages[4])")
        // A metrics file over 64 KiB is read with a ranged GET (206) and refused without reading it all.
        try moto.put(bucket, "models/v5b/metrics.json", #"{"metrics": {"f1": 0.99}, "notes": ""# + String(repeating: "x", count: 70_000) + #""}"#)
        let bigETag = try moto.put(bucket, "models/v5b/model.tar.gz", "weights v5b")
        _ = try deliver([try s3Event(bucket: bucket, key: "models/v5b/model.tar.gz", eTag: bigETag)])
        let big = try moto.packages(group)[5]
        XCTAssertEqual(big["ModelApprovalStatus"] as? String, "PendingManualApproval")
        XCTAssertTrue((big["ApprovalDescription"] as? String)?.contains("is larger than 64 KiB") == true, "\(big)")
        XCTAssertEqual(try getParameter(parameter, endpoint: endpoint, credentials: credentials), uri("v4"))

        // A person approves v3: the EventBridge event (moto emits none; delivered here) deploys it.
        let v3Arn = try XCTUnwrap(v3["ModelPackageArn"] as? String)
        _ = try moto.sageMaker("UpdateModelPackage", #"{"ModelPackageArn":"\#(v3Arn)","ModelApprovalStatus":"Approved"}"#)
        let approval = try writeEvent(#"{"version":"0","source":"aws.sagemaker","detail-type":"SageMaker Model Package State Change","detail":{"ModelPackageArn":"\#(v3Arn)","ModelPackageGroupName":"\#(group)","ModelApprovalStatus":"Approved"}}"#)
        let approved = try deliver([approval])
        XCTAssertTrue((approved.results.first?["body"] as? String)?.contains("approved by hand") == true, "\(approved.results)")
        XCTAssertEqual(try getParameter(parameter, endpoint: endpoint, credentials: credentials), uri("v3"))
        XCTAssertFalse(approved.log.contains("warning"), approved.log)

        // The outcome metrics went through CloudWatch.
        let metrics = try moto.client("monitoring").queryCall(action: "ListMetrics", version: "2010-08-01", [("Namespace", "MLOps/RegistryTest")],
                                                              deadline: moto.deadline).bodyText
        for name in ["ModelRegistered", "ModelApproved", "ModelPendingApproval", "ModelApprovedManually"] {
            XCTAssertTrue(metrics.contains("<MetricName>\(name)</MetricName>"), "\(name): \(metrics)")
        }

        // A wrong secret: moto refuses the signature, nothing is registered.
        var wrong = environment
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let refused = try run(events: [try upload("v6", f1: 0.99)], environment: wrong)
        XCTAssertEqual(refused.results.first?["status"] as? String, "error", refused.log)
        XCTAssertTrue((refused.results.first?["body"] as? String)?.contains("SignatureDoesNotMatch") == true, refused.log)
        XCTAssertEqual(try moto.packages(group).count, 6)
    }
}
