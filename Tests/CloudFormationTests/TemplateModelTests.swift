import Foundation
import Testing
@testable import CloudFormation

@Suite struct TemplateModelTests {
    /// A full stack: every section and every attribute of each, checked on the parsed template.
    func fullStack() -> App {
        let app = App()
        let stack = Stack(app, "Main", description: "Queues for the model pipeline")
        let env = Parameter<String>(stack, "Env", description: "Deployment environment", default: "dev",
                                    allowedValues: ["dev", "prod"], allowedPattern: "[a-z]+",
                                    constraintDescription: "lower-case letters", minLength: 3, maxLength: 4)
        _ = Parameter<String>(stack, "Token", description: "API token", noEcho: true)
        _ = Parameter<Double>(stack, "Count", description: "How many", default: 3, allowedValues: [1, 3, 5], minValue: 1, maxValue: 10)
        _ = Parameter<Double>(stack, "Ratio", default: 0.25, minValue: 0.125, maxValue: 2.5)
        _ = Parameter<[String]>(stack, "Subnets", description: "Subnet ids", default: ["subnet-a", "subnet-b"])
        _ = Parameter<String>(stack, "ImageId", type: .ssmString, description: "AMI from SSM", default: "/aws/service/ami/latest")
        _ = Mapping(stack, "RegionMap", [
            "us-east-1": ["Ami": "ami-1", "Size": 2],
            "eu-west-1": ["Ami": "ami-2", "Size": 3],
        ])
        let isProd = Condition(stack, "IsProd", Fn.equals(env.value, "prod"))
        let notProd = Condition(stack, "NotProd", Fn.not(isProd.asExpression))
        _ = Condition(stack, "ProdInVirginia", Fn.and(isProd.asExpression, Fn.equals(Pseudo.region, "us-east-1")))
        _ = Condition(stack, "Either", Fn.or(notProd.asExpression, isProd.asExpression, Fn.equals("a", "b")))
        let dlq = Queue(stack, "DeadLetters", TestQueue())
        let jobs = Queue(stack, "Jobs", TestQueue(queueName: "jobs", delaySeconds: 5))
        jobs.addDependency(dlq)
        jobs.addDependency(dlq)
        jobs.condition = isProd
        jobs.deletionPolicy = .retain
        jobs.updateReplacePolicy = .snapshot
        jobs.addMetadata("cfn-lint", ["config": ["ignore_checks": ["W3005"]]])
        jobs.addMetadata("Owner", "old")
        jobs.addMetadata("Owner", "ml-team")
        _ = Output(stack, "JobsArn", value: jobs.getAtt("Arn"), description: "ARN of the jobs queue", exportName: "jobs-arn")
        let url = Output(stack, "JobsUrl", value: jobs.ref)
        url.condition = isProd
        return app
    }

