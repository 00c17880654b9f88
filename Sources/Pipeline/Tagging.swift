import AWSResources
import CloudFormation

/// Applies the config's tags to every resource in a stack whose type takes tags, so cost and ownership
/// reports cover the whole pipeline. Tags already set on a resource win.
enum Tagging {
    static func apply(_ tags: [(key: String, value: String)], to stack: Stack) {
        guard !tags.isEmpty else { return }
        for case let resource as TaggableResource in stack.descendants {
            resource.addTags(tags.map { ($0.key, $0.value) })
        }
    }
}
