import Imaging
import Foundation
import KerasImport
import Testing
import TestSupport

/// Each kind of broken input gives its own error naming the file (and the layer when one is at fault).
@Suite struct DamagedKerasFileTests {
    typealias Files = KerasFixtureFiles

    /// Imports and returns the error, failing the test when there is none.
    func importError(json: URL = Files.modelJSON, weights: URL = Files.weights) -> KerasImportError? {
        do {
            _ = try KerasImporter.load(modelJSON: json, weights: weights, classNames: Files.classNames)
            Issue.record("\(json.lastPathComponent) + \(weights.lastPathComponent) imported without error")
        } catch let error as KerasImportError {
            return error
        } catch {
            Issue.record("not a KerasImportError: \(error)")
        }
        return nil
    }

    func writeTemporary(_ name: String, _ data: Data) throws -> URL {
        let url = try TestData.temporaryDirectory("keras-damaged").appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// model.json with one piece of text replaced.
    func editedJSON(_ original: String, _ replacement: String) throws -> URL {
        let text = try String(contentsOf: Files.modelJSON, encoding: .utf8)
        let range = try #require(text.range(of: original), "fixture model.json has \(original)")
        return try writeTemporary("model.json", Data(text.replacingCharacters(in: range, with: replacement).utf8))
    }

    @Test func truncatedWeights() throws {
        let bytes = try Data(contentsOf: Files.weights)
        for length in [bytes.count / 2, 1000] {
            let url = try writeTemporary("weights.h5", bytes.prefix(length))
            let error = try #require(importError(weights: url))
            #expect(error.file == url)
            #expect(error.description.contains("truncated") || error.description.contains("cannot"), "\(error)")
        }
    }

    @Test func weightsMissingALayer() throws {
        let url = Files.url("damaged-missing-layer.h5")
        let error = try #require(importError(weights: url))
        #expect(error.file == url)
        #expect(error.layer == "batch_normalization_2")
        #expect(error.message.contains("missing: batch_normalization_2"), "\(error)")
    }

    @Test func datasetWithTheWrongShape() throws {
        let url = Files.url("damaged-wrong-shape.h5")
        let error = try #require(importError(weights: url))
        #expect(error.file == url)
        #expect(error.layer == "conv2d_1")
        #expect(error.message.contains("shape [3, 3, 4, 4]") && error.message.contains("[5, 5, 4, 4]"), "\(error)")
    }

    @Test func datasetWithTheWrongType() throws {
        let url = Files.url("damaged-wrong-dtype.h5")
        let error = try #require(importError(weights: url))
        #expect(error.layer == "dense")
        #expect(error.message.contains("int32"), "\(error)")
    }

    @Test func unsupportedLayer() throws {
        let json = try editedJSON(#""class_name": "Flatten""#, #""class_name": "LSTM""#)
        let error = try #require(importError(json: json))
        #expect(error.file == json)
        #expect(error.layer == "flatten")
        #expect(error.message.contains("LSTM is not supported"), "\(error)")
    }

    @Test func unsupportedOptions() throws {
        let cases = [(#""dilation_rate": [1, 1]"#, #""dilation_rate": [2, 2]"#, "dilation_rate"),
                     (#""padding": "same""#, #""padding": "causal""#, "padding \"causal\""),
                     (#""activation": "softmax""#, #""activation": "tanh""#, "activation \"tanh\""),
                     (#""axis": [3]"#, #""axis": [1]"#, "axis")]
        for (original, replacement, named) in cases {
            let error = try #require(importError(json: try editedJSON(original, replacement)))
            #expect(error.layer != nil && error.message.contains(named), "\(error)")
        }
    }

    @Test func invalidJSON() throws {
        let text = try Data(contentsOf: Files.modelJSON)
        let json = try writeTemporary("model.json", text.prefix(text.count / 2))
        let error = try #require(importError(json: json))
        #expect(error.file == json)
        #expect(error.message.contains("not valid JSON"), "\(error)")
    }

    @Test func weightsThatAreNotHDF5() throws {
        let url = try writeTemporary("weights.h5", Data("this is not HDF5\n".utf8))
        let error = try #require(importError(weights: url))
        #expect(error.message.contains("not an HDF5 file"), "\(error)")
        let empty = try writeTemporary("empty.h5", Data())
        #expect(importError(weights: empty)?.message.contains("not an HDF5 file") == true)
        let missing = URL(fileURLWithPath: "/nonexistent/weights.h5")
        #expect(importError(weights: missing)?.message.contains("does not exist") == true)
    }

    @Test func weightsFromAnotherModel() throws {
        let tutorial = Files.url("tutorial.json")
        let error = try #require(importError(json: tutorial))
        #expect(error.file == Files.weights)
        #expect(error.layer?.hasPrefix("conv2d") == true, "the tutorial's first convolution: \(error)")
        #expect(error.message.contains("needs [3, 3, 1, 64]"), "\(error)")
    }
}

extension DamagedKerasFileTests {
    /// A JSON asking for an absurdly large network is refused before anything is allocated.
    @Test func networkTooLargeToLoad() throws {
        let json = try editedJSON(#""units": 8"#, #""units": 900000000"#)
        let error = try #require(importError(json: json))
        #expect(error.layer == "dense" && error.message.contains("parameters"), "\(error)")
    }
}

extension DamagedKerasFileTests {
    /// Issue 16, item 5: sizes beyond Int's range in model.json are refused with a message, not a trap in
    /// the size check itself.
    @Test func sizesBeyondIntAreRefused() throws {
        let cases = [(#""units": 8"#, #""units": 4611686018427387904"#, "dense"),
                     (#""filters": 4"#, #""filters": 4611686018427387904"#, "conv2d"),
                     (#""kernel_size": [3, 3]"#, #""kernel_size": [1099511627776, 1099511627776]"#, "conv2d")]
        for (original, replacement, layer) in cases {
            let error = try #require(importError(json: try editedJSON(original, replacement)))
            #expect(error.layer?.hasPrefix(layer) == true, "\(error)")
        }
    }
}

extension DamagedKerasFileTests {
    /// Issue 16: a dataset declaring 2^40 rows is shown as stored, not as -1. The fixture's Dense kernel
    /// [36, 8] has its first dimension patched in the dataspace message (two little-endian 64-bit sizes).
    @Test func aHugeDimensionIsShownAsStored() throws {
        var bytes = try Data(contentsOf: Files.weights)
        var pattern = Data()
        for value in [UInt64(36), 8] { withUnsafeBytes(of: value.littleEndian) { pattern.append(contentsOf: $0) } }
        let range = try #require(bytes.range(of: pattern))
        withUnsafeBytes(of: (UInt64(1) << 40).littleEndian) { bytes.replaceSubrange(range.lowerBound..<(range.lowerBound + 8), with: $0) }
        let url = try writeTemporary("weights.h5", bytes)
        let error = try #require(importError(weights: url))
        #expect(error.layer == "dense" && error.message.contains("[1099511627776, 8]"), "\(error)")
    }
}
