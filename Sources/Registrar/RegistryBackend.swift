#if canImport(Glibc)
import Glibc
#endif
import AWSCore
import HTTPClient

/// An S3 object read by the registrar.
struct StoredObject: Equatable {
    var bytes: [UInt8]
    var eTag: String
    /// The object is longer than the bytes read (`maximumObjectBytes`).
    var truncated = false
}

/// An object listed under a prefix.
struct ListedObject: Equatable {
    var key: String
    var eTag: String
}

/// A model package version as the registry reads it back.
struct PackageSummary: Equatable {
    var arn: String
    var version: Int?
    var status: String
    var description: String
}

/// What the registry flow needs from AWS beyond SSM and CloudWatch: S3 reads, the SageMaker model registry and SNS.
/// Abstracted so every branch runs in tests against a fake.
protocol RegistryBackend: AnyObject {
    /// The object (its first `maximumObjectBytes` bytes: a metrics file is small, and a huge one must not exhaust the
    /// function's memory), or nil when it does not exist (404).
    func getObject(bucket: String, key: String, deadline: Double) throws(AWSError) -> StoredObject?
    /// Objects directly under `prefix` (delimiter `/`: not in deeper "directories").
    func listObjects(bucket: String, prefix: String, deadline: Double) throws(AWSError) -> [ListedObject]
    /// `CreateModelPackage` with the JSON request; returns the new package's ARN.
    func createModelPackage(_ request: JSON, deadline: Double) throws(AWSError) -> String
    func updateModelPackage(_ request: JSON, deadline: Double) throws(AWSError)
    /// The group's versions, newest first, optionally only those with `status`.
    func listModelPackages(group: String, status: String?, maxResults: Int, deadline: Double) throws(AWSError) -> [PackageSummary]
    /// `DescribeModelPackage`'s answer.
    func describeModelPackage(arn: String, deadline: Double) throws(AWSError) -> JSON
    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError)
    func sleep(seconds: Double)
}

/// The most of an object the registrar reads: 64 KiB, far more than a metrics file needs.
let maximumObjectBytes = 65_536

/// The real thing: S3 (REST, signed with the payload hash), SageMaker (JSON 1.1), SNS (query).
final class AWSRegistryBackend: RegistryBackend {
    private let environment: AWSEnvironment
    private let sageMaker: AWSClient
    private let sns: SNSClient
    private var s3Clients: [String: AWSClient] = [:]

    init(environment: AWSEnvironment) {
        self.environment = environment
        sageMaker = environment.client(for: .sageMaker)
        sns = SNSClient(client: environment.client(for: .sns))
    }

    /// Virtual-hosted style (`bucket.s3.region.amazonaws.com`) on AWS, as S3 prefers; path style when an endpoint
    /// override is set (a local emulator) or the name has a dot (the wildcard certificate would not match).
    private func s3(bucket: String) -> (AWSClient, pathPrefix: String) {
        let overridden = environment.variables["AWS_ENDPOINT_URL_S3"] != nil || environment.variables["AWS_ENDPOINT_URL"] != nil
        let pathStyle = overridden || bucket.utf8.contains(UInt8(ascii: "."))
        let cacheKey = pathStyle ? "" : bucket
        if s3Clients[cacheKey] == nil {
            if pathStyle {
                s3Clients[cacheKey] = environment.client(for: .s3)
            } else {
                let regional = environment.endpoint(for: .s3)
                s3Clients[cacheKey] = AWSClient(
                    endpoint: Endpoint(secure: true, host: "\(bucket).\(regional.host)", port: regional.port),
                    signer: SigV4Signer(credentials: environment.credentials, region: environment.region, service: "s3"),
                    caFile: environment.caFile)
            }
        }
        return (s3Clients[cacheKey]!, pathStyle ? "/\(bucket)" : "")
    }

