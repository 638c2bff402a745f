import ArgumentParser
import Expression
import Foundation
import Imaging
import Viewer

/// `emoscope snapshot --image IN --out OUT.png`: the annotated live view of one picture, without a window.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Render the annotated view of an image to a PNG (and a JSON sidecar), without a window.")

    @Option(name: .long, help: "The picture to analyse (any format OpenCV reads).") var image: String?
    @Option(name: .long, help: "The PNG to write; the JSON goes beside it.") var out: String
    @OptionGroup var classification: ClassificationOptions
    @Flag(name: .long, help: "Mirror the picture, as the viewer's m key does.") var mirror = false
    @Flag(name: .long, help: "Leave out the side panel.") var noPanel = false
    @Flag(name: .long, help: "Instead: draw Emoscope's icon to --out (how Resources/Icons/emoscope.png is made).") var icon = false
    @Option(name: .long, help: "Icon size in pixels (with --icon).") var size = 256
    @Flag(name: .long, help: "Replace --out and its JSON if they exist (also to redraw the icon over Resources/Icons/emoscope.png).") var force = false

    func validate() throws {
        if !icon && image == nil { throw ValidationError("give --image IN (or --icon)") }
    }

    func run() throws {
        let output = URL(fileURLWithPath: out)
        let sidecar = output.deletingPathExtension().appendingPathExtension("json")
        let models = classification.model.map { [$0] + ModelOpening.kerasWeightCandidates(for: URL(fileURLWithPath: $0)).map(\.path) } ?? []
        try OutputFile.reading([image] + models, force: force).check(icon ? [output] : [output, sidecar])
        if icon {
            try AppIcon.image(size: size).writePNG(to: output)
            print("wrote \(output.path)")
            return
        }
        guard let image else { return }
        let picture: BGRAImage
        do { picture = try BGRAImage(contentsOf: URL(fileURLWithPath: image)) } catch {
            throw ValidationErrorText("\(error)")
        }
        let setup = ViewerSetup.make(classification)
        for warning in setup.warnings { FileHandle.standardError.write(Data("emoscope: \(warning)\n".utf8)) }
        let record: SnapshotRecord
        do {
            record = try HeadlessSnapshot.render(image: picture, sourceName: URL(fileURLWithPath: image).lastPathComponent,
                                                 to: output, detector: setup.detector, classifier: setup.classifier,
                                                 mirrored: mirror, showPanel: !noPanel,
                                                 fontFile: EmoscopeEnvironment.current.font)
        } catch let error as ImageError {
            throw ValidationErrorText("\(error)")
        } catch {
            // Drawing errors (SDL's "Out of memory") name no file: say which picture was being drawn.
            throw ValidationErrorText("cannot draw the snapshot of \(image) to \(output.path): \(error)")
        }
        print("wrote \(output.path) and \(sidecar.lastPathComponent): "
              + "\(record.faces.count) face\(record.faces.count == 1 ? "" : "s")")
        for face in record.faces {
            let b = face.box
            print("  #\(face.trackID) (\(b.x), \(b.y)) \(b.width)x\(b.height) \(face.label ?? "no model")")
        }
    }
}
