import Foundation
import Testing
@testable import CloudFormation

/// An app whose templates use every intrinsic with real `AWS::SQS::Queue` property names, so cfn-lint can check them.
/// Set `CFN_LINT_OUT` to a directory to write the templates there (then run `cfn-lint DIR/*.template.json`).
@Suite struct LintTemplateTests {
    static func everyIntrinsicApp() -> App {
        let app = App()
        let shared = Stack(app, "Shared", description: "Producer")
        let main = Stack(app, "Main", description: "Every intrinsic")
        let sharedQueue = Queue(shared, "DeadLetters", TestQueue(queueName: "\(Pseudo.stackName)-dlq"))

        let env = Parameter<String>(main, "Env", description: "Environment", default: "dev", allowedValues: ["dev", "prod"])
        let retention = Parameter<Double>(main, "Retention", default: 345600, minValue: 60, maxValue: 1209600)
        let zones = Parameter<[String]>(main, "Zones", default: ["a", "b"])
        let image = Parameter<String>(main, "ImageTag", type: .ssmString, default: "/ml/image-tag")
        let sizes = Mapping(main, "Delays", ["dev": ["Seconds": 0], "prod": ["Seconds": 5]])
        let isProd = Condition(main, "IsProd", Fn.equals(env.value, "prod"))
        let notProd = Condition(main, "NotProd", Fn.not(isProd.asExpression))
        let mixed = Condition(main, "Mixed", Fn.or(Fn.and(isProd.asExpression, Fn.equals(Pseudo.region, "us-east-1")), notProd.asExpression))

        func tag(_ key: String, _ value: TemplateValue) -> TemplateValue { ["Key": .string(key), "Value": value] }
        let queue = Queue(main, "Jobs", TestQueue(
            queueName: "\(Pseudo.stackName)-jobs-${literal}",
            delaySeconds: Value(node: Fn.findInMap(sizes, env.value, "Seconds").node),
            extra: [
                ("MessageRetentionPeriod", retention.value.node),
                ("RedrivePolicy", ["deadLetterTargetArn": sharedQueue.getAtt("Arn").node, "maxReceiveCount": 3]),
                ("KmsMasterKeyId", Fn.if(isProd, DynamicReference.ssm("/ml/kms-key"), Value<String>.noValue).node),
                ("Tags", [
                    tag("Account", Pseudo.accountId.node),
                    tag("Partition", Pseudo.partition.node),
                    tag("Suffix", Pseudo.urlSuffix.node),
                    tag("Sub", Fn.sub("${AWS::Region}-${Name}", ["Name": env.value]).node),
                    tag("Join", Fn.join(",", zones.value).node),
                    tag("Select", Fn.select(0, Fn.split(",", "x,y")).node),
                    tag("AZ", Fn.select(0, Fn.getAZs()).node),
                    tag("Import", Fn.importValue("external-export").node),
                    tag("Image", image.value.node),
                    tag("Encoded", Fn.base64("hello \(Pseudo.region)").node),
                    tag("Shared", sharedQueue.ref.node),
                ]),
            ]))
        queue.condition = nil
        queue.deletionPolicy = .delete
        queue.updateReplacePolicy = .retain
        queue.addMetadata("Purpose", "lint")
        let second = Queue(main, "Second", TestQueue())
        second.addDependency(queue)
        second.condition = isProd
        _ = Output(main, "JobsArn", value: queue.getAtt("Arn"), description: "ARN", exportName: "\(Pseudo.stackName)-jobs-arn")
        let cidrs = Output(main, "Cidrs", value: Fn.join(",", Fn.cidr("10.0.0.0/16", count: 4, cidrBits: 8)))
        cidrs.condition = mixed
        _ = Output(main, "FirstZone", value: Fn.select(0, Fn.getAZs(Pseudo.region)))
        _ = Output(main, "Escaped", value: Value<String>("cost ${ \(Pseudo.region) ${x}"))
        return app
    }

    @Test func everyIntrinsicSynthesizes() throws {
        let synthesis = try Self.everyIntrinsicApp().synthesize()
        #expect(synthesis.stacks.map(\.name) == ["Shared", "Main"])
        #expect(synthesis.warnings.isEmpty)
        if let out = ProcessInfo.processInfo.environment["CFN_LINT_OUT"] {
            try TemplateDirectory.write(synthesis, to: URL(fileURLWithPath: out), pruneExtra: true)
        }
    }
}
