import ArgumentParser
import Foundation
import Viewer

/// `emoscope demo-video --out FILE.avi`: records the demo scene (real dataset faces moving at 640x480) to a
/// video file, the input of `emoscope bench live` and of the end-to-end test, and a stand-in camera.
struct DemoVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-video",
        abstract: "Write the demo scene (moving dataset faces, 640x480, 30 fps) to an MJPG .avi file.")

    @Option(name: .long, help: "The .avi file to write.") var out: String
    @Option(name: .long, help: "Length in seconds.") var seconds: Double = 20
    @Option(name: .long, help: "Faces in the scene.") var faces: Int = 3
    @Option(name: .long, help: "FER2013-style folder (default ../shared/fer2013 when present).") var data: String?

    func run() throws {
        guard let root = data ?? ViewerOptions.defaultDataRoot() else {
            throw ValidationError("no dataset folder: give --data ROOT (../shared/fer2013 was not found)")
        }
        let scene = try DemoScene(root: URL(fileURLWithPath: root), faceCount: max(1, faces))
        let frames = try VideoFileWriter.record(scene, seconds: seconds, to: out)
        print("wrote \(out): \(frames) frames, 640x480 at 30 fps, \(faces) faces from \(root)")
    }
}
