import Foundation
import NeuralNet

/// The network of a Keras `model.to_json()` file, read as Emoscope's architecture.
///
/// Reads Sequential models from Keras 2 (`batch_input_shape`, layers possibly as a bare list in old
/// versions) and Keras 3 (`batch_shape`, `build_input_shape`, `module` keys). Options that only matter
/// for training (initialisers, regularisers, constraints) are ignored; any option that changes what the
/// network computes and that Emoscope's layers cannot do is an error naming the layer and the option.
struct KerasModelJSON {
    let inputShape: [Int]
    let layers: [KerasLayer]
    let architecture: Architecture
    /// The node of the network that holds each layer's weights, by Keras layer name.
    let weightNodes: [String: Int]

    /// The layers that have saved weights, in model order (the order Keras's h5 loader pairs them in).
    var weightedLayers: [KerasLayer] { layers.filter { !$0.variables.isEmpty } }

    /// model.json files are tens of kilobytes; a larger one is not a model description.
    static let maximumBytes = 64 << 20
    /// The first bytes of every HDF5 file.
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

    /// Reads a model.json, or the `model_config` attribute of a full model saved by `model.save("m.h5")`.
    init(contentsOf url: URL) throws {
        let data: Data
        // Only a regular file is opened: a named pipe would block the signature check.
        do throws(RegularFile.Problem) { try RegularFile.size(of: url.path) } catch { throw KerasImportError(url, error.description) }
        if Self.isHDF5(url) {
            data = try Self.modelConfig(of: url)
        } else {
            do throws(RegularFile.Problem) { data = try RegularFile.read(url.path, limit: Self.maximumBytes) } catch { throw KerasImportError(url, error.description) }
        }
        try self.init(data: data, file: url)
    }

    static func isHDF5(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)).map { [UInt8]($0) == hdf5Signature } ?? false
    }

    /// The architecture Keras's `model.save(...)` writes as the root attribute `model_config`.
    static func modelConfig(of url: URL) throws -> Data {
        do {
            let file = try HDF5File(path: url.path)
            guard file.hasAttribute("model_config", of: "/") else {
                throw KerasImportError(url, "has no model_config attribute: it holds weights only (save_weights); give the model.json beside it")
            }
            guard let text = try file.strings(attribute: "model_config", of: "/").first, text.utf8.count <= maximumBytes else {
                throw KerasImportError(url, "its model_config attribute is empty or too large")
            }
            return Data(text.utf8)
        } catch let failure as HDF5Failure {
            throw KerasImportError(url, "its model_config cannot be read: \(failure)")
        }
    }

    init(data: Data, file: URL) throws {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw KerasImportError(file, "is not valid JSON (\(Self.reason(error))); expected Keras's model.to_json()")
        }
        guard let model = root as? [String: Any], let className = model["class_name"] as? String else {
            throw KerasImportError(file, "is not a Keras model description: no top-level \"class_name\"")
        }
        if className == "Functional" || className == "Model" {
            guard let config = model["config"] as? [String: Any] else { throw KerasImportError(file, "its \(className) model has no config") }
            let graph = try KerasGraph(config: config, file: file)
            (inputShape, layers, architecture, weightNodes) = (graph.inputShape, graph.layers, graph.architecture, graph.weightNodes)
            return
        }
        guard className == "Sequential" else {
            throw KerasImportError(file, "is a Keras \(className) model; only Sequential and Functional models can be imported")
        }
        let config = model["config"] as? [String: Any]
        guard let entries = (config?["layers"] ?? model["config"]) as? [Any] else {
            throw KerasImportError(file, "its Sequential model has no \"layers\" list")
        }

        let input = try Self.inputShape(first: entries.first, model: config, file: file)
        var parser = LayerParser(file: file, rank: input.count)
        var layers: [KerasLayer] = []
        for (index, entry) in entries.enumerated() {
            guard let entry = entry as? [String: Any], let className = entry["class_name"] as? String,
                  let options = entry["config"] as? [String: Any] else {
                throw KerasImportError(file, "layer \(index) is not an object with \"class_name\" and \"config\"")
            }
            if className == "InputLayer" { continue }
            layers.append(try parser.layer(className: className, name: options["name"] as? String ?? "#\(index)",
                                           options: options))
        }
        guard !layers.isEmpty else { throw KerasImportError(file, "the model has no layers") }
        try SizeLimit.check(layers, input: input, file: file)
        inputShape = input
        self.layers = layers
        architecture = Architecture(inputShape: input, layers: layers.flatMap(\.specs))
        var nodes: [String: Int] = [:], next = 0
        for layer in layers {
            if !layer.specs.isEmpty { nodes[layer.name] = next }
            next += layer.specs.count
        }
        weightNodes = nodes
    }

    /// Keras 2 puts `batch_input_shape` on the InputLayer or the first layer; Keras 3 `batch_shape` on the
    /// InputLayer, `build_config` on layers and `build_input_shape` on the model.
    static func inputShape(first: Any?, model: [String: Any]?, file: URL) throws -> [Int] {
        let entry = first as? [String: Any]
        let options = entry?["config"] as? [String: Any]
        let candidates: [Any?] = [options?["batch_input_shape"], options?["batch_shape"],
                                  (entry?["build_config"] as? [String: Any])?["input_shape"], model?["build_input_shape"]]
        guard let declared = candidates.first(where: { $0 != nil && !($0! is NSNull) }) ?? nil else {
            throw KerasImportError(file, "no input shape: the first layer has no batch_input_shape and there is no InputLayer")
        }
        guard let list = declared as? [Any], list.count >= 2, list[0] is NSNull,
              case let sizes = list.dropFirst().compactMap({ $0 as? Int }), sizes.count == list.count - 1,
              sizes.allSatisfy({ $0 > 0 }) else {
            throw KerasImportError(file, "input shape \(declared) is not [null, height, width, channels] with fixed sizes")
        }
        return sizes
    }

    private static func reason(_ error: Error) -> String {
        let info = (error as NSError).userInfo
        return (info[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
    }
}
