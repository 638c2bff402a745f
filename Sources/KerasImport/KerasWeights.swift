import Foundation
import NeuralNet

/// Reads a Keras weights file into a network built from the same model.json.
///
/// Three layouts: Keras 2 `save_weights("w.h5")` (root attribute `layer_names`, each layer's group with
/// `weight_names`), Keras 2/3 `model.save("m.h5")` (the same under `/model_weights`), and Keras 3
/// `save_weights("w.weights.h5")` (`layers/<name>/vars/<i>`). Every dataset's presence, type and shape is
/// checked before any value is read.
struct KerasWeights {
    let url: URL
    private let file: HDF5File

    init(contentsOf url: URL) throws {
        self.url = url
        // libhdf5 would block on a named pipe and read a device without end: only regular files reach it.
        do throws(RegularFile.Problem) { try RegularFile.size(of: url.path) } catch { throw KerasImportError(url, error.description) }
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw KerasImportError(url, "cannot be read: permission denied") }
        do { file = try HDF5File(path: url.path) } catch let failure as HDF5Failure {
            throw KerasImportError(url, "is not a readable Keras weights file: \(failure)")
        }
    }

    /// The Keras version that wrote the file, when it says.
    var kerasVersion: String? {
        for object in ["/", "model_weights"] where file.hasAttribute("keras_version", of: object) {
            if let version = try? file.strings(attribute: "keras_version", of: object).first { return version }
        }
        return nil
    }

    /// Copies every variable of `layers` into the parameters of `network` (built from the same layers).
    /// `weightNodes` names the network layer that holds each Keras layer's weights.
    func load(_ layers: [KerasLayer], weightNodes: [String: Int], into network: Network, modelFile: URL) throws {
        let datasets = try locateDatasets(of: layers, modelFile: modelFile)
        var targets: [(dataset: String, layer: String, parameter: Parameter)] = []
        for layer in layers {
            guard let paths = datasets[layer.name], let node = weightNodes[layer.name] else { continue }
            let parameters = network.layers[node].parameters
            for (variable, path) in zip(layer.variables, paths) {
                guard let parameter = parameters.first(where: { $0.name == variable.rawValue }) else {
                    throw KerasImportError(modelFile, layer: layer.name, "Emoscope's \(layer.className) has no \(variable.rawValue)")
                }
                let info: HDF5DatasetInfo
                do { info = try file.info(dataset: path) } catch let failure as HDF5Failure {
                    throw KerasImportError(url, layer: layer.name, "\(variable.rawValue): \(failure)")
                }
                guard info.isFloat else {
                    throw KerasImportError(url, layer: layer.name, "\(variable.rawValue) \"\(path)\" holds \(info.typeName) values, not floating point")
                }
                guard info.shape == parameter.value.shape else {
                    throw KerasImportError(url, layer: layer.name, "\(variable.rawValue) \"\(path)\" has shape \(info.shape) but \(modelFile.lastPathComponent) needs \(parameter.value.shape)")
                }
                targets.append((path, layer.name, parameter))
            }
        }
        // Only now, with every shape checked, are values read.
        for target in targets {
            do { try file.read(dataset: target.dataset, into: target.parameter.value.data) } catch let failure as HDF5Failure {
                throw KerasImportError(url, layer: target.layer, "\(failure)")
            }
            let values = UnsafeBufferPointer(start: target.parameter.value.data, count: target.parameter.value.count)
            guard values.allSatisfy(\.isFinite) else {
                throw KerasImportError(url, layer: target.layer, "\(target.parameter.name) holds NaN or infinite values")
            }
        }
    }

    /// The dataset path of each variable, by Keras layer name.
    private func locateDatasets(of allLayers: [KerasLayer], modelFile: URL) throws -> [String: [String]] {
        let layers = allLayers.filter { !$0.variables.isEmpty }
        for root in ["/", "model_weights"] where file.hasAttribute("layer_names", of: root) {
            return try layerNamesLayout(root: root, layers: layers, modelFile: modelFile)
        }
        if file.exists("layers") {
            return try variablesLayout(root: "layers", layers: layers, genericNames: Self.genericNames(allLayers))
        }
        for root in ["layers", "_layer_checkpoint_dependencies"] where file.exists(root) {
            return try variablesLayout(root: root, layers: layers)
        }
        throw KerasImportError(url, "is HDF5 but not Keras weights: it has no layer_names attribute, /model_weights or /layers")
    }

    /// Keras 2's layout. Like Keras's own loader, layers with weights are paired in order (names may
    /// differ when the JSON and the weights were saved from two builds of the same model).
    private func layerNamesLayout(root: String, layers: [KerasLayer], modelFile: URL) throws -> [String: [String]] {
        let prefix = root == "/" ? "" : root + "/"
        let saved: [(name: String, weights: [String])]
        do {
            saved = try file.strings(attribute: "layer_names", of: root).compactMap { name in
                guard file.exists(prefix + name) else { throw HDF5Failure(description: "layer_names lists \"\(name)\" but there is no such group") }
                let weights = try file.strings(attribute: "weight_names", of: prefix + name)
                return weights.isEmpty ? nil : (name, weights)
            }
        } catch let failure as HDF5Failure {
            throw KerasImportError(url, "its layer list cannot be read: \(failure)")
        }
        guard saved.count == layers.count else {
            let savedNames = Set(saved.map(\.name)), modelNames = Set(layers.map(\.name))
            let missing = layers.map(\.name).filter { !savedNames.contains($0) }
            let extra = saved.map(\.name).filter { !modelNames.contains($0) }
            throw KerasImportError(url, layer: missing.first ?? extra.first,
                                   "holds weights for \(saved.count) layers but \(modelFile.lastPathComponent) has \(layers.count) layers with weights"
                                   + (missing.isEmpty ? "" : "; missing: \(missing.joined(separator: ", "))")
                                   + (extra.isEmpty ? "" : "; not in the model: \(extra.joined(separator: ", "))"))
        }
        var paths: [String: [String]] = [:]
        for (layer, entry) in zip(layers, saved) {
            guard entry.weights.count == layer.variables.count else {
                throw KerasImportError(url, layer: layer.name, "has \(entry.weights.count) weights (\(entry.weights.joined(separator: ", "))) but a \(layer.className) with these options has \(layer.variables.count): \(layer.variables.map(\.rawValue).joined(separator: ", "))")
            }
            for (variable, weight) in zip(layer.variables, entry.weights) {
                // "conv2d/kernel:0" (Keras 2) or "sequential/conv2d/kernel" (Keras 3): the last part names it.
                let base = weight.split(separator: "/").last.map { String($0.split(separator: ":").first ?? "") } ?? ""
                // Keras 3 names a DepthwiseConv2D's depthwise kernel "kernel".
                if let named = KerasLayer.Variable(rawValue: base), named != variable,
                   !(variable == .depthwiseKernel && named == .kernel && layer.className == "DepthwiseConv2D") {
                    throw KerasImportError(url, layer: layer.name, "holds \(base) where \(variable.rawValue) was expected")
                }
            }
            paths[layer.name] = entry.weights.map { prefix + entry.name + "/" + $0 }
        }
        return paths
    }

    /// Keras 3's `.weights.h5`: variables numbered in creation order, layers found by name.
    /// Keras 3 saves a model's layers under names made from their classes in model order ("conv2d",
    /// "conv2d_1", …), not the names the model gave them; a layer's own name is tried first.
    private func variablesLayout(root: String, layers: [KerasLayer], genericNames: [String: String] = [:]) throws -> [String: [String]] {
        var paths: [String: [String]] = [:]
        for layer in layers {
            var group = "\(root)/\(layer.name)/vars"
            if !file.exists(group), let generic = genericNames[layer.name] { group = "\(root)/\(generic)/vars" }
            guard file.exists(group) else { throw KerasImportError(url, layer: layer.name, "has no weights (no group \(group))") }
            let count = layer.variables.count
            guard (0..<count).allSatisfy({ file.exists("\(group)/\($0)") }), !file.exists("\(group)/\(count)") else {
                let found = (0..<(count + 8)).filter { file.exists("\(group)/\($0)") }.count
                throw KerasImportError(url, layer: layer.name, "has \(found) weights but a \(layer.className) with these options has \(count)")
            }
            paths[layer.name] = (0..<count).map { "\(group)/\($0)" }
        }
        return paths
    }

    /// Keras 3's names for the layers in its saved files: the class name in snake case, then _1, _2, … for
    /// later layers of the same class, counted in model order.
    static func genericNames(_ layers: [KerasLayer]) -> [String: String] {
        var used: [String: Int] = [:], names: [String: String] = [:]
        for layer in layers {
            let base = snakeCase(layer.className)
            let count = used[base, default: 0]
            names[layer.name] = count == 0 ? base : "\(base)_\(count)"
            used[base] = count + 1
        }
        return names
    }

    /// keras.src.utils.naming.to_snake_case: "SeparableConv2D" → "separable_conv2d".
    static func snakeCase(_ name: String) -> String {
        var text = name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        for (pattern, template) in [("(.)([A-Z][a-z]+)", "$1_$2"), ("([a-z])([A-Z])", "$1_$2")] {
            let expression = try! NSRegularExpression(pattern: pattern)
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text.lowercased()
    }
}
