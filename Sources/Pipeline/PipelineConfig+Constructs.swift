import Constructs

/// The config's settings as the constructs take them: one mapping each, for every stack that needs it.
extension PipelineConfig.Architecture {
    /// The functions' architecture (the registrar's setting; every handler runs the same package).
    var function: Function.Architecture {
        switch self {
        case .arm64: .arm64
        case .x86_64: .x86_64
        }
    }
}

extension PipelineConfig.Image {
    /// The serving container: a Deep Learning Container by repository and tag (its registry account per region), or a URI.
    var container: SageMakerEndpoint.ContainerImage {
        switch self {
        case .deepLearningContainer(let repository, let tag): .deepLearningContainer(repository: repository, tag: tag)
        case .uri(let uri): .uri(uri)
        }
    }
}
