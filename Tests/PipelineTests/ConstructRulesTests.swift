import AWSResources
import CloudFormation
import Constructs
import TemplateAssertions
import XCTest

/// The constructs' own rules (least privilege, cycle-free notifications, scaling bounds), each failing synthesis with a precise message.
final class ConstructRulesTests: XCTestCase {
    func synthesisErrors(_ build: (Stack) -> Void) -> [Diagnostic] {
        let app = App()
        build(Stack(app, "S"))
        do {
            _ = try app.synthesize()
            return []
        } catch let error as SynthesisError {
            return error.errors
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    /// Functions sharing one key: each gets its own log-group statement, CloudWatch Logs one unconditional DescribeKey;
    /// every function's dead-letter queue is retained.
    func testFunctionsSharingAKeyGetOneDescribeKeyStatementAndRetainedQueues() throws {
        let app = App()
        let stack = Stack(app, "S")
        let key = EncryptionKey(stack, "Key", description: "k")
        for name in ["A", "B"] {
            _ = Function(stack, name, settings: .init(functionName: name.lowercased()),
                         code: .init(bucket: "code-bucket", key: "code.zip"), key: key)
        }
        let template = try Template(artifact: try XCTUnwrap(app.synthesize().stacks.first))
        try template.resourceCountIs("AWS::KMS::Key", 1)
        let keyProperties = try XCTUnwrap(template.findResources("AWS::KMS::Key").first?.value["Properties"])
        let sids = try XCTUnwrap(keyProperties["KeyPolicy"]?["Statement"]?.arrayValue).compactMap { $0["Sid"]?.stringValue }
        XCTAssertEqual(sids, ["AccountAdministration", "AllowLogsForA", "AllowLogsDescribeKey", "AllowLogsForB"])
        let queues = template.findResources("AWS::SQS::Queue")
        XCTAssertEqual(queues.count, 2)
        for (id, queue) in queues {
            XCTAssertEqual(queue["DeletionPolicy"]?.stringValue, "Retain", id)
            XCTAssertEqual(queue["UpdateReplacePolicy"]?.stringValue, "Retain", id)
        }
    }

    func testRoleRejectsWildcardsAndEmptyResources() {
        let errors = synthesisErrors { stack in
            let role = Role(stack, "Worker", assumedBy: "lambda.amazonaws.com")
            role.addToPolicy(PolicyStatement(actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"]))
            role.addToPolicy(PolicyStatement(actions: ["s3:GetObject"], resources: ["*"]))
            role.addToPolicy(PolicyStatement(actions: ["ssm:PutParameter"], resources: []))
            role.addToPolicy(PolicyStatement(actions: ["ecr:GetAuthorizationToken"], resources: ["*"]))
            role.resource.properties.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonSSMFullAccess"]
        }
        XCTAssertTrue(errors.contains { $0.property == "Policies[0].PolicyDocument.Statement[0].Action" && $0.value == "s3:*" && $0.rule.contains("wildcard actions") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.property == "Policies[0].PolicyDocument.Statement[1].Resource" && $0.rule.contains("s3:GetObject supports resource-level permissions") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.property == "Policies[0].PolicyDocument.Statement[2].Resource" && $0.rule.contains("at least one resource") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.property == "ManagedPolicyArns" && $0.rule.contains("FullAccess") }, "\(errors)")
        XCTAssertFalse(errors.contains { $0.property.contains("Statement[3]") }, "GetAuthorizationToken only exists on *")
        XCTAssertEqual(errors.count, 4, "\(errors)")
    }

    func testNotificationNeedsABucketNameKnownAtSynthTime() {
        let errors = synthesisErrors { stack in
            let key = EncryptionKey(stack, "Key", description: "k")
            let function = Function(stack, "Fn", settings: .init(functionName: "fn"), code: .init(bucket: "b", key: "k"), key: key)
            let logs = Bucket(stack, "Logs", name: "logs-bucket", purpose: .accessLogs)
            Bucket(stack, "Unnamed", name: nil, purpose: .data(accessLogs: logs)).addObjectCreatedNotification(to: function, suffix: ".tar.gz")
        }
        XCTAssertTrue(errors.contains { $0.path == "S/Unnamed/Resource" && $0.property == "BucketName" && $0.rule.contains("a cycle") }, "\(errors)")
    }

    func testScalingBoundsAndPoliciesAndFunctionRanges() {
        let errors = synthesisErrors { stack in
            let key = EncryptionKey(stack, "Key", description: "k")
            let endpoint = SageMakerEndpoint(stack, "E", endpointName: "e", image: .huggingFacePyTorchInference(), modelData: "s3://b/m.tar.gz",
                                             serving: .instances([.init(name: "A", instanceType: "ml.m5.large")]), key: key, dataCapture: nil)
            endpoint.autoScaleInstanceCount(variant: "A", min: 5, max: 2)
            _ = Function(stack, "Fn", settings: .init(functionName: "fn", memoryMiB: 20480, timeoutSeconds: 901, reservedConcurrency: 0),
                         code: .init(bucket: "b", key: "k"), key: key)
        }
        XCTAssertTrue(errors.contains { $0.property == "MinCapacity" && $0.value == "5" && $0.rule == "must not exceed MaxCapacity (2)" }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.property == "Policies" && $0.rule.contains("never scales") }, "\(errors)")
        XCTAssertEqual(errors.filter { $0.property == "MemorySize" }.map(\.rule), ["must be at most 10240 (Lambda's limit; the schema allows more)"])
        XCTAssertEqual(errors.filter { $0.property == "Timeout" }.map(\.rule), ["must be at most 900"], "reported once, by the schema rule")
        XCTAssertTrue(errors.contains { $0.property == "ReservedConcurrentExecutions" && $0.rule.contains("throttles") }, "\(errors)")
    }

    func testCPUTargetIsPerVCPU() {
        XCTAssertEqual(ScalableInstanceCount.vCPUs(of: "ml.m5.large"), 2)
        XCTAssertEqual(ScalableInstanceCount.vCPUs(of: "ml.c5.xlarge"), 4)
        XCTAssertEqual(ScalableInstanceCount.vCPUs(of: "ml.m5.12xlarge"), 48)
        XCTAssertNil(ScalableInstanceCount.vCPUs(of: "ml.weird.size"))
    }
}
