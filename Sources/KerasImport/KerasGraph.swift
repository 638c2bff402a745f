import Foundation
import NeuralNet

/// A Keras Functional model (`class_name` "Functional", or "Model" in Keras 2) as Emoscope's graph.
///
/// Each layer names the layers it reads in `inbound_nodes` — Keras 2 as `[["conv2d_1", 0, 0, {}], …]`, Keras 3
/// as `{"args": [tensor or [tensors]], …}` with a `keras_history` per tensor. The layers reached from the one
/// output are ordered so that each comes after its inputs (a cycle is an error naming its layers); a Keras
/// layer becomes its specs in a chain (a Conv2D with `activation="relu"` becomes two nodes), and a layer with
/// no spec (a linear Activation) stands for its input.
struct KerasGraph {
    let inputShape: [Int]
    /// The model's layers in the file's order (the order Keras pairs saved weights in), InputLayer left out.
    let layers: [KerasLayer]
    let architecture: Architecture
    /// The node that holds each layer's weights, by Keras layer name.
    let weightNodes: [String: Int]

    private struct Record {
        let className: String
        let options: [String: Any]
        let sources: [String]
        let entry: [String: Any]
    }

    init(config: [String: Any], file: URL) throws {
        guard let entries = config["layers"] as? [Any] else { throw KerasImportError(file, "its Functional model has no \"layers\" list") }
        var records: [String: Record] = [:]
        var fileOrder: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let entry = entry as? [String: Any], let className = entry["class_name"] as? String,
                  let options = entry["config"] as? [String: Any] else {
                throw KerasImportError(file, "layer \(index) is not an object with \"class_name\" and \"config\"")
            }
            let name = entry["name"] as? String ?? options["name"] as? String ?? "#\(index)"
            guard records[name] == nil else { throw KerasImportError(file, layer: name, "two layers have this name") }
            let nodes = entry["inbound_nodes"] as? [Any] ?? []
            guard nodes.count <= 1 else {
                throw KerasImportError(file, layer: name, "is called \(nodes.count) times; shared layers are not supported")
            }
            var sources: [String] = []
            if let node = nodes.first { Self.collectNames(node, into: &sources) }
            records[name] = Record(className: className, options: options, sources: sources, entry: entry)
            fileOrder.append(name)
        }
        let inputNames = Self.names(config["input_layers"]), outputNames = Self.names(config["output_layers"])
        guard inputNames.count == 1, outputNames.count == 1 else {
            throw KerasImportError(file, "the model has \(inputNames.count) inputs and \(outputNames.count) outputs; only one of each can be imported")
        }
        let (inputName, outputName) = (inputNames[0], outputNames[0])
        guard let inputRecord = records[inputName], inputRecord.className == "InputLayer" else {
            throw KerasImportError(file, layer: inputName, "the model's input is not an InputLayer of the model")
        }
        guard records[outputName] != nil else { throw KerasImportError(file, layer: outputName, "the model's output is not one of its layers") }
        let input = try KerasModelJSON.inputShape(first: inputRecord.entry, model: nil, file: file)
        let order = try Self.orderedFromInputs(to: outputName, records.mapValues(\.sources), file: file)
        let reached = Set(order)
        if let unused = fileOrder.first(where: { !reached.contains($0) }) {
            throw KerasImportError(file, layer: unused, "does not lead to the model's output")
        }

        var parser = LayerParser(file: file, rank: input.count)
        var nodeOf = [inputName: Network.networkInput], rankOf = [inputName: input.count]
        var specs: [LayerSpec] = [], edges: [[Int]] = []
        var parsed: [String: KerasLayer] = [:], weightNodes: [String: Int] = [:]
        for name in order where name != inputName {
            let record = records[name]!
            guard record.className != "InputLayer" else { throw KerasImportError(file, layer: name, "a second input is not supported") }
            guard let first = record.sources.first else { throw KerasImportError(file, layer: name, "reads no layer (no inbound_nodes)") }
            parser.rank = rankOf[first]!
            let layer = try parser.layer(className: record.className, name: name, options: record.options)
            let reads = record.sources.map { nodeOf[$0]! }
            if let spec = layer.specs.first {
                guard reads.count == 1 || spec.isMerge else {
                    throw KerasImportError(file, layer: name, "\(record.className) reads \(reads.count) layers but takes one input")
                }
                for (index, spec) in layer.specs.enumerated() {
                    edges.append(index == 0 ? reads : [specs.count - 1])
                    specs.append(spec)
                }
                weightNodes[name] = specs.count - layer.specs.count
                nodeOf[name] = specs.count - 1
            } else {
                guard reads.count == 1 else { throw KerasImportError(file, layer: name, "\(record.className) reads \(reads.count) layers but takes one input") }
                nodeOf[name] = reads[0]
            }
            rankOf[name] = parser.rank
            parsed[name] = layer
        }
        guard !specs.isEmpty, nodeOf[outputName] == specs.count - 1 else {
            throw KerasImportError(file, layer: outputName, "the model's output is not computed by any layer")
        }
        inputShape = input
        layers = fileOrder.compactMap { parsed[$0] }
        architecture = Architecture(inputShape: input, layers: specs, inputs: edges)
        self.weightNodes = weightNodes
    }

    /// Layer names in an order where each comes after the layers it reads, ending with `output`; only layers
    /// that lead to the output. Depth-first without recursion, so a long file cannot exhaust the stack.
    private static func orderedFromInputs(to output: String, _ sources: [String: [String]], file: URL) throws -> [String] {
        enum Mark { case visiting, done }
        var marks = [output: Mark.visiting], order: [String] = []
        var stack = [(name: output, next: 0)]
        while let (name, next) = stack.last {
            let reads = sources[name]!
            guard next < reads.count else {
                marks[name] = .done
                order.append(name)
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            let source = reads[next]
            guard sources[source] != nil else {
                throw KerasImportError(file, layer: name, "reads \"\(source)\", which is not a layer of the model")
            }
            switch marks[source] {
            case .visiting:
                let loop = stack.map(\.name).drop { $0 != source }
                throw KerasImportError(file, layer: source, "the layers form a cycle: "
                                       + ([source] + loop.reversed()).joined(separator: " → "))
            case .done:
                continue
            case nil:
                marks[source] = .visiting
                stack.append((source, 0))
            }
        }
        return order
    }

    /// Layer names in a list of tensor references, Keras 2 (`["name", node, tensor, …]`) or Keras 3
    /// (`keras_history` inside each tensor's config, tensors under `args`).
    static func collectNames(_ value: Any, into names: inout [String]) {
        if let object = value as? [String: Any] {
            if let history = (object["config"] as? [String: Any])?["keras_history"] as? [Any], let name = history.first as? String {
                names.append(name)
            } else if let arguments = object["args"] {
                collectNames(arguments, into: &names)
            }
        } else if let list = value as? [Any] {
            if let name = list.first as? String, list.count >= 3 { names.append(name); return }
            for item in list { collectNames(item, into: &names) }
        }
    }

    /// `input_layers` / `output_layers`: `["name", 0, 0]` or a list of those.
    private static func names(_ value: Any?) -> [String] {
        var names: [String] = []
        if let value { collectNames(value, into: &names) }
        return names
    }
}
