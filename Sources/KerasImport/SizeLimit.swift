import Foundation
import NeuralNet

/// A model.json can ask for a network too large to allocate (by mistake or on purpose): refuse it, naming
/// the layer, before anything is built. Sizes are counted in Double so absurd values cannot overflow.
enum SizeLimit {
    /// 800 MB of Float32 weights: hundreds of times the tutorial's 2.7 M.
    static let maxParameters = 200_000_000.0
    /// Values of one sample between two layers.
    static let maxActivations = 100_000_000.0

    static func check(_ layers: [KerasLayer], input: [Int], file: URL) throws {
        var shape = input.map(Double.init)
        var parameters = 0.0
        guard shape.reduce(1, *) <= maxActivations else { throw KerasImportError(file, "input shape \(input) is too large") }
        for layer in layers {
            for spec in layer.specs {
                switch spec {
                case let .conv2D(filters, kernel, strides, padding, useBias) where shape.count == 3 && kernel.count == 2:
                    let s = Double(max(strides, 1)), (kh, kw) = (Double(kernel[0]), Double(kernel[1]))
                    let out = padding == .same ? [(shape[0] / s).rounded(.up), (shape[1] / s).rounded(.up)]
                                               : [((shape[0] - kh) / s).rounded(.down) + 1, ((shape[1] - kw) / s).rounded(.down) + 1]
                    parameters += kh * kw * shape[2] * Double(filters) + (useBias ? Double(filters) : 0)
                    shape = [max(out[0], 0), max(out[1], 0), Double(filters)]
                case .batchNorm:
                    parameters += 4 * (shape.last ?? 0)
                case let .maxPool(size, strides) where shape.count == 3, let .averagePool(size, strides) where shape.count == 3:
                    let s = Double(max(strides, 1))
                    shape = [((shape[0] - Double(size)) / s).rounded(.down) + 1, ((shape[1] - Double(size)) / s).rounded(.down) + 1, shape[2]]
                case .globalAveragePool:
                    shape = [shape.last ?? 0]
                case .flatten:
                    shape = [shape.reduce(1, *)]
                case let .dense(units, useBias):
                    parameters += (shape.last ?? 0) * Double(units) + (useBias ? Double(units) : 0)
                    shape = [Double(units)]
                default:
                    break
                }
                guard parameters <= maxParameters else {
                    throw KerasImportError(file, layer: layer.name, "\(layer.className) brings the network to \(whole(parameters)) parameters, more than Emoscope loads (\(whole(maxParameters)))")
                }
                guard shape.reduce(1, *) <= maxActivations else {
                    throw KerasImportError(file, layer: layer.name, "\(layer.className) gives an output too large ([\(shape.map(whole).joined(separator: ", "))])")
                }
            }
        }
    }

    /// A count for a message. Counts here may be far beyond Int's range (2^62 filters times a kernel), where
    /// converting the Double to Int would trap.
    static func whole(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e15 ? String(format: "%.0f", value) : String(format: "%.3g", value)
    }
}
