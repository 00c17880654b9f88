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
        // The construct library, for apps of any shape (see Examples/Quickstart).
        .library(name: "CloudFormation", targets: ["CloudFormation"]),
        .library(name: "AWSResources", targets: ["AWSResources"]),
        .library(name: "Constructs", targets: ["Constructs"]),
        .library(name: "TemplateAssertions", targets: ["TemplateAssertions"]),
        .library(name: "SynthCLI", targets: ["SynthCLI"]),
    ],
    targets: [
        // One Foundation-free JSON for both sides: ordered objects, line/column errors, canonical writer.
        .target(name: "JSON"),

        // Synthesis side.
        .target(name: "CloudFormation", dependencies: ["JSON"]),
        .target(name: "AWSResources", dependencies: ["CloudFormation"]),
        .target(name: "Constructs", dependencies: ["JSON", "CloudFormation", "AWSResources"]),
        .target(name: "TemplateAssertions", dependencies: ["CloudFormation"]),
        .target(name: "Pipeline", dependencies: ["JSON", "CloudFormation", "AWSResources", "Constructs"]),
        .target(name: "SynthCLI", dependencies: ["CloudFormation", "AWSResources"]),
        .executableTarget(name: "synth", dependencies: ["Pipeline", "SynthCLI"]),
        .executableTarget(name: "ResourceGenerator", dependencies: ["JSON"]),
        .executableTarget(name: "SynthBenchmark", dependencies: ["Pipeline", "Constructs", "AWSResources", "CloudFormation"]),

        // Lambda side: shares no code with the synthesis side.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "HTTPClient", dependencies: ["JSON"]),
        .target(name: "AWSCore", dependencies: ["COpenSSL", "HTTPClient"]),
        // glibc's __nss_configure_lookup (<nss.h>), compiled into the binary: host lookups pinned to `files dns`.
        .target(name: "CNSS"),
        .target(name: "LambdaRuntime", dependencies: ["HTTPClient", "CNSS"]),
        .target(name: "Registrar", dependencies: ["LambdaRuntime", "AWSCore", "HTTPClient"]),
        .target(name: "Predict", dependencies: ["LambdaRuntime", "AWSCore", "HTTPClient"]),
        .target(name: "Rollout", dependencies: ["LambdaRuntime", "AWSCore", "HTTPClient"]),
        .executableTarget(name: "Handlers", dependencies: ["LambdaRuntime", "Registrar", "Predict", "Rollout"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "CloudFormationTests", dependencies: ["CloudFormation", "JSON"]),
        .testTarget(name: "AWSResourcesTests", dependencies: ["AWSResources", "CloudFormation"]),
        .testTarget(name: "ResourceGeneratorTests", dependencies: ["ResourceGenerator", "JSON"]),
        .testTarget(name: "TemplateAssertionsTests", dependencies: ["TemplateAssertions", "CloudFormation", "AWSResources"]),
        .testTarget(name: "PipelineTests", dependencies: ["JSON", "Pipeline", "Constructs", "AWSResources", "CloudFormation", "TemplateAssertions"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SynthTests", dependencies: ["synth"]),
        .testTarget(name: "SynthCLITests", dependencies: ["SynthCLI", "CloudFormation", "AWSResources"]),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "HTTPClient", "LambdaRuntime"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "HTTPClient"]),
        // Shared by the handlers' integration tests: the bootstrap through the local Runtime API, moto's signature checking.
        .target(name: "LambdaTestSupport", dependencies: ["AWSCore"], path: "Tests/LambdaTestSupport"),
        .testTarget(name: "RegistrarTests", dependencies: ["Registrar", "AWSCore", "LambdaRuntime", "LambdaTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PredictTests", dependencies: ["Predict", "AWSCore", "LambdaRuntime", "HTTPClient", "LambdaTestSupport"]),
        .testTarget(name: "RolloutTests", dependencies: ["Rollout", "AWSCore", "LambdaRuntime", "HTTPClient", "LambdaTestSupport"]),
    ]
)
