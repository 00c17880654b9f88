import AWSResources
import CloudFormation

/// Applies the config's tags to every resource in a stack whose type takes tags, so cost and ownership
/// reports cover the whole pipeline. Tags already set on a resource win.
enum Tagging {
    static func apply(_ tags: [(key: String, value: String)], to stack: Stack) {
        guard !tags.isEmpty else { return }
        let pairs = tags.map { ($0.key, $0.value) }
        // Every resource takes them; types without a Tags list ignore them (no dynamic cast per construct).
        for construct in stack.descendants { construct.asResource?.addTags(pairs) }
    }
}
