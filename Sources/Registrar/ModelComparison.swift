/// How a candidate's primary metric is compared with the latest approved version's.
struct ComparisonRule: Equatable {
    var metric: String
    var higherIsBetter: Bool
    /// The smallest improvement that counts (in the metric's own units); 0 means "strictly better".
    var minimumImprovement: Double
}

/// The outcome of a comparison: approve or leave for a person, with the sentence that says why (it goes into the
/// model package's `ApprovalDescription` and the SNS message, so it names both figures).
struct ComparisonResult: Equatable {
    var approve: Bool
    var explanation: String
}

enum ModelComparison {
    /// Rounding slack, so 0.85 − 0.80 (0.04999…) meets a minimum improvement of 0.05.
    static let tolerance = 1e-9

    /// `candidate` against `baseline` (nil: no approved version has the metric, so the candidate is approved).
    ///
    /// Better means: improved (higher when `higherIsBetter`, else lower) by more than nothing and by at least
    /// `minimumImprovement`. Equal is not better.
    static func compare(candidate: Double, baseline: Double?, baselineVersion: String?, rule: ComparisonRule) -> ComparisonResult {
        let name = rule.metric
        let candidateText = MetricText.format(candidate)
        guard let baseline else {
            return ComparisonResult(approve: true, explanation: "\(name) \(candidateText): no approved version with \(name) to compare with")
        }
        let improvement = rule.higherIsBetter ? candidate - baseline : baseline - candidate
        let direction = rule.higherIsBetter ? "higher" : "lower"
        let against = "\(name) \(candidateText) vs \(MetricText.format(baseline)) of the approved version\(baselineVersion.map { " \($0)" } ?? "")"
        let needed = rule.minimumImprovement > 0 ? " by at least \(MetricText.format(rule.minimumImprovement))" : ""
        if improvement > tolerance, improvement >= rule.minimumImprovement - tolerance {
            return ComparisonResult(approve: true, explanation: "\(against): better (\(direction) is better\(needed))")
        }
        return ComparisonResult(approve: false, explanation: "\(against): not better (\(direction) is better\(needed))")
    }
}
