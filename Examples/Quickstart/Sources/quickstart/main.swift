import QuickstartApp
import SynthCLI

// The library's command line: --output, --stack, --list, --check, --diff, --graph, exit codes, atomic writes.
SynthCommandLine(name: "quickstart", summary: "Synthesizes the quickstart app.") { _ in Quickstart.makeApp() }.main()
