import AWSResources
import CloudFormation
import XCTest

/// A generated type with nested structs, lists of structs, enums and intrinsics renders the `Properties` object
/// CloudFormation expects: schema JSON names, only the set properties, alphabetical keys, intrinsics in place.
final class GeneratedRenderingTests: XCTestCase {
    func testEndpointConfigRendersExactly() {
        let app = App()
        let stack = Stack(app, "S")
        let model = Resource(stack, "Model", SageMaker.Model(executionRoleArn: "arn:aws:iam::123456789012:role/sm"))
        let config = SageMaker.EndpointConfig(
            dataCaptureConfig: .init(captureOptions: [.init(captureMode: "Input"), .init(captureMode: "Output")],
                                     destinationS3Uri: "s3://bucket/capture", initialSamplingPercentage: 20),
            productionVariants: [
                .init(initialInstanceCount: 1, initialVariantWeight: 0.5, instanceType: "ml.m5.large",
                      modelName: model.attrModelName, variantName: "Blue"),
                .init(modelName: model.attrModelName, serverlessConfig: .init(maxConcurrency: 5, memorySizeInMB: 2048), variantName: "Green"),
            ],
            tags: [.init(key: "team", value: "ml")])
        let expected: TemplateValue = [
            "DataCaptureConfig": [
                "CaptureOptions": [["CaptureMode": "Input"], ["CaptureMode": "Output"]],
                "DestinationS3Uri": "s3://bucket/capture",
                "InitialSamplingPercentage": 20,
            ],
            "ProductionVariants": [
                ["InitialInstanceCount": 1, "InitialVariantWeight": 0.5, "InstanceType": "ml.m5.large",
                 "ModelName": .getAtt(model, "ModelName"), "VariantName": "Blue"],
                ["ModelName": .getAtt(model, "ModelName"), "ServerlessConfig": ["MaxConcurrency": 5, "MemorySizeInMB": 2048],
                 "VariantName": "Green"],
            ],
            "Tags": [["Key": "team", "Value": "ml"]],
        ]
        XCTAssertEqual(render(config.templateProperties()), render(expected))
        var issues: [PropertyIssue] = []
        config.validate(&issues)
        XCTAssertEqual(issues, [])
    }

    /// `JSONWriter` cannot resolve references outside a stack; write them as their debug form for comparison.
    private func render(_ value: TemplateValue) -> String {
        switch value {
        case .object(let members): return "{" + members.map { "\($0.0): \(render($0.1))" }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        default: return value.debugDescription
        }
    }
}
