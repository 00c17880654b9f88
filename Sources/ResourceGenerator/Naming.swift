/// Swift names from CloudFormation names.
enum Naming {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal",
        "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias",
        "var", "break", "case", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in",
        "repeat", "return", "switch", "where", "while", "as", "catch", "false", "is", "nil", "super", "self", "Self",
        "throw", "throws", "true", "try", "Any", "Type", "Protocol",
    ]
    /// Type names that would shadow something the generated code uses, or mean something else as a nested name.
    static let reservedTypeNames: Set<String> = ["Type", "Protocol", "Self", "String", "Int", "Double", "Bool", "Value", "Resource", "TemplateValue"]

    /// `BucketName` → `bucketName`, `SSEAlgorithm` → `sseAlgorithm`, `KMSMasterKeyID` → `kmsMasterKeyID`, `S3Key` → `s3Key`, `AES256` → `aes256`.
    static func lowerCamel(_ name: String) -> String {
        let characters = Array(name)
        guard let first = characters.first else { return name }
        if !first.isUppercase { return name }
        var run = 0
        while run < characters.count, characters[run].isUppercase { run += 1 }
        if run == characters.count { return name.lowercased() }
        let lowerCount: Int
        if run == 1 {
            lowerCount = 1
        } else if characters[run].isLowercase {
            lowerCount = run - 1
        } else {
            lowerCount = run
        }
        return String(characters[..<lowerCount]).lowercased() + String(characters[lowerCount...])
    }

    /// A property identifier, backticked when it is a keyword.
    static func identifier(_ name: String) -> String {
        let camel = lowerCamel(name)
        return keywords.contains(camel) ? "`\(camel)`" : camel
    }

    /// An enum case from a raw value: `aws:kms` → `awsKms`, `BucketOwnerEnforced` → `bucketOwnerEnforced`.
    static func caseName(_ raw: String) -> String {
        let tokens = raw.split { !($0.isLetter || $0.isNumber) || !$0.isASCII }.map(String.init)
        guard !tokens.isEmpty else { return "empty" }
        var result = lowerCamel(tokens[0])
        for token in tokens.dropFirst() { result += token.prefix(1).uppercased() + token.dropFirst() }
        if let first = result.first, first.isNumber { result = "v" + result }
        return keywords.contains(result) ? "`\(result)`" : result
    }

    /// A nested type name, avoiding names that clash with Swift or the core.
    /// Enums named after a property get `Value` (`TypeValue`); definitions get `Property` (`TypeProperty`).
    static func typeName(_ name: String, suffix: String = "Value") -> String {
        let upper = name.prefix(1).uppercased() + name.dropFirst()
        let cleaned = String(upper.filter { $0.isLetter || $0.isNumber })
        return reservedTypeNames.contains(cleaned) || keywords.contains(cleaned) ? cleaned + suffix : cleaned
    }

    /// One doc-comment paragraph: whitespace folded, cut at a sentence end near 300 characters.
    static func doc(_ text: String) -> String {
        var folded = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if folded.count > 300 {
            let prefix = String(folded.prefix(300))
            if let end = prefix.range(of: ". ", options: .backwards) {
                folded = String(prefix[..<end.lowerBound]) + "."
            } else {
                folded = prefix + "…"
            }
        }
        return folded
    }
}
