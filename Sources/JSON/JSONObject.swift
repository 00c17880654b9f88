/// The members of a JSON object, in order: the document's order when parsed, the order of construction otherwise.
///
/// Reads like a dictionary (`object["key"]`, `keys`, `values`, `count`, iteration as `(key, value)`, a dictionary
/// literal) and is a random-access collection of its members. A key appears once: setting an existing key replaces
/// its value in place, setting `nil` removes it. Equality ignores order (JSON object semantics).
public struct JSONObject: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSON)

    public private(set) var keys: [String] = []
    public private(set) var values: [JSON] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// The literal's members in the literal's order (a repeated key keeps its first position and its last value).
    public init(dictionaryLiteral elements: (String, JSON)...) {
        reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// Members in the given order (a repeated key keeps its first position and its last value).
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSON) {
        for (key, value) in members { self[key] = value }
    }

    /// A dictionary's members, ordered by key (a dictionary has no order of its own).
    public init(_ dictionary: [String: JSON]) {
        reserveCapacity(dictionary.count)
        for key in dictionary.keys.sorted() { self[key] = dictionary[key]! }
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    // MARK: Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }
    public subscript(position: Int) -> Element { (keys[position], values[position]) }

    // MARK: Dictionary-like

    public subscript(key: String) -> JSON? {
        get { positions[key].map { values[$0] } }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value of `key` (in place if present, appended otherwise) and returns the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSON, forKey key: String) -> JSON? {
        if let position = positions[key] {
            let old = values[position]
            values[position] = value
            return old
        }
        positions[key] = keys.count
        keys.append(key)
        values.append(value)
        return nil
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let position = positions.removeValue(forKey: key) else { return nil }
        keys.remove(at: position)
        let old = values.remove(at: position)
        for index in position..<keys.count { positions[keys[index]] = index }
        return old
    }

    public func contains(key: String) -> Bool { positions[key] != nil }

    /// The same keys, in the same order, with transformed values.
    public func mapValues(_ transform: (JSON) throws -> JSON) rethrows -> JSONObject {
        var copy = self
        copy.values = try values.map(transform)
        return copy
    }

    /// The members that satisfy `isIncluded`, in order (an object, as `Dictionary.filter` gives a dictionary).
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> JSONObject {
        var result = JSONObject()
        for index in indices where try isIncluded(self[index]) { result[keys[index]] = values[index] }
        return result
    }

    /// Adds `other`'s members (appended, or replacing in place when `combine` says so for a key present in both).
    public mutating func merge(_ other: JSONObject, uniquingKeysWith combine: (JSON, JSON) throws -> JSON) rethrows {
        for (key, value) in other {
            if let current = self[key] {
                self[key] = try combine(current, value)
            } else {
                self[key] = value
            }
        }
    }

    public func merging(_ other: JSONObject, uniquingKeysWith combine: (JSON, JSON) throws -> JSON) rethrows -> JSONObject {
        var copy = self
        try copy.merge(other, uniquingKeysWith: combine)
        return copy
    }

    /// The members ordered by key (String order, as the canonical writer writes them).
    public func sortedByKey() -> JSONObject {
        JSONObject(zip(keys, values).sorted { $0.0 < $1.0 })
    }

    /// The members as a dictionary (order lost).
    public var dictionary: [String: JSON] { Dictionary(uniqueKeysWithValues: zip(keys, values)) }

    /// JSON object equality: the same keys with equal values, in any order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.count == b.count else { return false }
        for (key, value) in zip(a.keys, a.values) {
            guard let other = b[key], other == value else { return false }
        }
        return true
    }
}
