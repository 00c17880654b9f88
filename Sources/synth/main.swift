import Pipeline
import SynthCLI

/// The pipeline's `synth`: the reusable command line plus `--config FILE`.
SynthCommandLine(
    summary: "Synthesizes the pipeline's CloudFormation templates from its config.",
    options: [.init("--config", value: "FILE", help: "pipeline settings", default: "config/pipeline.json")]
) { arguments in
    let path = arguments["--config"]!  // the option has a default, so the command line always fills it in
    do {
        return PipelineApp.make(config: try PipelineConfig.load(from: path))
    } catch let error as ConfigFileError {
        throw SynthCommandLine.UsageError(error.description) // a missing config file is a usage error (exit 2)
    }
}.main()
