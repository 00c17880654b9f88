import HTTPClient

/// One HTTP request as a Lambda function URL delivers it (payload format 2.0), reduced to what the API reads.
///
/// Lambda writes header names in lower case and joins repeated headers with commas; names are lower-cased here
/// anyway, so an event built by hand (tests, other proxies) with `Content-Type` works the same.
struct FunctionURLRequest: Equatable {
    var method: String
    var path: String
    /// Lower-cased names.
    var headers: [String: String]
    /// The body as sent: base64-decoded when the event says so. `nil` when the request had none.
    var body: [UInt8]?

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

enum FunctionURLEvent {
    /// Parses a payload 2.0 event. A body is checked against `maxBodyBytes` before it is decoded, so an oversized
    /// request costs no decoding; `APIError`s name the field and the rule.
    static func parse(_ event: [UInt8], maxBodyBytes: Int) throws(APIError) -> FunctionURLRequest {
        let root: JSON
        do { root = try JSON(parsing: event) } catch {
            throw APIError(400, "InvalidEvent", "the invocation is not a function URL event (payload format 2.0): \(error)")
        }
        guard root.objectValue != nil else {
            throw APIError(400, "InvalidEvent", "the invocation is not a function URL event: it is \(root.kind), not an object")
        }
        guard let method = root["requestContext"]?["http"]?["method"]?.stringValue, !method.isEmpty else {
            throw APIError(400, "InvalidEvent", "the invocation is not a function URL event: requestContext.http.method is missing")
        }
        guard let path = root["rawPath"]?.stringValue ?? root["requestContext"]?["http"]?["path"]?.stringValue else {
            throw APIError(400, "InvalidEvent", "the invocation is not a function URL event: rawPath is missing")
        }
        var headers: [String: String] = [:]
        if let members = root["headers"]?.objectValue {
            for (name, value) in members {
                guard let text = value.stringValue else {
                    throw APIError(400, "InvalidEvent", "header \(name) is \(value.kind), not a string")
                }
                headers[name.lowercased()] = text
            }
        }
        var body: [UInt8]?
        switch root["body"] {
        case nil, .null?:
            body = nil
        case .string(let text)?:
            let base64: Bool
            switch root["isBase64Encoded"] {
            case nil, .null?: base64 = false
            case .bool(let flag)?: base64 = flag
            case let other?: throw APIError(400, "InvalidEvent", "isBase64Encoded is \(other.kind), not a boolean")
            }
            if base64 {
                // 4 characters carry 3 bytes: anything longer than this cannot decode to maxBodyBytes or fewer.
                guard text.utf8.count <= (maxBodyBytes + 2) / 3 * 4 else { throw APIError.bodyTooLarge(atLeast: text.utf8.count / 4 * 3, limit: maxBodyBytes) }
                guard let decoded = Base64.decode(text) else {
                    throw APIError(400, "InvalidBody", "the body is marked base64-encoded (isBase64Encoded) but is not valid base64", field: "body")
                }
                body = decoded
            } else {
                body = Array(text.utf8)
            }
        case let other?:
            throw APIError(400, "InvalidEvent", "body is \(other.kind), not a string")
        }
        if let body, body.count > maxBodyBytes { throw APIError.bodyTooLarge(atLeast: body.count, limit: maxBodyBytes) }
        return FunctionURLRequest(method: method.uppercased(), path: path, headers: headers, body: body)
    }
}

/// Standard base64 (RFC 4648 section 4, `+` `/`, `=` padding), as Lambda encodes binary bodies. Foundation-free.
enum Base64 {
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// The decoded bytes, or nil when the text is not canonical padded base64.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var padding = 0
        if input.last == UInt8(ascii: "=") { padding += 1 }
        if input.count >= 2, input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            var quad: UInt32 = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                let isPadding = byte == UInt8(ascii: "=") && index + 4 == input.count && offset >= 4 - padding
                let value = isPadding ? 0 : values[Int(byte)]
                guard value >= 0 else { return nil }
                quad = quad << 6 | UInt32(value)
            }
            output.append(UInt8(quad >> 16 & 0xFF))
            output.append(UInt8(quad >> 8 & 0xFF))
            output.append(UInt8(quad & 0xFF))
            index += 4
        }
        output.removeLast(padding)
        return output
    }
}
