@testable import CloudFormation
import Foundation

/// Parses canonical JSON back for assertions.
func parseJSON(_ body: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
}

extension Synthesis {
    func templateJSON(_ name: String) throws -> [String: Any] {
        try parseJSON(stacks.first { $0.name == name }!.body)
    }
}

func collectErrors(_ body: () throws -> Synthesis) -> [Diagnostic] {
    do {
        _ = try body()
        return []
    } catch let error as SynthesisError {
        return error.errors
    } catch {
        return []
    }
}
