import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// Issue 16, item 1: an architecture read from a file is sized, with overflow-checked arithmetic, before
/// anything is allocated; an absurd one is refused with the layer named instead of crashing or eating memory.
@Suite("Network size limits")
struct NetworkLimitsTests {
    static let huge = 1 << 62

    /// Each architecture the hostile-input campaign used, and the layer the refusal must name.
    static let absurd: [(Architecture, String)] = [
        (Architecture(inputShape: [48, 48, 1], layers: [.conv(huge, 3), .batchNorm(), .flatten, .dense(7)]), "layer 0 (Conv2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.conv(1_000_000_000, 3), .flatten, .dense(7)]), "layer 0 (Conv2D)"),
        (Architecture(inputShape: [1, 1, 1], layers: [.conv(1_000_000_000, 1), .flatten, .dense(7)]), "layer 0 (Conv2D)"),
        (Architecture(inputShape: [1_000_000, 1_000_000, 1], layers: [.conv(4, 3), .flatten, .dense(7)]), "input shape"),
        (Architecture(inputShape: [48, 48, 1], layers: [.flatten, .dense(huge), .dense(7)]), "layer 1 (Dense)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.maxPool(size: huge, strides: huge), .flatten, .dense(7)]), "layer 0 (MaxPool2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.conv2D(filters: 4, kernel: [1 << 40, 1 << 40], strides: 1, padding: .same, useBias: true),
                                                      .flatten, .dense(7)]), "layer 0 (Conv2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.conv2D(filters: 4, kernel: [3, 3], strides: huge, padding: .same, useBias: true),
                                                      .flatten, .dense(7)]), ""),
        (Architecture(inputShape: [huge, huge, huge], layers: [.flatten, .dense(7)]), "input shape"),
        (Architecture(inputShape: [1024, 1024, 16], layers: [.conv(64, 3), .flatten, .dense(7)]), "layer 0 (Conv2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.cropping2D(top: 30, bottom: 18, left: 0, right: 0), .flatten, .dense(7)]),
         "layer 0 (Cropping2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.conv(4, 3), .cropping2D(top: 0, bottom: 0, left: huge, right: huge),
                                                      .flatten, .dense(7)]), "layer 1 (Cropping2D)"),
        (Architecture(inputShape: [48, 48, 1], layers: [.cropping2D(top: -1, bottom: 0, left: 0, right: 0), .flatten, .dense(7)]),
         "layer 0 (Cropping2D)"),
    ]

    @Test func absurdSizesAreRefusedBeforeAllocating() throws {
        for (architecture, named) in Self.absurd where !named.isEmpty {
            do {
                _ = try Sequential(architecture)
                Issue.record("built \(architecture)")
            } catch let error as NetworkError {
                #expect("\(error)".contains(named), "\(error)")
            }
        }
    }

    @Test func aHugeStrideIsHarmless() throws {
        // Stride 2^62 gives a 1x1 output: odd but small, so it is built.
        let network = try Sequential(Self.absurd[7].0)
        #expect(network.outputShape == [7])
    }

    @Test func realNetworksFit() throws {
        let totals = try NetworkLimits.check(inputShape: [48, 48, 1], layers: [
            .conv(64, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2), .conv(128, 5), .batchNorm(), .relu,
            .maxPool(size: 2, strides: 2), .conv(512, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
            .conv(512, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2), .flatten, .dense(256), .batchNorm(),
            .relu, .dense(512), .batchNorm(), .relu, .dense(7), .softmax,
        ])
        #expect(totals.outputShape == [7])
        #expect(totals.parameters > 4_000_000 && totals.parameters < 5_000_000)
    }

    /// The same architectures, written into a model file's metadata, give a ModelFileError naming the file.
    @Test func modelFilesWithAbsurdArchitecturesAreRefused() throws {
        let folder = try TestData.temporaryDirectory("limits")
        for (index, (architecture, named)) in Self.absurd.enumerated() where !named.isEmpty {
            let url = folder.appendingPathComponent("absurd\(index).safetensors")
            let json = String(decoding: try JSONEncoder().encode(architecture), as: UTF8.self)
            try SafeTensors.write([], metadata: ["format": "emoscope-model-1", "emoscope.architecture": json,
                                                 "emoscope.classes": "[\"a\"]",
                                                 "emoscope.input_normalization": "{\"scale\":1,\"offset\":0}"], to: url)
            do {
                _ = try ModelFile.load(url)
                Issue.record("loaded \(url.lastPathComponent)")
            } catch let error as ModelFileError {
                #expect(error.path == url.path && error.problem.contains(named), "\(error)")
            }
        }
    }
}
