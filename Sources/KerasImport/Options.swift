import Foundation
import NeuralNet

/// One Keras layer's `config` values, read with the checks and messages the importer needs.
struct Options {
    let file: URL
    let layer: String
    let kind: String
    let values: [String: Any]

    func error(_ message: String) -> KerasImportError { KerasImportError(file, layer: layer, "\(kind) \(message)") }

    private func present(_ key: String) -> Any? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let value = present(key) else {
            if let fallback { return fallback }
            throw error("has no option \(key)")
        }
        guard let number = value as? NSNumber, let int = Int(exactly: number.doubleValue) else {
            throw error("option \(key) \(value) is not a whole number")
        }
        return int
    }

    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let value = present(key) else {
            if let fallback { return fallback }
            throw error("has no option \(key)")
        }
        guard let number = value as? NSNumber, number.doubleValue.isFinite else { throw error("option \(key) \(value) is not a number") }
        return number.floatValue
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = present(key) else { return fallback }
        guard let flag = value as? Bool else { throw error("option \(key) \(value) is not true or false") }
        return flag
    }

    /// A size given as one number or as [height, width].
    func pair(_ key: String, default fallback: Int? = nil) throws -> [Int] {
        guard let value = present(key) else {
            if let fallback { return [fallback, fallback] }
            throw error("has no option \(key)")
        }
        if let number = value as? NSNumber, let int = Int(exactly: number.doubleValue) { return [int, int] }
        guard let list = value as? [Any], list.count == 2,
              case let ints = list.compactMap({ ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }), ints.count == 2 else {
            throw error("option \(key) \(value) is not a number or a pair of numbers")
        }
        return ints
    }

    /// Cropping2D's rows and columns to cut: one number for all four edges, [rows, columns] cut from both
    /// ends, or [[top, bottom], [left, right]], as Keras accepts them.
    func cropping(_ key: String) throws -> (top: Int, bottom: Int, left: Int, right: Int) {
        func whole(_ value: Any) -> Int? { (value as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
        // One axis: a number cut from both ends, or [first, last].
        func axis(_ value: Any) -> [Int]? {
            if let both = whole(value) { return [both, both] }
            guard let list = value as? [Any], list.count == 2, case let ints = list.compactMap(whole), ints.count == 2 else { return nil }
            return ints
        }
        let value = present(key) ?? 0
        let axes = (value as? [Any]).map { $0.count == 2 ? $0.map(axis) : [] } ?? [axis(value), axis(value)]
        guard axes.count == 2, let rows = axes[0], let columns = axes[1], (rows + columns).allSatisfy({ $0 >= 0 }) else {
            throw error("option \(key) \(value) is not a number, a pair or a pair of pairs of numbers of at least 0")
        }
        return (rows[0], rows[1], columns[0], columns[1])
    }

    /// A pair whose two sizes must be equal: Emoscope's pooling windows and strides are square.
    func square(_ key: String, default fallback: Int) throws -> Int {
        let sizes = try pair(key, default: fallback)
        guard sizes[0] == sizes[1] else { throw error("option \(key) \(sizes) is not supported (only equal height and width)") }
        return sizes[0]
    }

    func padding(allowed: [LayerSpec.Padding]) throws -> LayerSpec.Padding {
        let text = (present("padding") as? String ?? "valid").lowercased()
        guard let padding = LayerSpec.Padding(rawValue: text), allowed.contains(padding) else {
            throw error("option padding \"\(text)\" is not supported (only \(allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")))")
        }
        return padding
    }

    /// Layer specs for an `activation` option: none for linear, ReLU or Softmax.
    func activation() throws -> [LayerSpec] {
        var value = present("activation")
        // Keras 3 may write a built-in activation as {"class_name": "function", "config": "relu"}.
        if let object = value as? [String: Any] { value = object["config"] as? String ?? object["class_name"] }
        guard let name = value.map({ $0 as? String }) ?? "linear" else { throw error("option activation \(value!) is not a name") }
        switch name {
        case "linear": return []
        case "relu": return [.relu]
        case "softmax": return [.softmax]
        default: throw error("option activation \"\(name)\" is not supported (only relu, softmax, linear)")
        }
    }

    func require(_ key: String, equals expected: Bool) throws {
        guard let value = present(key) else { return }
        guard let flag = value as? Bool, flag == expected else { throw error("option \(key) \(value) is not supported (only \(expected))") }
    }

    func require(_ key: String, equals expected: Int?) throws {
        guard let value = present(key) else { return }
        guard let expected, let number = value as? NSNumber, number.doubleValue == Double(expected) else {
            throw error("option \(key) \(value) is not supported (only \(expected.map(String.init) ?? "null"))")
        }
    }

    func require(_ key: String, pairOf expected: Int) throws {
        guard present(key) != nil else { return }
        let sizes = try pair(key)
        guard sizes == [expected, expected] else { throw error("option \(key) \(sizes) is not supported (only \(expected))") }
    }

    func require(_ key: String, in allowed: [String], default fallback: String) throws {
        let text = present(key).map { $0 as? String ?? "\($0)" } ?? fallback
        guard allowed.contains(text) else { throw error("option \(key) \"\(text)\" is not supported (only \(allowed.joined(separator: ", ")))") }
    }

    /// An axis option that must name the last axis of a batch of samples of `rank` dimensions:
    /// -1, [-1], or the positive index tf.keras writes once a layer is built (e.g. [3] for images).
    func requireAxis(_ key: String, lastOf rank: Int) throws {
        guard let value = present(key) else { return }
        let list = (value as? [Any]) ?? [value]
        let axes = list.compactMap { ($0 as? NSNumber)?.intValue }
        guard axes.count == 1, list.count == 1, axes[0] == -1 || axes[0] == rank else {
            throw error("option \(key) \(value) is not supported (only the channel axis, -1)")
        }
    }
}
