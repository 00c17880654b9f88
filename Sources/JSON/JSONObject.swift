/// The members of a JSON object, in order: the document's order when parsed, the order of construction otherwise.
///
/// Reads like a dictionary (`object["key"]`, `keys`, `values`, `count`, iteration as `(key, value)`, a dictionary
/// literal) and is a random-access collection of its members. A key appears once: setting an existing key replaces
/// its value in place, setting `nil` removes it. Equality ignores order (JSON object semantics).
public struct JSONObject: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSON)

    /// The members in order. Small objects (most of them) are searched linearly; an index by key is built once an
    /// object grows past `indexThreshold` members.
    private var members: [Element] = []
    private var positions: [String: Int] = [:]
    private static let indexThreshold = 12

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
        members.reserveCapacity(capacity)
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }
    /// The values, in the order of their keys.
    public var values: [JSON] { members.map(\.value) }

    // MARK: Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { members.count }
    public subscript(position: Int) -> Element { members[position] }

    // MARK: Dictionary-like

    private func position(of key: String) -> Int? {
        if members.count > Self.indexThreshold { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { members[$0].value } }
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
        if let position = position(of: key) {
            let old = members[position].value
            members[position].value = value
            return old
        }
        members.append((key, value))
        if members.count > Self.indexThreshold {
            if positions.isEmpty {
                for (index, member) in members.enumerated() { positions[member.key] = index }
            } else {
                positions[key] = members.count - 1
            }
        }
        return nil
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let position = position(of: key) else { return nil }
        let old = members.remove(at: position).value
        positions = [:]
        if members.count > Self.indexThreshold {
            for (index, member) in members.enumerated() { positions[member.key] = index }
        }
        return old
    }

    public func contains(key: String) -> Bool { position(of: key) != nil }

    /// The same keys, in the same order, with transformed values.
    public func mapValues(_ transform: (JSON) throws -> JSON) rethrows -> JSONObject {
        var copy = self
        for index in copy.members.indices { copy.members[index].value = try transform(copy.members[index].value) }
        return copy
    }

    /// The members that satisfy `isIncluded`, in order (an object, as `Dictionary.filter` gives a dictionary).
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> JSONObject {
        var result = JSONObject()
        for member in members where try isIncluded(member) { result[member.key] = member.value }
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
        JSONObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The members as a dictionary (order lost).
    public var dictionary: [String: JSON] { Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }) }

    /// JSON object equality: the same keys with equal values, in any order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.count == b.count else { return false }
        for (key, value) in a.members {
            guard let other = b[key], other == value else { return false }
        }
        return true
    }
}
