import NeuralNet

/// The networks Emoscope can train, by name. All take a 48x48 gray face and give 7 logits + softmax.
public enum EmotionArchitecture: String, CaseIterable, Sendable {
    /// The Keras tutorial's network, layer for layer: 4 conv blocks + 2 dense, 2,735,751 parameters.
    case tutorial
    /// Ours: a VGG-style net for accuracy per FLOP (≈0.19 GFLOP, ≈1.75 M parameters): one 3x3 convolution at
    /// full resolution, where it is costly, then pairs at each coarser scale, all without bias (BatchNorm
    /// follows). Cheap enough to classify every face of a live 640x480 view 30 times a second.
    case compact
    /// `compact` at 1.5x the width (≈0.44 GFLOP, ≈3.9 M parameters): more capacity for long schedules, still
    /// well inside the live budget of twice the tutorial network's cost per face.
    case wide
    /// `compact` at half the width (≈0.05 GFLOP, ≈0.44 M parameters): a cheap extra member for an ensemble,
    /// a different network rather than another of the same.
    case slim
    /// `compact` on the upper 28 of the face's 48 rows (brows, eyes, the top of the nose; ≈0.11 GFLOP): a
    /// member that must read a face by the brows and eyes, which a whole-face network learns to neglect
    /// because FER2013's mouths tell most of its expressions apart.
    case upper
    /// `compact`'s convolutions as residual blocks (each scale's pair of 3x3 convolutions bridged by a 1x1
    /// projection) and global average pooling in place of the dense head (≈0.20 GFLOP, ≈1.2 M parameters):
    /// the same convolution cost, a head with a fifth of the weights, and gradients that reach the early
    /// layers directly.
    case residual
    /// A tiny net (≈13 k parameters) for tests and smoke runs: trains in seconds, well above chance.
    case tiny

    public static let inputShape = [48, 48, 1]

    public var architecture: Architecture {
        guard let chain else { return Self.residualNetwork(width: 32) }
        return Architecture(inputShape: Self.inputShape, layers: chain)
    }

    /// The layers of the networks that are chains; nil for the one that is a graph.
    private var chain: [LayerSpec]? {
        switch self {
        case .tutorial:
            func block(_ filters: Int, _ kernel: Int) -> [LayerSpec] {
                [.conv(filters, kernel), .batchNorm(), .relu, .maxPool(size: 2, strides: 2), .dropout(rate: 0.25)]
            }
            return block(64, 3) + block(128, 5) + block(512, 3) + block(128, 5) + [
                .flatten, .dense(256), .batchNorm(), .relu, .dropout(rate: 0.25), .dense(7), .softmax,
            ]
        case .compact: return Self.vggStyle(width: 32)
        case .wide: return Self.vggStyle(width: 48)
        case .slim: return Self.vggStyle(width: 16)
        case .upper: return [.cropping2D(top: 0, bottom: 20, left: 0, right: 0)] + Self.vggStyle(width: 32)
        case .residual: return nil
        case .tiny:
            // BatchNorm averages move fast (momentum 0.9): a short run must end with usable statistics.
            let norm = LayerSpec.batchNorm(epsilon: 1e-3, momentum: 0.9)
            return [.conv(8, 3, strides: 2, useBias: false), norm, .relu,
                    .conv(16, 3, strides: 2, useBias: false), norm, .relu, .maxPool(size: 2, strides: 2),
                    .conv(32, 3, useBias: false), norm, .relu, .flatten, .dense(7), .softmax]
        }
    }

    /// One 3x3 convolution at full resolution, where it is costly, then pairs at each coarser scale, all without
    /// bias (BatchNorm follows); `width` filters first, doubling at each scale.
    private static func vggStyle(width w: Int) -> [LayerSpec] {
        func conv(_ filters: Int) -> [LayerSpec] { [.conv(filters, 3, useBias: false), .batchNorm(), .relu] }
        let pool = LayerSpec.maxPool(size: 2, strides: 2)
        return conv(w) + [pool]
            + conv(2 * w) + conv(2 * w) + [pool]
            + conv(4 * w) + conv(4 * w) + [pool]
            + conv(8 * w) + conv(8 * w) + [pool, .flatten, .dropout(rate: 0.4)]
            + [.dense(units: 8 * w, useBias: false), .batchNorm(), .relu, .dropout(rate: 0.4), .dense(7), .softmax]
    }

    /// One 3x3 convolution at full resolution, then at each coarser scale a residual block: two 3x3
    /// convolutions added to a 1x1 projection of the block's input (the channels double), ReLU after the sum;
    /// global average pooling, dropout and one dense layer. A graph: each layer's sources in `inputs`.
    private static func residualNetwork(width w: Int) -> Architecture {
        var layers: [LayerSpec] = [], inputs: [[Int]] = []
        @discardableResult func add(_ spec: LayerSpec, from sources: [Int]? = nil) -> Int {
            inputs.append(sources ?? [layers.count - 1])
            layers.append(spec)
            return layers.count - 1
        }
        func convNorm(_ filters: Int, _ kernel: Int, from source: Int) -> Int {
            add(.conv(filters, kernel, useBias: false), from: [source])
            return add(.batchNorm())
        }
        add(.conv(w, 3, useBias: false), from: [-1])
        add(.batchNorm())
        add(.relu)
        var block = add(.maxPool(size: 2, strides: 2))
        for (scale, filters) in [2 * w, 4 * w, 8 * w].enumerated() {
            _ = convNorm(filters, 3, from: block)
            add(.relu)
            let main = convNorm(filters, 3, from: layers.count - 1)
            let shortcut = convNorm(filters, 1, from: block)
            add(.add, from: [main, shortcut])
            block = add(.relu)
            if scale < 2 { block = add(.maxPool(size: 2, strides: 2)) }
        }
        add(.globalAveragePool)
        add(.dropout(rate: 0.4))
        add(.dense(7))
        add(.softmax)
        return Architecture(inputShape: inputShape, layers: layers, inputs: inputs)
    }
}
