// swift-tools-version:6.0
// A separate app built on the construct library through its public products only, as a user's package would be.
import PackageDescription

let package = Package(
    name: "Quickstart",
    dependencies: [
        // A user would write .package(url: "…", from: "…"); the name keeps the product references independent of the folder's name.
        .package(name: "SwiftMLOpsIaC", path: "../.."),
    ],
    targets: [
        .target(name: "QuickstartApp", dependencies: [
            .product(name: "CloudFormation", package: "SwiftMLOpsIaC"),
            .product(name: "Constructs", package: "SwiftMLOpsIaC"),
        ]),
        .executableTarget(name: "quickstart", dependencies: [
            "QuickstartApp",
            .product(name: "SynthCLI", package: "SwiftMLOpsIaC"),
        ]),
        .testTarget(name: "QuickstartTests", dependencies: [
            "QuickstartApp",
            .product(name: "CloudFormation", package: "SwiftMLOpsIaC"),
            .product(name: "TemplateAssertions", package: "SwiftMLOpsIaC"),
        ]),
    ]
)
