import Foundation
import Imaging
import Testing
import TestSupport

/// Issue 16, item 2: libhdf5 crashes on some damaged files; emoscope reads Keras weights in a child process,
/// so such a file is an error naming it, through import-keras and through predict --model model.json.
@Suite("HDF5 read in a child process", .enabled(if: EmoscopeBinary.url != nil, "needs the built emoscope beside the tests"))
struct HDF5IsolationTests {
    /// The Keras fixtures with one byte of the weights set to 8: at offset 1014 this makes libhdf5 1.10
    /// dereference a bad pointer (found by flipping bytes; the campaign's tutorial file crashed the same way).
    static func damagedCopy() throws -> URL {
        let folder = try TestData.temporaryDirectory("hdf5")
        let fixtures = TestData.fixtures.appendingPathComponent("keras-import")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("model.json"), to: folder.appendingPathComponent("model.json"))
        var bytes = try Data(contentsOf: fixtures.appendingPathComponent("weights.h5"))
        bytes[1014] = 8
        try bytes.write(to: folder.appendingPathComponent("model.h5"))
        return folder
    }

    @Test func aCrashInLibHDF5IsAnErrorNamingTheFile() throws {
        let folder = try Self.damagedCopy()
        let result = try CommandLineSafetyTests.run(["import-keras", "model.json", "model.h5", "--out", "m.safetensors"], in: folder)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains(folder.appendingPathComponent("model.h5").path) && result.output.contains("damaged"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }

    @Test func predictWithADamagedModelBesideTheJSON() throws {
        let folder = try Self.damagedCopy()
        try GrayImage(width: 48, height: 48, fill: 90).writePNG(to: folder.appendingPathComponent("face.png"))
        let result = try CommandLineSafetyTests.run(["predict", "--model", "model.json", "face.png"], in: folder)
        #expect(result.status == 1 && result.output.contains("model.h5"), "\(result.output)")
    }

    @Test func undamagedWeightsStillImportThroughTheChild() throws {
        let folder = try TestData.temporaryDirectory("hdf5")
        let fixtures = TestData.fixtures.appendingPathComponent("keras-import")
        for name in ["model.json", "weights.h5"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let result = try CommandLineSafetyTests.run(["import-keras", "model.json", "weights.h5", "--out", "m.safetensors"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        let info = try CommandLineSafetyTests.run(["info", "m.safetensors"], in: folder)
        #expect(info.status == 0 && info.output.contains("imported_from"), "\(info.output)")
        // A problem the child finds is reported with its layer, as in-process imports report it.
        let other = try CommandLineSafetyTests.run(["import-keras", fixtures.appendingPathComponent("tutorial.json").path,
                                                    "weights.h5", "--out", "t.safetensors"], in: folder)
        #expect(other.status == 1 && other.output.contains("layer \"conv2d"), "\(other.output)")
    }
}
