import HTTPClient
import LambdaRuntime

/// One uploaded object, decoded.
struct UploadedObject: Equatable {
    let bucket: String
    let key: String
    let eventTime: String
    let eventName: String
    /// `s3.object.eTag` (empty when the event has none).
    var eTag: String = ""

    var uri: String { "s3://\(bucket)/\(key)" }
}

enum S3EventDecoding {
    /// Decodes an object key as S3 writes it into events: form encoding, so `+` is a space, then percent-decoding (`%2B` is `+`), UTF-8.
    static func decodeKey(_ encoded: String) throws(HandlerError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(encoded.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw HandlerError(type: "InvalidEvent", message: "object key \"\(encoded)\" has an invalid percent escape")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let key = String(validating: bytes, as: UTF8.self) else {
            throw HandlerError(type: "InvalidEvent", message: "object key \"\(encoded)\" does not decode to UTF-8")
        }
        return key
    }

    /// Milliseconds since the epoch of an S3 `eventTime` (`2026-11-22T10:00:00.000Z`, fraction optional), or nil.
    static func epochMilliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[from..<from + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var millis: Int64 = 0
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100
            while index < bytes.count, let digit = number(index, 1) {
                millis += digit * scale
                scale /= 10
                index += 1
            }
        }
        guard index == bytes.count - 1, bytes[index] == UInt8(ascii: "Z") else { return nil }
        // Days from the civil date (proleptic Gregorian), then seconds.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The event's records, or nil for `s3:TestEvent`. A malformed event is an error that says what is wrong.
    ///
    /// Only the fields the registrar needs are read: `Records[].eventName`, `.eventTime` (optional), `.s3.bucket.name`,
    /// `.s3.object.key` and `.s3.object.eTag` (optional); anything else in the notification is ignored.
    static func objects(in event: [UInt8]) throws(HandlerError) -> [UploadedObject]? {
        func invalid(_ message: String) -> HandlerError { HandlerError(type: "InvalidEvent", message: message) }
        let document: JSON
        do {
            document = try JSON(parsing: event)
        } catch {
            throw invalid("the event is not an S3 event notification: \(error)")
        }
        guard document.objectValue != nil else {
            throw invalid("the event is not an S3 event notification: it is \(document.kind), not an object")
        }
        guard let recordsValue = document["Records"], recordsValue != .null else {
            if document["Event"]?.stringValue == "s3:TestEvent" { return nil }
            throw invalid("the event has no Records array (expected an S3 event notification)")
        }
        guard let records = recordsValue.arrayValue else { throw invalid("Records is \(recordsValue.kind), not an array") }
        var objects: [UploadedObject] = []
        for (index, record) in records.enumerated() {
            /// The string at `path` below this record; missing (or null) and mistyped fields are named in the error.
            func string(_ path: String, required: Bool = true) throws(HandlerError) -> String? {
                var value: JSON? = record
                for part in path.split(separator: ".") {
                    guard let current = value, current != .null else { break }
                    guard current.objectValue != nil else {
                        throw invalid("Records[\(index)].\(path) is missing: its parent is \(current.kind), not an object")
                    }
                    value = current[String(part)]
                }
                guard let value, value != .null else {
                    if required { throw invalid("Records[\(index)].\(path) is missing") }
                    return nil
                }
                guard let text = value.stringValue else { throw invalid("Records[\(index)].\(path) is \(value.kind), not a string") }
                if required, text.isEmpty { throw invalid("Records[\(index)].\(path) is empty") }
                return text
            }
            guard record.objectValue != nil else { throw invalid("Records[\(index)] is \(record.kind), not an object") }
            let name = try string("eventName")!
            let bucket = try string("s3.bucket.name")!
            let key = try string("s3.object.key")!
            let time = try string("eventTime", required: false) ?? ""
            let eTag = try string("s3.object.eTag", required: false) ?? ""
            objects.append(UploadedObject(bucket: bucket, key: try decodeKey(key), eventTime: time, eventName: name, eTag: eTag))
        }
        return objects
    }
}
