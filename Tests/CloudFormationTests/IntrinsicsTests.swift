@testable import CloudFormation
import XCTest

final class IntrinsicsTests: XCTestCase {
    func synthesize(_ build: (Stack) -> Void) throws -> String {
        let app = App()
        let stack = Stack(app, "S")
        build(stack)
        return try app.synthesize().stacks[0].body
    }

    func resolved(_ value: Value<String>, in stack: Stack? = nil) throws -> String {
        let body = try synthesize { stack in
            Resource(stack, "Q", TestQueue(queueName: value))
        }
        let template = try parseJSON(body)
        let properties = ((template["Resources"] as! [String: Any])["Q"] as! [String: Any])["Properties"] as! [String: Any]
        let data = try JSONSerialization.data(withJSONObject: properties["QueueName"]!, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    func testEveryIntrinsicRendersAsCloudFormationExpects() throws {
        let app = App()
        let stack = Stack(app, "S")
        let mapping = Mapping(stack, "Regions", ["us-west-2": ["Ami": "ami-1"]])
        let parameter = Parameter<String>(stack, "Env", default: "prod", allowedValues: ["prod", "dev"])
        let list = Parameter<[String]>(stack, "Subnets", default: ["a", "b"])
        let isProd = Condition(stack, "IsProd", Fn.equals(parameter.value, "prod"))
        let other = Resource(stack, "Other", TestQueue())
        let cases: [(Value<String>, String)] = [
            (other.ref, #"{"Ref":"Other"}"#),
            (other.getAtt("Arn"), #"{"Fn::GetAtt":["Other","Arn"]}"#),
            (Fn.sub("a-${X}", ["X": parameter.value]), #"{"Fn::Sub":["a-${X}",{"X":{"Ref":"Env"}}]}"#),
            (Fn.sub("${AWS::Region}-x"), #"{"Fn::Sub":"${AWS::Region}-x"}"#),
            (Fn.join(",", ["a", Pseudo.region]), #"{"Fn::Join":[",",["a",{"Ref":"AWS::Region"}]]}"#),
            (Fn.select(1, list.value), #"{"Fn::Select":[1,{"Ref":"Subnets"}]}"#),
            (Fn.join("-", Fn.split(",", "a,b")), #"{"Fn::Join":["-",{"Fn::Split":[",","a,b"]}]}"#),
            (Fn.importValue("Other:Export"), #"{"Fn::ImportValue":"Other:Export"}"#),
            (mapping.find("us-west-2", "Ami"), #"{"Fn::FindInMap":["Regions","us-west-2","Ami"]}"#),
            (Fn.if(isProd, "big", .noValue), #"{"Fn::If":["IsProd","big",{"Ref":"AWS::NoValue"}]}"#),
            (Fn.select(0, Fn.getAZs()), #"{"Fn::Select":[0,{"Fn::GetAZs":""}]}"#),
            (Fn.base64("hi"), #"{"Fn::Base64":"hi"}"#),
            (Pseudo.accountId, #"{"Ref":"AWS::AccountId"}"#),
            (Pseudo.partition, #"{"Ref":"AWS::Partition"}"#),
            (Pseudo.stackName, #"{"Ref":"AWS::StackName"}"#),
            (Pseudo.urlSuffix, #"{"Ref":"AWS::URLSuffix"}"#),
            (DynamicReference.ssm("/a/b", version: 2), #""{{resolve:ssm:/a/b:2}}""#),
            ("arn:\(Pseudo.partition):s3:::bucket/*", #"{"Fn::Sub":"arn:${AWS::Partition}:s3:::bucket/*"}"#),
            ("\(other.getAtt("Arn") as Value<String>)/*", #"{"Fn::Sub":["${V0}/*",{"V0":{"Fn::GetAtt":["Other","Arn"]}}]}"#),
            ("plain \("text") ${literal}", #""plain text ${literal}""#),
            ("\(Pseudo.region) ${x}", #"{"Fn::Sub":"${AWS::Region} ${!x}"}"#),
        ]
        for (index, (value, _)) in cases.enumerated() { Resource(stack, "Q\(index)", TestQueue(queueName: value)) }
        let template = try parseJSON(try app.synthesize().stacks[0].body)
        let resources = template["Resources"] as! [String: Any]
        for (index, (_, expected)) in cases.enumerated() {
            let properties = (resources["Q\(index)"] as! [String: Any])["Properties"] as! [String: Any]
            let data = try JSONSerialization.data(withJSONObject: properties["QueueName"]!, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
            XCTAssertEqual(String(decoding: data, as: UTF8.self), expected, "case \(index)")
        }
        let conditions = template["Conditions"] as! [String: Any]
        XCTAssertNotNil(conditions["IsProd"])
        let parameters = template["Parameters"] as! [String: [String: Any]]
        XCTAssertEqual(parameters["Env"]?["AllowedValues"] as? [String], ["prod", "dev"])
        XCTAssertEqual(parameters["Subnets"]?["Type"] as? String, "CommaDelimitedList")
        XCTAssertEqual(parameters["Subnets"]?["Default"] as? String, "a,b")
    }

    func testConditionFunctionsAndResourceAttributes() throws {
        let app = App()
        let stack = Stack(app, "S", description: "demo")
        let env = Parameter<String>(stack, "Env", default: "prod")
        let size = Parameter<Double>(stack, "Size", description: "n", default: 3, minValue: 1, maxValue: 10)
        let secret = Parameter<String>(stack, "Secret", noEcho: true)
        let model = Parameter<String>(stack, "Model", type: .ssmString, default: "/models/current")
        let a = Condition(stack, "A", Fn.equals(env.value, "prod"))
        let b = Condition(stack, "B", Fn.not(a.asExpression))
        _ = Condition(stack, "C", Fn.and(a.asExpression, Fn.or(b.asExpression, Fn.equals(Pseudo.region, "us-east-1"))))
        let first = Resource(stack, "First", TestQueue())
        let queue = Resource(stack, "Queue", TestQueue(queueName: model.value, delaySeconds: 5))
        queue.condition = a
        queue.deletionPolicy = .retain
        queue.updateReplacePolicy = .snapshot
        queue.addDependency(first)
        queue.addMetadata("checkov", ["skip": [["id": "CKV_X"]]])
        Output(stack, "QueueArn", value: queue.getAtt("Arn") as Value<String>, description: "arn", exportName: "S-QueueArn")
        _ = (size, secret)
        let body = try app.synthesize().stacks[0].body
        let template = try parseJSON(body)
        XCTAssertEqual(Array(try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]).count, 6)
        XCTAssertTrue(body.hasPrefix("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Description\": \"demo\",\n  \"Parameters\""))
        let order = ["\"Parameters\"", "\"Conditions\"", "\"Resources\"", "\"Outputs\""].map { body.range(of: $0)!.lowerBound }
        XCTAssertEqual(order, order.sorted(), "sections in CloudFormation's conventional order")
        let resource = (template["Resources"] as! [String: [String: Any]])["Queue"]!
        XCTAssertEqual(resource["Condition"] as? String, "A")
        XCTAssertEqual(resource["DependsOn"] as? [String], ["First"])
        XCTAssertEqual(resource["DeletionPolicy"] as? String, "Retain")
        XCTAssertEqual(resource["UpdateReplacePolicy"] as? String, "Snapshot")
        XCTAssertNotNil((resource["Metadata"] as? [String: Any])?["checkov"])
        let queueBody = body[body.range(of: "\"Queue\": {")!.lowerBound...]
        XCTAssertTrue(queueBody.range(of: "\"Type\"")!.lowerBound < queueBody.range(of: "\"Condition\"")!.lowerBound)
        let parameters = template["Parameters"] as! [String: [String: Any]]
        XCTAssertEqual(parameters["Size"]?["Type"] as? String, "Number")
        XCTAssertEqual(parameters["Size"]?["MinValue"] as? Int, 1)
        XCTAssertEqual(parameters["Secret"]?["NoEcho"] as? Bool, true)
        XCTAssertEqual(parameters["Model"]?["Type"] as? String, "AWS::SSM::Parameter::Value<String>")
        let conditions = template["Conditions"] as! [String: Any]
        XCTAssertEqual(conditions["B"] as? NSDictionary, ["Fn::Not": [["Condition": "A"]]] as NSDictionary)
        let output = (template["Outputs"] as! [String: [String: Any]])["QueueArn"]!
        XCTAssertEqual(output["Export"] as? NSDictionary, ["Name": "S-QueueArn"] as NSDictionary)
        XCTAssertEqual(output["Description"] as? String, "arn")
    }
}
