import ArgumentParser
import Foundation
import Live
import Viewer

/// `emoscope view` (the default: a bare `emoscope`, as the desktop file starts it, opens the window).
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Open the live viewer window (the default command).",
        discussion: "Without a source option, the last source used is opened again (else camera 0).")

    @Option(name: .long, help: "Camera index (/dev/videoN).") var camera: Int?
    @Option(name: .long, help: "A video file to play (looped).") var video: String?
    @Option(name: .long, help: "A still image to analyse.") var image: String?
    @Flag(name: .long, help: "A built-in moving scene of dataset faces, for machines without a camera.") var demo = false
    @Option(name: .long, help: "FER2013-style folder for the dataset browser and the demo (default: the one opened last, else $EMOSCOPE_FER2013).")
    var data: String?
    @OptionGroup var window: WindowOptions

    func validate() throws {
        let chosen = [camera != nil, video != nil, image != nil, demo].filter { $0 }.count
        if chosen > 1 { throw ValidationError("choose one source: --camera, --video, --image or --demo") }
    }

    func run() throws {
        let (settings, settingsWarning) = Settings.load()
        let dataRoot = DatasetLocator.root(data, settings: settings)
        let source: SourceSpec
        if let camera { source = .camera(camera) }
        else if let video { source = .video(video) }
        else if let image { source = .image(image) }
        else if demo {
            guard let dataRoot else {
                throw ValidationError("--demo needs a FER2013-style folder: give --data ROOT (or set EMOSCOPE_FER2013)")
            }
            source = .demo(dataRoot)
        } else { source = settings.lastSource ?? .camera(0) }

        try window.run(ViewerOptions(source: source, dataRoot: dataRoot), settings: settings, settingsWarning: settingsWarning)
    }
}

/// The options every command that opens the window shares, and the opening itself.
struct WindowOptions: ParsableArguments {
    @OptionGroup var classification: ClassificationOptions
    @Flag(name: .long, help: "Start in fullscreen.") var fullscreen = false
    @Option(name: .long, help: "Folder for snapshots (default $XDG_PICTURES_DIR/Emoscope).") var snapshotDir: String?

    func run(_ base: ViewerOptions, settings: Settings, settingsWarning: String?) throws {
        var options = base
        options.fullscreen = fullscreen
        options.snapshotDirectory = snapshotDir.map { URL(fileURLWithPath: $0) }
        options.renderer = EmoscopeEnvironment.current.renderer
        options.fontFile = EmoscopeEnvironment.current.font
        let cascade = EmoscopeEnvironment.current.cascade
        options.demoDetector = { try? HaarFaceDetector(cascadePath: cascade) }
        let setup = ViewerSetup.make(classification, live: true)
        var warnings = setup.warnings
        if let settingsWarning { warnings.append(settingsWarning) }
        for warning in warnings { FileHandle.standardError.write(Data("emoscope: \(warning)\n".utf8)) }
        let app = App(options: options, settings: settings, detector: setup.detector, classifier: setup.classifier,
                      explainer: setup.explainer, explainerProblem: setup.explainerProblem, warnings: warnings,
                      datasetClassifier: setup.datasetClassifier)
        try app.run()
    }
}
