import Foundation
import Testing
import TestSupport

/// `emoscope import-keras` on a full Functional .h5 with the options the file does not record, then `info`
/// showing the graph.
@Suite("Command line: Keras graphs", .enabled(if: EmoscopeBinary.url != nil, "needs the built emoscope beside the tests"))
struct CommandLineKerasGraphTests {
    static let model = TestData.fixtures.appendingPathComponent("keras-graph/graph-full.h5").path
    static let ferOrder = "angry,disgust,fear,happy,sad,surprise,neutral"

    @Test func importsAFullModelAndInfoShowsTheGraph() throws {
        let folder = try TestData.temporaryDirectory("cli-graph")
        let imported = try CommandLineSafetyTests.run(["import-keras", Self.model, "--input-scale", "0.00784314",
                                                       "--input-offset", "-1", "--classes", Self.ferOrder,
                                                       "--out", "m.safetensors"], in: folder)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("a graph of 17 layers"), "\(imported.output)")
        let info = try CommandLineSafetyTests.run(["info", "m.safetensors"], in: folder)
        #expect(info.status == 0, "\(info.output)")
        #expect(info.output.contains("input [16, 16, 1], normalisation x = pixel · 0.00784314 + -1.0"), "\(info.output)")
        #expect(info.output.contains("classes (output order): angry, disgust, fear, happy, sad, surprise, neutral"), "\(info.output)")
        // The Add reads the max pool and the shortcut's BatchNorm; the Concatenate the Add and the depthwise.
        let lines = info.output.split(separator: "\n")
        #expect(lines.contains { $0.contains("Add") && $0.hasSuffix("8, 10") }, "\(info.output)")
        #expect(lines.contains { $0.contains("Concatenate") && $0.hasSuffix("11, 12") }, "\(info.output)")
    }

    @Test(arguments: [("angry,angry,fear,happy,sad,surprise,neutral", "names angry twice"),
                      ("angry,disgust,fear,happy,sad,surprise", "missing: neutral"),
                      ("angry,disgust,fear,bored,sad,surprise,neutral", "\"bored\" is not an emotion")])
    func badClassListsAreRefused(_ classes: String, _ message: String) throws {
        let folder = try TestData.temporaryDirectory("cli-graph")
        let result = try CommandLineSafetyTests.run(["import-keras", Self.model, "--classes", classes, "--out", "m.safetensors"], in: folder)
        #expect(result.status != 0 && result.output.contains(message), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }
}
