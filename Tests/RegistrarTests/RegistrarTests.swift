import AWSCore
import Foundation
import LambdaRuntime
@testable import Registrar
import XCTest

/// Records what the handler writes instead of calling AWS.
final class RecordingRegistry: ModelRegistry, @unchecked Sendable {
    var writes: [(String, String)] = []
    var failure: AWSError?

    func record(uri: String, in parameter: String, deadline: Double) throws(AWSError) {
        if let failure { throw failure }
        writes.append((parameter, uri))
    }

    var counts: [String] = []
    func count(_ name: String, namespace: String, deadline: Double) throws(AWSError) { counts.append(name) }

    var reads = 0
    var readFailure: AWSError?
    func current(in parameter: String, deadline: Double) throws(AWSError) -> String? {
        reads += 1
        if let readFailure { throw readFailure }
        return writes.last { $0.0 == parameter }?.1
    }
}

final class RegistrarTests: XCTestCase {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/s3-events")
    let context = InvocationContext(requestId: "req-1", deadlineMs: Int64((Date().timeIntervalSince1970 + 30) * 1000))

    func fixture(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))) }

    func handler(_ environment: [String: String] = [:], registry: RecordingRegistry) throws -> RegistrarHandler {
        let settings = try RegistrarSettings(environment: ["SSM_PARAMETER_NAME": "/mlops/model", "AWS_REGION": "us-west-2"].merging(environment) { $1 })
        return RegistrarHandler(settings: settings, registry: registry)
    }

    func event(_ records: [(name: String, key: String, time: String)]) -> [UInt8] {
        let items = records.map { #"{"eventName":"\#($0.name)","eventTime":"\#($0.time)","s3":{"bucket":{"name":"b"},"object":{"key":"\#($0.key)"}}}"# }
        return Array(#"{"Records":[\#(items.joined(separator: ","))]}"#.utf8)
    }

    func testKeyDecodingTable() throws {
        let table: [(String, String)] = [
            ("models/v1/model.tar.gz", "models/v1/model.tar.gz"),
            ("sentiment+v3/model.tar.gz", "sentiment v3/model.tar.gz"),
            ("a%2Bb/model.tar.gz", "a+b/model.tar.gz"),
            ("caf%C3%A9/model.tar.gz", "café/model.tar.gz"),
            ("%E6%A8%A1%E5%9E%8B.tar.gz", "模型.tar.gz"),
            ("100%25/x", "100%/x"),
            ("a%20b+c", "a b c"),
        ]
        for (encoded, decoded) in table { XCTAssertEqual(try S3EventDecoding.decodeKey(encoded), decoded, encoded) }
        XCTAssertThrowsError(try S3EventDecoding.decodeKey("bad%2"))
        XCTAssertThrowsError(try S3EventDecoding.decodeKey("bad%zz"))
        XCTAssertThrowsError(try S3EventDecoding.decodeKey("%C3%28"), "invalid UTF-8")
    }

    func testRegistersTheUploadedModel() throws {
        let registry = RecordingRegistry()
        let response = try handler(["METRICS_NAMESPACE": "MLOps/Test"], registry: registry).handle(try fixture("object-created-put.json"), context: context)
        let uri = "s3://sentiment-models-123456789012-us-west-2/models/2026-11-22/sentiment v3/model.tar.gz"
        XCTAssertEqual(registry.writes.map(\.0), ["/mlops/model"])
        XCTAssertEqual(registry.writes.map(\.1), [uri])
        XCTAssertEqual(registry.counts, ["ModelRegistered"])
        let body = try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any]
        XCTAssertEqual(body?["statusCode"] as? Int, 200)
        XCTAssertEqual(body?["parameter"] as? String, "/mlops/model")
        XCTAssertEqual(body?["value"] as? String, uri)
        // S3 delivers at least once: the same event again writes nothing (no new parameter version, no rollout).
        let again = try handler(["METRICS_NAMESPACE": "MLOps/Test"], registry: registry).handle(try fixture("object-created-put.json"), context: context)
        XCTAssertEqual(registry.writes.count, 1)
        XCTAssertEqual(registry.counts, ["ModelRegistered"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(again)) as? [String: Any])?["value"] as? String, uri)
        // Without a namespace, no metric.
        let quiet = RecordingRegistry()
        _ = try handler(registry: quiet).handle(try fixture("object-created-put.json"), context: context)
        XCTAssertEqual(quiet.writes.count, 1)
        XCTAssertEqual(quiet.counts, [])
    }

    func testNewestOfSeveralRecordsWins() throws {
        let registry = RecordingRegistry()
        _ = try handler(registry: registry).handle(event([
            ("ObjectCreated:Put", "m/new/model.tar.gz", "2026-11-22T10:00:05.000Z"),
            ("ObjectCreated:Put", "m/old/model.tar.gz", "2026-11-22T10:00:01.000Z"),
            ("ObjectCreated:Put", "m/notes.txt", "2026-11-22T10:00:09.000Z"),
            ("ObjectRemoved:Delete", "m/gone/model.tar.gz", "2026-11-22T10:00:10.000Z"),
        ]), context: context)
        XCTAssertEqual(registry.writes.map(\.1), ["s3://b/m/new/model.tar.gz"])
    }

    func testEventTimesCompareAsInstants() throws {
        XCTAssertEqual(S3EventDecoding.epochMilliseconds("1970-01-01T00:00:00.000Z"), 0)
        XCTAssertEqual(S3EventDecoding.epochMilliseconds("2015-08-30T12:36:00Z"), 1_440_938_160_000)
        XCTAssertEqual(S3EventDecoding.epochMilliseconds("2026-11-22T10:00:00.5Z"), S3EventDecoding.epochMilliseconds("2026-11-22T10:00:00Z").map { $0 + 500 })
        XCTAssertNil(S3EventDecoding.epochMilliseconds("yesterday"))
        // As text, "10:00:00.500Z" sorts before "10:00:00Z"; as instants it is later.
        let registry = RecordingRegistry()
        _ = try handler(registry: registry).handle(event([
            ("ObjectCreated:Put", "m/later/model.tar.gz", "2026-11-22T10:00:00.500Z"),
            ("ObjectCreated:Put", "m/earlier/model.tar.gz", "2026-11-22T10:00:00Z"),
        ]), context: context)
        XCTAssertEqual(registry.writes.map(\.1), ["s3://b/m/later/model.tar.gz"])
    }

    func testFixturesParse() throws {
        let objects = try XCTUnwrap(try S3EventDecoding.objects(in: try fixture("object-created-put.json")))
        XCTAssertEqual(objects, [UploadedObject(bucket: "sentiment-models-123456789012-us-west-2", key: "models/2026-11-22/sentiment v3/model.tar.gz",
                                                eventTime: "2026-11-22T10:00:00.000Z", eventName: "ObjectCreated:Put",
                                                eTag: "d41d8cd98f00b204e9800998ecf8427e")])
        XCTAssertNil(try S3EventDecoding.objects(in: try fixture("test-event.json")), "s3:TestEvent has no records")
    }

    func testSkipsTestEventsAndOtherSuffixes() throws {
        let registry = RecordingRegistry()
        let handler = try handler(["MODEL_SUFFIX": ".pt"], registry: registry)
        _ = try handler.handle(try fixture("test-event.json"), context: context)
        let response = try handler.handle(event([("ObjectCreated:Put", "m/model.tar.gz", "t")]), context: context)
        XCTAssertTrue(registry.writes.isEmpty)
        XCTAssertTrue(String(decoding: response, as: UTF8.self).contains("\"skipped\":1"))
        let text = String(decoding: response, as: UTF8.self)
        XCTAssertTrue(text.contains("\"value\":null"), text)
        XCTAssertTrue(text.contains("\"statusCode\":200"), text)
        XCTAssertTrue(text.contains("\"reason\":\"no ObjectCreated record with a key ending in .pt\""), text)
        let skippedTest = String(decoding: try handler.handle(try fixture("test-event.json"), context: context), as: UTF8.self)
        XCTAssertTrue(skippedTest.contains("\"reason\":\"s3:TestEvent\""), skippedTest)
    }

    func testMalformedEventsSayWhatIsWrong() throws {
        let handler = try handler(registry: RecordingRegistry())
        let cases: [(String, String)] = [
            ("not json", "not an S3 event notification"),
            (#"{"hello": 1}"#, "no Records array"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}}}]}"#, "Records[0].s3.object.key is missing"),
            (#"{"Records": [{"s3": {}}]}"#, "Records[0].eventName is missing"),
            (#"{"Records": "x"}"#, "Records is a string, not an array"),
            (#"{"Records": [7]}"#, "Records[0] is a number, not an object"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": 5}}}]}"#,
             "Records[0].s3.object.key is a number, not a string"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": "b", "object": {"key": "k"}}}]}"#,
             "Records[0].s3.bucket.name is missing: its parent is a string, not an object"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": ""}}}]}"#,
             "Records[0].s3.object.key is empty"),
            ("[]", "it is an array, not an object"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "bad%2"}}}]}"#,
             "invalid percent escape"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try handler.handle(Array(text.utf8), context: context), text) { error in
                let failure = error as? HandlerError
                XCTAssertEqual(failure?.type, "InvalidEvent", text)
                XCTAssertTrue(failure?.message.contains(message) == true, "\(text): \(failure?.message ?? "")")
            }
        }
    }

    func testWriteFailureIsAnError() throws {
        let registry = RecordingRegistry()
        registry.failure = .service(status: 400, code: "AccessDeniedException", message: "no")
        XCTAssertThrowsError(try handler(registry: registry).handle(try fixture("object-created-put.json"), context: context)) { error in
            XCTAssertEqual((error as? HandlerError)?.type, "SSM.PutParameterFailed")
            XCTAssertTrue("\(error)".contains("AccessDeniedException"))
        }
    }

    func testSettingsFromEnvironment() throws {
        XCTAssertThrowsError(try RegistrarSettings(environment: ["AWS_REGION": "us-west-2"])) { error in
            XCTAssertTrue("\(error)".contains("SSM_PARAMETER_NAME"))
        }
        let settings = try RegistrarSettings(environment: ["SSM_PARAMETER_NAME": "/p", "AWS_REGION": "eu-west-1", "METRICS_NAMESPACE": ""])
        XCTAssertEqual(settings.suffix, ".tar.gz")
        XCTAssertNil(settings.metricsNamespace)
        // The region is AWSEnvironment's to check, when the handler is made.
        XCTAssertThrowsError(try RegistrarHandler.make(environment: ["SSM_PARAMETER_NAME": "/p", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"])) { error in
            XCTAssertEqual((error as? HandlerError)?.description, "Runtime.ConfigurationError: AWS_REGION is not set")
        }
    }
}
