// swift-tools-version:6.0
// Typed infrastructure-as-code for an MLOps model pipeline, in Swift, with no package dependencies.
import PackageDescription

let package = Package(
    name: "SwiftMLOpsIaC",
    products: [
        .executable(name: "synth", targets: ["synth"]),
        // The Lambda functions' one static `bootstrap`: every handler, picked by `_HANDLER`.
        .executable(name: "bootstrap", targets: ["Handlers"]),
        .executable(name: "ResourceGenerator", targets: ["ResourceGenerator"]),
        .library(name: "Constructs", targets: ["Constructs"]),
    ],
    targets: [
        // Synthesis side.
        .target(name: "CloudFormation"),
        .target(name: "AWSResources", dependencies: ["CloudFormation"]),
        .target(name: "Constructs", dependencies: ["CloudFormation", "AWSResources"]),
        .target(name: "Pipeline", dependencies: ["CloudFormation", "AWSResources", "Constructs"]),
        .executableTarget(name: "synth", dependencies: ["Pipeline", "CloudFormation"]),
        .executableTarget(name: "ResourceGenerator"),
        .executableTarget(name: "SynthBenchmark", dependencies: ["Pipeline", "Constructs", "AWSResources", "CloudFormation"]),

        // Lambda side: shares no code with the synthesis side.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "HTTPClient"),
        .target(name: "AWSCore", dependencies: ["COpenSSL", "HTTPClient"]),
        .target(name: "LambdaRuntime", dependencies: ["HTTPClient"]),
        .target(name: "Registrar", dependencies: ["LambdaRuntime", "AWSCore", "HTTPClient"]),
        .target(name: "Rollout", dependencies: ["LambdaRuntime", "AWSCore", "HTTPClient"]),
        .executableTarget(name: "Handlers", dependencies: ["LambdaRuntime", "Registrar", "Rollout"]),

        .testTarget(name: "CloudFormationTests", dependencies: ["CloudFormation"]),
        .testTarget(name: "AWSResourcesTests", dependencies: ["AWSResources", "CloudFormation"]),
        .testTarget(name: "ResourceGeneratorTests", dependencies: ["ResourceGenerator"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Constructs", "AWSResources", "CloudFormation"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SynthTests", dependencies: ["synth"]),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "HTTPClient"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "HTTPClient"]),
        .testTarget(name: "RegistrarTests", dependencies: ["Registrar", "AWSCore", "LambdaRuntime"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RolloutTests", dependencies: ["Rollout", "AWSCore", "LambdaRuntime", "HTTPClient"]),
    ]
)