    func getObject(bucket: String, key: String, deadline: Double) throws(AWSError) -> StoredObject? {
        let (client, prefix) = s3(bucket: bucket)
        do {
            // A ranged GET: 206 with `Content-Range: bytes 0-N/<total>` (200 when the object is shorter than the range).
            let response = try client.send(method: "GET", path: "\(prefix)/\(key)", headers: [("Range", "bytes=0-\(maximumObjectBytes - 1)")],
                                           body: [], deadline: deadline)
            let total = response.header("Content-Range").flatMap { range in range.split(separator: "/").last.flatMap { Int($0) } }
            return StoredObject(bytes: response.body, eTag: response.header("ETag") ?? "",
                                truncated: (total ?? response.body.count) > response.body.count)
        } catch {
            if case .service(404, _, _) = error { return nil }
            throw error
        }
    }

    func listObjects(bucket: String, prefix: String, deadline: Double) throws(AWSError) -> [ListedObject] {
        let (client, pathPrefix) = s3(bucket: bucket)
        let response = try client.send(method: "GET", path: pathPrefix.isEmpty ? "/" : pathPrefix,
                                       query: [("delimiter", "/"), ("list-type", "2"), ("prefix", prefix)], headers: [], body: [], deadline: deadline)
        do {
            return try S3ListParsing.objects(in: response.body)
        } catch {
            throw .service(status: response.status, code: "MalformedResponse", message: "ListObjectsV2 answered with invalid XML: \(error)")
        }
    }

    func createModelPackage(_ request: JSON, deadline: Double) throws(AWSError) -> String {
        let answer = try sageMaker.jsonCall(target: "SageMaker.CreateModelPackage", request, deadline: deadline)
        guard let arn = answer["ModelPackageArn"]?.stringValue else {
            throw .service(status: 200, code: "MalformedResponse", message: "CreateModelPackage answered without ModelPackageArn")
        }
        return arn
    }

    func updateModelPackage(_ request: JSON, deadline: Double) throws(AWSError) {
        _ = try sageMaker.jsonCall(target: "SageMaker.UpdateModelPackage", request, deadline: deadline)
    }

    func listModelPackages(group: String, status: String?, maxResults: Int, deadline: Double) throws(AWSError) -> [PackageSummary] {
        var request: [String: JSON] = [
            "ModelPackageGroupName": .string(group), "ModelPackageType": .string("Versioned"),
            "SortBy": .string("CreationTime"), "SortOrder": .string("Descending"), "MaxResults": .int(maxResults),
        ]
        if let status { request["ModelApprovalStatus"] = .string(status) }
        let answer = try sageMaker.jsonCall(target: "SageMaker.ListModelPackages", .object(request), deadline: deadline)
        return (answer["ModelPackageSummaryList"]?.arrayValue ?? []).compactMap { item in
            guard let arn = item["ModelPackageArn"]?.stringValue else { return nil }
            return PackageSummary(arn: arn, version: item["ModelPackageVersion"]?.intValue,
                                  status: item["ModelApprovalStatus"]?.stringValue ?? "", description: item["ModelPackageDescription"]?.stringValue ?? "")
        }
    }

    func describeModelPackage(arn: String, deadline: Double) throws(AWSError) -> JSON {
        try sageMaker.jsonCall(target: "SageMaker.DescribeModelPackage", .object(["ModelPackageName": .string(arn)]), deadline: deadline)
    }

    func publish(topicArn: String, subject: String, message: String, deadline: Double) throws(AWSError) {
        try sns.publish(topicArn: topicArn, subject: subject, message: message, deadline: deadline)
    }

    func sleep(seconds: Double) {
        if seconds > 0 { usleep(UInt32(seconds * 1_000_000)) }
    }
}

/// The `<Contents>` of a ListObjectsV2 answer: keys and ETags in document order (entities and character references
/// decoded by AWSCore's XML reader).
enum S3ListParsing {
    static func objects(in body: [UInt8]) throws(XMLError) -> [ListedObject] {
        try XMLNode.parse(body).children("Contents").compactMap { contents in
            contents.text(of: "Key").map { ListedObject(key: $0, eTag: contents.text(of: "ETag") ?? "") }
        }
    }
}
