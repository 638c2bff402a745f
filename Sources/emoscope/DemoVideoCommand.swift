import ArgumentParser
import Foundation
import Imaging
import Live

/// `emoscope demo-video --out FILE.avi`: records the demo scene (real dataset faces moving at 640x480) to a
/// video file, the input of `emoscope bench live` and of the end-to-end test, and a stand-in camera.
struct DemoVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-video",
        abstract: "Write the demo scene (moving dataset faces, 640x480, 30 fps) to an MJPG .avi file.")

    @Option(name: .long, help: "The .avi file to write.") var out: String
    @Option(name: .long, help: "Length in seconds.") var seconds: Double = 20
    @Option(name: .long, help: "Faces in the scene.") var faces: Int = 3
    @Option(name: .long, help: "FER2013-style folder (default: the one opened last, else $EMOSCOPE_FER2013).") var data: String?
    @Flag(name: .long, help: "Replace --out if it exists.") var force = false

    func run() throws {
        let root = try DatasetLocator.requireRoot(data, for: "demo-video")
        try OutputFile.reading([root.path], force: force).check([URL(fileURLWithPath: out)])
        // The faces the app's detector finds, as the window's demo shows.
        let detector = try? HaarFaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        let scene = try DemoScene(root: root, faceCount: max(1, faces), detector: detector)
        let writer = try VideoWriter(path: out, size: DemoScene.frameSize, fps: 30)
        let count = Int((seconds * 30).rounded())
        for _ in 0..<count {
            guard case let .frame(image) = scene.read() else { break }
            try writer.write(image)
        }
        print("wrote \(out): \(count) frames, 640x480 at 30 fps, \(faces) faces from \(root.path)")
    }
}
