import ArgumentParser
import Expression
import Foundation
import NeuralNet

/// `emoscope ensemble`: several trained models averaged into one model file, which the live view, `eval`,
/// the browser, the why view and `export-onnx` use as they use any model.
struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Combine models into one file that averages their probabilities.",
        discussion: """
            The members must read faces alike (input size, normalisation, preprocessing) and name the same \
            classes. Each face then costs the sum of the members' work: check the live view with \
            `emoscope bench live` and measure the ensemble with `emoscope eval` before you use it.
            With --unpack it does the reverse: `emoscope ensemble --unpack pair.safetensors --out members` \
            writes each member of the ensemble as a model file of its own, under the name it was combined with.
            """)

    @Argument(help: "Two or more model files (.safetensors); with --unpack, one ensemble.") var members: [String]
    @Option(help: "The model file to write; with --unpack, the folder to write the members to.") var out: String
    @Flag(help: "Take an ensemble's members back out, each into a model file of its own.") var unpack = false
    @Flag(help: "Replace --out (with --unpack: members' files in it) if it exists.") var force = false

    func validate() throws {
        if unpack {
            if members.count != 1 { throw ValidationError("--unpack takes one ensemble file, got \(members.count)") }
        } else if members.count < 2 {
            throw ValidationError("give at least two model files to combine")
        }
    }

    func run() throws {
        if unpack { return try unpackMembers() }
        let urls = members.map { URL(fileURLWithPath: $0) }, outURL = URL(fileURLWithPath: out)
        try OutputFile.reading(members, force: force).check([outURL])
        var file = try ModelEnsemble.combine(urls)
        file.notes["command"] = "emoscope ensemble " + members.joined(separator: " ") + " --out " + out
        do { try file.save(to: outURL, precision: .f16) } catch {
            throw ValidationErrorText("cannot write \(out): \(error)")
        }
        let flops = Double(file.network.flopsPerSample) / 1e9
        print("wrote \(out): \(file.network.parameterCount) parameters, "
              + String(format: "%.3f", flops) + " GFLOP per face")
        print("members: \(file.notes[ModelEnsemble.membersNoteKey] ?? "")")
    }

    /// Writes each member into the folder --out, after checking every output, so that nothing is written
    /// when one of them may not be.
    private func unpackMembers() throws {
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        let unpacked = try ModelEnsemble.unpack(URL(fileURLWithPath: members[0]))
        let urls = unpacked.map { folder.appendingPathComponent($0.name) }
        try OutputFile.reading(members, force: force).check(urls)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ValidationErrorText("cannot make the folder \(out): \(error.localizedDescription)")
        }
        for (member, url) in zip(unpacked, urls) {
            do { try member.file.save(to: url, precision: .f16) } catch {
                throw ValidationErrorText("cannot write \(url.path): \(error)")
            }
            print("wrote \(url.path): \(member.file.network.parameterCount) parameters"
                  + (ModelEnsemble.facts(of: member.file.notes).map { " (\($0))" } ?? ""))
        }
    }
}
