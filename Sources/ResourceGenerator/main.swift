import Foundation

// ResourceGenerator --schemas DIR --cfn-lint-version V [--output DIR] [--check]: see Generator.run.
exit(Generator.run(Array(CommandLine.arguments.dropFirst())))
