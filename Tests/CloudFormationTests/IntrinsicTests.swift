import Foundation
import Testing
@testable import CloudFormation

@Suite struct IntrinsicTests {
    /// One property per intrinsic on a queue, returning the parsed properties.
    func render(_ values: (Stack, Queue) -> [(String, TemplateValue)]) throws -> [String: Any] {
        let app = App()
        let stack = Stack(app, "Main")
        let target = Queue(stack, "Target", TestQueue())
        _ = Queue(stack, "Q", TestQueue(extra: values(stack, target)))
        let template = try parsedTemplate(try app.synthesize(), "Main")
        return try #require(template[path: "Resources", "Q", "Properties"] as? [String: Any])
    }

    @Test func refAndGetAtt() throws {
        let p = try render { _, target in
            [("Ref", target.ref.node), ("GetAtt", target.getAtt("Arn").node)]
        }
        expectJSON(p["Ref"], #"{"Ref": "Target"}"#)
        expectJSON(p["GetAtt"], #"{"Fn::GetAtt": ["Target", "Arn"]}"#)
    }

    @Test func pseudoParameters() throws {
        let p = try render { _, _ in
            [("A", Pseudo.accountId.node), ("R", Pseudo.region.node), ("P", Pseudo.partition.node),
             ("S", Pseudo.stackName.node), ("U", Pseudo.urlSuffix.node), ("I", Pseudo.stackId.node),
             ("N", Pseudo.notificationARNs.node), ("X", Value<String>.noValue.node)]
        }
        expectJSON(p["A"], #"{"Ref": "AWS::AccountId"}"#)
        expectJSON(p["R"], #"{"Ref": "AWS::Region"}"#)
        expectJSON(p["P"], #"{"Ref": "AWS::Partition"}"#)
        expectJSON(p["S"], #"{"Ref": "AWS::StackName"}"#)
        expectJSON(p["U"], #"{"Ref": "AWS::URLSuffix"}"#)
        expectJSON(p["I"], #"{"Ref": "AWS::StackId"}"#)
        expectJSON(p["N"], #"{"Ref": "AWS::NotificationARNs"}"#)
        expectJSON(p["X"], #"{"Ref": "AWS::NoValue"}"#)
    }

    @Test func subWithAndWithoutVariables() throws {
        let p = try render { _, target in
            [("Plain", Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}").node),
             ("Vars", Fn.sub("${Name}-${Arn}", ["Name": target.getAtt("QueueName"), "Arn": target.getAtt("Arn")]).node)]
        }
        expectJSON(p["Plain"], #"{"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}"}"#)
        // Variables sorted by name.
        expectJSON(p["Vars"], #"{"Fn::Sub": ["${Name}-${Arn}", {"Arn": {"Fn::GetAtt": ["Target", "Arn"]}, "Name": {"Fn::GetAtt": ["Target", "QueueName"]}}]}"#)
    }

    @Test func interpolationBuildsOneSub() throws {
        let p = try render { _, target in
            let arn: Value<String> = "arn:\(Pseudo.partition):sqs:\(Pseudo.region):\(Pseudo.accountId):\(target.getAtt("QueueName"))/\(target.ref)"
            return [("Arn", arn.node)]
        }
        expectJSON(p["Arn"], """
            {"Fn::Sub": ["arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${V0}/${V1}",
                         {"V0": {"Fn::GetAtt": ["Target", "QueueName"]}, "V1": {"Ref": "Target"}}]}
            """)
    }

    @Test func interpolationOfPseudoOnlyHasNoVariables() throws {
        let value: Value<String> = "https://sqs.\(Pseudo.region).\(Pseudo.urlSuffix)/"
        guard case .sub(let template, let variables) = value.node else { Issue.record("not a Sub: \(value.node)"); return }
        #expect(template == "https://sqs.${AWS::Region}.${AWS::URLSuffix}/")
        #expect(variables.isEmpty)
        // A variable-free Sub interpolated into another is inlined: still one Fn::Sub.
        let outer: Value<String> = "url=\(value)?x=\(Pseudo.stackName)"
        guard case .sub(let outerTemplate, let outerVariables) = outer.node else { Issue.record("not a Sub"); return }
        #expect(outerTemplate == "url=https://sqs.${AWS::Region}.${AWS::URLSuffix}/?x=${AWS::StackName}")
        #expect(outerVariables.isEmpty)
    }

    @Test func literalOnlyInterpolationIsAPlainString() {
        let name = "jobs"
        let count = 3
        let literal = Value<String>("lit")
        let value: Value<String> = "queue-\(name)-\(count)-\(literal)-${NotAPlaceholder}"
        guard case .string(let text) = value.node else { Issue.record("expected a plain string, got \(value.node)"); return }
        // No Fn::Sub, so `${` stays as written.
        #expect(text == "queue-jobs-3-lit-${NotAPlaceholder}")
        #expect(value.literal == "queue-jobs-3-lit-${NotAPlaceholder}")
    }

    @Test func numberAndBoolLiteralsInterpolateAsText() {
        let value: Value<String> = "ratio=\(Value<Double>(0.5)) whole=\(Value<Double>(2.0)) n=\(Value<Int>(7)) on=\(Value<Bool>(true))"
        guard case .string(let text) = value.node else { Issue.record("expected a plain string, got \(value.node)"); return }
        #expect(text == "ratio=0.5 whole=2 n=7 on=true")
        let mixed: Value<String> = "\(Value<Double>(0.25))-\(Pseudo.region)"
        guard case .sub(let template, let variables) = mixed.node else { Issue.record("expected a Sub"); return }
        #expect(template == "0.25-${AWS::Region}")
        #expect(variables.isEmpty)
    }

    @Test func nestedSubWithVariablesBecomesAVariable() throws {
        let p = try render { _, target in
            let inner: Value<String> = "q-\(target.ref)"
            let outer: Value<String> = "\(inner)/\(target.getAtt("Arn"))"
            return [("Outer", outer.node)]
        }
        expectJSON(p["Outer"], """
            {"Fn::Sub": ["${V0}/${V1}", {"V0": {"Fn::Sub": ["q-${V0}", {"V0": {"Ref": "Target"}}]}, "V1": {"Fn::GetAtt": ["Target", "Arn"]}}]}
            """)
    }

    @Test func dollarBraceInLiteralsIsEscapedInSub() throws {
        let p = try render { _, target in
            let literalPart = "${Literal}"
            let value: Value<String> = "echo ${HOME} \(literalPart) \(target.ref)"
            return [("Cmd", value.node)]
        }
        expectJSON(p["Cmd"], #"{"Fn::Sub": ["echo ${!HOME} ${!Literal} ${V0}", {"V0": {"Ref": "Target"}}]}"#)
    }

    @Test func joinSelectSplit() throws {
        let p = try render { stack, target in
            let subnets = Parameter<[String]>(stack, "Subnets")
            return [
                ("Join", Fn.join(",", ["a", target.ref, Pseudo.region]).node),
                ("JoinList", Fn.join("|", subnets.value).node),
                ("Select", Fn.select(1, subnets.value).node),
                ("Split", Fn.split(",", "a,b,c").node),
                ("SelectSplit", Fn.select(0, Fn.split("/", target.getAtt("QueueUrl"))).node),
            ]
        }
        expectJSON(p["Join"], #"{"Fn::Join": [",", ["a", {"Ref": "Target"}, {"Ref": "AWS::Region"}]]}"#)
        expectJSON(p["JoinList"], #"{"Fn::Join": ["|", {"Ref": "Subnets"}]}"#)
        expectJSON(p["Select"], #"{"Fn::Select": [1, {"Ref": "Subnets"}]}"#)
        expectJSON(p["Split"], #"{"Fn::Split": [",", "a,b,c"]}"#)
        expectJSON(p["SelectSplit"], #"{"Fn::Select": [0, {"Fn::Split": ["/", {"Fn::GetAtt": ["Target", "QueueUrl"]}]}]}"#)
    }

    @Test func importValueFindInMapIf() throws {
        let p = try render { stack, target in
            let map = Mapping(stack, "Sizes", ["dev": ["Delay": "1"], "prod": ["Delay": "5"]])
            let env = Parameter<String>(stack, "Env", default: "dev")
            let prod = Condition(stack, "IsProd", Fn.equals(env.value, "prod"))
            return [
                ("Import", Fn.importValue("shared-vpc-id").node),
                ("ImportSub", Fn.importValue("\(Pseudo.stackName)-vpc").node),
                ("Find", Fn.findInMap(map, env.value, "Delay").node),
                ("FindLiteral", map.find("prod", "Delay").node),
                ("If", Fn.if(prod, target.getAtt("Arn"), Value<String>.noValue).node),
                ("IfUntyped", Fn.if(prod, ["Enabled": true], .pseudo(.noValue))),
            ]
        }
        expectJSON(p["Import"], #"{"Fn::ImportValue": "shared-vpc-id"}"#)
        expectJSON(p["ImportSub"], #"{"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-vpc"}}"#)
        expectJSON(p["Find"], #"{"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Delay"]}"#)
        expectJSON(p["FindLiteral"], #"{"Fn::FindInMap": ["Sizes", "prod", "Delay"]}"#)
        expectJSON(p["If"], #"{"Fn::If": ["IsProd", {"Fn::GetAtt": ["Target", "Arn"]}, {"Ref": "AWS::NoValue"}]}"#)
        expectJSON(p["IfUntyped"], #"{"Fn::If": ["IsProd", {"Enabled": true}, {"Ref": "AWS::NoValue"}]}"#)
    }

    @Test func getAZsBase64Cidr() throws {
        let p = try render { _, _ in
            [("AZs", Fn.getAZs().node),
             ("AZsRegion", Fn.getAZs(Pseudo.region).node),
             ("FirstAZ", Fn.select(0, Fn.getAZs()).node),
             ("UserData", Fn.base64("#!/bin/sh\necho \(Pseudo.region)").node),
             ("Cidr", Fn.cidr("10.0.0.0/16", count: 4, cidrBits: 8).node)]
        }
        expectJSON(p["AZs"], #"{"Fn::GetAZs": ""}"#)
        expectJSON(p["AZsRegion"], #"{"Fn::GetAZs": {"Ref": "AWS::Region"}}"#)
        expectJSON(p["FirstAZ"], #"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#)
        expectJSON(p["UserData"], ##"{"Fn::Base64": {"Fn::Sub": "#!/bin/sh\necho ${AWS::Region}"}}"##)
        expectJSON(p["Cidr"], #"{"Fn::Cidr": ["10.0.0.0/16", 4, 8]}"#)
    }

    @Test func dynamicReferences() throws {
        let p = try render { _, _ in
            [("Ssm", DynamicReference.ssm("/ml/model-version").node),
             ("SsmVersion", DynamicReference.ssm("/ml/model-version", version: 3).node),
             ("Secure", DynamicReference.ssmSecure("/ml/token", version: 2).node),
             ("Secret", DynamicReference.secretsManager("ml/creds", jsonKey: "password").node)]
        }
        #expect(p["Ssm"] as? String == "{{resolve:ssm:/ml/model-version}}")
        #expect(p["SsmVersion"] as? String == "{{resolve:ssm:/ml/model-version:3}}")
        #expect(p["Secure"] as? String == "{{resolve:ssm-secure:/ml/token:2}}")
        #expect(p["Secret"] as? String == "{{resolve:secretsmanager:ml/creds:SecretString:password}}")
    }

    @Test func typedLiterals() throws {
        let p = try render { _, _ in
            let list: Value<[String]> = ["a", Pseudo.region]
            let whole: Value<Double> = 2.0
            let fraction: Value<Double> = 0.1
            let flag: Value<Bool> = true
            return [("List", list.node), ("Whole", whole.node), ("Fraction", fraction.node), ("Flag", flag.node)]
        }
        expectJSON(p["List"], #"["a", {"Ref": "AWS::Region"}]"#)
        expectJSON(p["Whole"], "2")
        expectJSON(p["Fraction"], "0.1")
        expectJSON(p["Flag"], "true")
    }
}