    @Test func descriptionAndSectionOrder() throws {
        let synthesis = try fullStack().synthesize()
        let body = try artifact(synthesis, "Main").body
        let keys = ["\"AWSTemplateFormatVersion\": \"2010-09-09\"", "\"Description\": \"Queues for the model pipeline\"",
                    "\"Parameters\": {", "\"Mappings\": {", "\"Conditions\": {", "\"Resources\": {", "\"Outputs\": {"]
        let positions = keys.map { body.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "missing section in \(body)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "sections out of order")
        #expect(body.hasPrefix("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Description\""))
    }

    @Test func parametersOfEveryType() throws {
        let template = try parsedTemplate(try fullStack().synthesize(), "Main")
        expectJSON(template[path: "Parameters", "Env"], """
            {"Type": "String", "Description": "Deployment environment", "Default": "dev", "AllowedValues": ["dev", "prod"],
             "AllowedPattern": "[a-z]+", "ConstraintDescription": "lower-case letters", "MinLength": 3, "MaxLength": 4}
            """)
        expectJSON(template[path: "Parameters", "Token"], #"{"Type": "String", "Description": "API token", "NoEcho": true}"#)
        expectJSON(template[path: "Parameters", "Count"],
                   #"{"Type": "Number", "Description": "How many", "Default": 3, "AllowedValues": [1, 3, 5], "MinValue": 1, "MaxValue": 10}"#)
        expectJSON(template[path: "Parameters", "Ratio"], #"{"Type": "Number", "Default": 0.25, "MinValue": 0.125, "MaxValue": 2.5}"#)
        expectJSON(template[path: "Parameters", "Subnets"],
                   #"{"Type": "CommaDelimitedList", "Description": "Subnet ids", "Default": "subnet-a,subnet-b"}"#)
        expectJSON(template[path: "Parameters", "ImageId"],
                   #"{"Type": "AWS::SSM::Parameter::Value<String>", "Description": "AMI from SSM", "Default": "/aws/service/ami/latest"}"#)
        // Parameters keep creation order; a parameter's keys follow the documented order.
        let body = try artifact(try fullStack().synthesize(), "Main").body
        let order = ["\"Env\"", "\"Token\"", "\"Count\"", "\"Ratio\"", "\"Subnets\"", "\"ImageId\""].compactMap { body.range(of: $0)?.lowerBound }
        #expect(order.count == 6 && order == order.sorted())
        #expect(body.contains("\"Type\": \"Number\",\n      \"Description\": \"How many\",\n      \"Default\": 3,\n      \"AllowedValues\": [\n        1,"))
        #expect(body.contains("\"Default\": 0.25"))
        #expect(!body.contains("3.0"))
    }

    @Test func parameterValueIsATypedRef() throws {
        let properties = try properties { stack in
            let name = Parameter<String>(stack, "QueueName", default: "q")
            return TestQueue(queueName: name.value)
        }
        expectJSON(properties["QueueName"], #"{"Ref": "QueueName"}"#)
    }

    @Test func manifestDescribesParametersAndOutputs() throws {
        let synthesis = try fullStack().synthesize()
        let stack = try artifact(synthesis, "Main")
        #expect(stack.parameters.map(\.name) == ["Env", "Token", "Count", "Ratio", "Subnets", "ImageId"])
        #expect(stack.parameters.map(\.type) == ["String", "String", "Number", "Number", "CommaDelimitedList", "AWS::SSM::Parameter::Value<String>"])
        #expect(stack.parameters.map(\.defaultValue) == ["dev", nil, "3", "0.25", "subnet-a,subnet-b", "/aws/service/ami/latest"])
        #expect(stack.outputs.map(\.name) == ["JobsArn", "JobsUrl"])
        #expect(stack.outputs.map(\.exportName) == ["jobs-arn", nil])
        #expect(stack.resourceCount == 2)
        let manifest = try JSONSerialization.jsonObject(with: Data(synthesis.manifest.utf8)) as? [String: Any]
        expectJSON(manifest?["Version"], "1")
        let entry = (manifest?["Stacks"] as? [[String: Any]])?.first
        #expect(entry?["Template"] as? String == "Main.template.json")
        #expect(entry?["ResourceCount"] as? Int == 2)
        expectJSON(entry?["Outputs"], #"[{"Name": "JobsArn", "ExportName": "jobs-arn"}, {"Name": "JobsUrl"}]"#)
        expectJSON((entry?["Parameters"] as? [Any])?.first, #"{"Name": "Env", "Type": "String", "Default": "dev", "Description": "Deployment environment"}"#)
    }

    @Test func mappingsSortedByKey() throws {
        let synthesis = try fullStack().synthesize()
        let template = try parsedTemplate(synthesis, "Main")
        expectJSON(template[path: "Mappings", "RegionMap"],
                   #"{"us-east-1": {"Ami": "ami-1", "Size": 2}, "eu-west-1": {"Ami": "ami-2", "Size": 3}}"#)
        let body = try artifact(synthesis, "Main").body
        let eu = try #require(body.range(of: "\"eu-west-1\""))
        let us = try #require(body.range(of: "\"us-east-1\""))
        #expect(eu.lowerBound < us.lowerBound)
    }

    @Test func conditions() throws {
        let template = try parsedTemplate(try fullStack().synthesize(), "Main")
        expectJSON(template[path: "Conditions", "IsProd"], #"{"Fn::Equals": [{"Ref": "Env"}, "prod"]}"#)
        expectJSON(template[path: "Conditions", "NotProd"], #"{"Fn::Not": [{"Condition": "IsProd"}]}"#)
        expectJSON(template[path: "Conditions", "ProdInVirginia"],
                   #"{"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}"#)
        expectJSON(template[path: "Conditions", "Either"],
                   #"{"Fn::Or": [{"Condition": "NotProd"}, {"Condition": "IsProd"}, {"Fn::Equals": ["a", "b"]}]}"#)
    }

    @Test func resourceAttributes() throws {
        let synthesis = try fullStack().synthesize()
        let template = try parsedTemplate(synthesis, "Main")
        expectJSON(template[path: "Resources", "DeadLetters"], #"{"Type": "AWS::SQS::Queue"}"#)
        expectJSON(template[path: "Resources", "Jobs"], """
            {"Type": "AWS::SQS::Queue", "Condition": "IsProd", "DependsOn": ["DeadLetters"],
             "Properties": {"QueueName": "jobs", "DelaySeconds": 5},
             "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Snapshot",
             "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W3005"]}}, "Owner": "ml-team"}}
            """)
        // Key order within the resource is Type, Condition, DependsOn, Properties, DeletionPolicy, UpdateReplacePolicy, Metadata.
        let body = try artifact(synthesis, "Main").body
        let start = try #require(body.range(of: "\"Jobs\": {"))
        let tail = body[start.upperBound...]
        let order = ["\"Type\"", "\"Condition\"", "\"DependsOn\"", "\"Properties\"", "\"DeletionPolicy\"", "\"UpdateReplacePolicy\"", "\"Metadata\""]
            .compactMap { tail.range(of: $0)?.lowerBound }
        #expect(order.count == 7 && order == order.sorted())
    }

    @Test func outputs() throws {
        let template = try parsedTemplate(try fullStack().synthesize(), "Main")
        expectJSON(template[path: "Outputs", "JobsArn"],
                   #"{"Description": "ARN of the jobs queue", "Value": {"Fn::GetAtt": ["Jobs", "Arn"]}, "Export": {"Name": "jobs-arn"}}"#)
        expectJSON(template[path: "Outputs", "JobsUrl"], #"{"Value": {"Ref": "Jobs"}, "Condition": "IsProd"}"#)
    }

    @Test func goldenMinimalTemplate() throws {
        let app = App()
        let stack = Stack(app, "Tiny")
        _ = Queue(stack, "Queue", TestQueue(queueName: "a/b", extra: [("Tags", [])]))
        let body = try artifact(try app.synthesize(), "Tiny").body
        #expect(body == """
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "Queue": {
                  "Type": "AWS::SQS::Queue",
                  "Properties": {
                    "QueueName": "a/b",
                    "Tags": []
                  }
                }
              }
            }

            """)
    }

    @Test func stackWithoutResourcesIsAnError() {
        let app = App()
        _ = Stack(app, "Empty")
        let errors = synthesisErrors(app)
        #expect(errors.map(\.rule) == ["a template must have at least one resource"])
        #expect(errors.first?.path == "Empty")
    }

    @Test func parameterRulesAreChecked() {
        let app = App()
        let stack = Stack(app, "Main")
        _ = Queue(stack, "Q", TestQueue())
        _ = Parameter<String>(stack, "Env", default: "staging", allowedValues: ["dev", "prod"], allowedPattern: "[a-z]{1,3}",
                              minLength: 5, maxLength: 4)
        _ = Parameter<Double>(stack, "Count", minValue: 10, maxValue: 1)
        let errors = synthesisErrors(app)
        #expect(errors.map(\.path) == ["Main/Count", "Main/Env", "Main/Env", "Main/Env", "Main/Env"])
        #expect(errors.map(\.property) == ["MinValue", "Default", "Default", "Default", "MinLength"])
        #expect(errors.contains { $0.rule == "must match AllowedPattern [a-z]{1,3}" && $0.value == "staging" })
        #expect(errors.contains { $0.rule == "must be one of AllowedValues" })
        #expect(errors.contains { $0.rule == "length must be at most 4 (MaxLength)" })
    }
}
