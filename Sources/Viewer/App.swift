import CSDL2
import Expression
import Foundation
import Graphics
import Imaging
import Live

/// The desktop app: one window, the live view or the dataset browser, and the key bindings.
/// The main loop owns SDL; each frame it takes the latest result (which carries its frame) and never waits
/// for the camera or the model.
public final class App {
    public static let windowTitle = "Emoscope"
    /// X11 WM_CLASS; the desktop file's StartupWMClass must say the same.
    public static let windowClass = "emoscope"
    /// Results whose frame is this much older than the newest capture give way to the newest picture.
    static let maximumFrameLag = 0.3

    var options: ViewerOptions
    var settings: Settings
    let classifier: EmotionClassifying?
    /// The browser's classifier: each face once (or with `--tta`'s views), as `eval` scores a split, on a network of its own.
    let datasetClassifier: EmotionClassifying?
    let capture: CaptureLoop
    let worker: InferenceWorker
    let snapshots: SnapshotWriter
    var window: OpaquePointer?
    var canvas: Canvas!
    var screen: LiveScreen!
    var browser: DatasetBrowser?
    var model: LiveViewModel
    var showBrowser = false
    var fullscreen = false
    var running = true
    var drawnFaces: [DrawnFace] = []
    private var toastUntil = 0.0
    private var renderRate = RateMeter()
    private var lastResultVersion = 0
    /// Results of frames captured before this time belong to the previous source.
    var sourceSwitchedAt = -Double.infinity
    private var stats = LiveStats()
    var snapshotRequested = false
    var history = FaceHistory()
    var recording: Recording?
    /// The face the timeline follows: the panel's face, kept after its track ends until another appears.
    var followedTrack: Int?
    private let startupWarnings: [String]
    /// Computes the "why" maps (y) off the main thread; nil without a model, or when it cannot be explained
    /// (`explainerProblem` says why).
    let explainer: ExplanationWorker?
    let explainerProblem: String?
    /// Whole-split predictions, kept while the app runs, for every browser opened.
    let predictionStore: PredictionStore
    /// Heat map over the selected face in the live view (y).
    var showWhy = false
    /// The newest map of each face in view (the panel may turn from one face to another and back).
    var liveWhys: [Int: LiveWhy] = [:]
    var pendingLiveWhy: LiveWhy.Pending?
    /// How the live pipeline crops a detected face for the classifier (the why view explains that crop).
    let faceFraming: FaceFraming
    /// The live view's detector, which the browser also uses to find the faces in whole photos.
    let detector: FaceDetecting?
    /// Last left click, to tell a double-click.
    private var captureStarted = false
    /// The views the model asks for, which the live view uses while the machine keeps up.
    private var fullViews: TestTimeAugmentation?

    /// - Parameters:
    ///   - classifier: nil when no model was found; faces are then shown without emotions.
    ///   - warnings: said once in a toast at start (e.g. why there is no model).
    ///   - datasetClassifier: predicts the browser's splits (default: `classifier`).
    ///   - explainer: computes the "why" heat maps; `explainerProblem` says why there is none when there is a model.
    public init(options: ViewerOptions, settings: Settings, detector: FaceDetecting?, classifier: EmotionClassifying?,
                explainer: FaceExplainer? = nil, explainerProblem: String? = nil, warnings: [String] = [],
                predictionStore: PredictionStore = PredictionStore(directory: PredictionStore.defaultDirectory), datasetClassifier: EmotionClassifying? = nil) {
        self.options = options
        self.settings = settings
        self.classifier = classifier
        // The browser calls it from its background thread and, for a face not predicted yet, from this one.
        self.datasetClassifier = (datasetClassifier ?? classifier).map { $0 as? LockedClassifier ?? LockedClassifier($0) }
        capture = CaptureLoop(source: options.source, opener: CaptureLoop.opener(demoDetector: options.demoDetector))
        let analyzer = FaceAnalyzer(detector: detector, classifier: classifier, smoothing: settings.smoothing,
                                    adaptation: settings.adaptation)
        faceFraming = analyzer.framing
        self.detector = detector
        worker = InferenceWorker(frames: capture.frames, analyzer: analyzer)
        snapshots = SnapshotWriter(directory: options.snapshotDirectory ?? XDGDirectories().snapshotDirectory)
        model = LiveViewModel(sourceDescription: options.source.description)
        model.modelName = classifier?.modelName
        fullViews = classifier?.views
        model.modelViews = fullViews?.summary
        model.mirrored = settings.mirrored
        model.showPanel = settings.showPanel
        model.smoothing = settings.smoothing
        model.adaptation = settings.adaptation
        startupWarnings = warnings
        self.explainer = explainer.map(ExplanationWorker.init)
        showWhy = options.showWhy
        self.explainerProblem = explainerProblem
        self.predictionStore = predictionStore
    }

    /// Opens the window and runs until the user quits (or the benchmark time is up).
    @discardableResult
    public func run() throws -> LiveStats {
        try SDLText.startVideo(appName: App.windowClass)
        let size = options.windowSize ?? (settings.windowWidth, settings.windowHeight)
        var flags = SDL_WINDOW_RESIZABLE.rawValue | SDL_WINDOW_ALLOW_HIGHDPI.rawValue
        if options.fullscreen { flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue; fullscreen = true }
        guard let window = SDL_CreateWindow(App.windowTitle, CSDL_WindowPosCentered(), CSDL_WindowPosCentered(),
                                            Int32(max(480, size.0)), Int32(max(360, size.1)), flags) else {
            throw GraphicsError.sdl("SDL_CreateWindow")
        }
        self.window = window
        SDL_SetWindowMinimumSize(window, 480, 360)
        if let icon = AppIcon.surface() { SDL_SetWindowIcon(window, icon); SDL_FreeSurface(icon) }
        defer { SDL_DestroyWindow(window) }
        canvas = try Canvas(window: window, vsync: options.benchmarkSeconds == nil, renderer: options.renderer)
        let fonts = try Fonts(file: options.fontFile)
        screen = LiveScreen(fonts: fonts)
        model.rendererName = canvas.rendererName
        if let root = options.dataRoot { openBrowser(root, start: options.browser ?? BrowserStart()) }
        if options.browser != nil, browser != nil { showBrowser = true }
        browser?.isActive = showBrowser
        // Opened straight into the browser, the camera (or video) waits until the live view is first shown.
        if !showBrowser { startCapture() }
        worker.start()
        defer { capture.stop(); worker.stop(); explainer?.stop() }
        if let warning = startupWarnings.first { showToast(warning, seconds: 6) }
        if options.recordFromStart { startRecording() }

        stats = LiveStats()
        let frameBudget = 1.0 / 60
        while running {
            let frameStart = MonotonicClock.now
            var event = SDL_Event()
            while SDL_PollEvent(&event) != 0 { handle(event) }
            update(now: frameStart)
            try render()
            let presented = MonotonicClock.now
            renderRate.record(at: presented)
            stats.presented(at: presented)
            if let limit = options.benchmarkSeconds, presented - stats.startedAt >= limit { running = false }
            // The accelerated renderer waits for vsync in present; the software one would spin: cap it at 60 fps.
            let spare = frameBudget - (MonotonicClock.now - frameStart)
            if spare > 0.001 { SDL_Delay(UInt32(spare * 1000)) }
        }
        stats.endedAt = MonotonicClock.now
        if showBrowser { stats.browserThumbnails = browser?.layout.thumbnailsDrawn }
        if recording != nil { stopRecording() }
        if options.persistSettings { saveSettings(window: window) }
        return stats
    }

    // MARK: Frame

    private func update(now: Double) {
        model.paused = capture.paused
        if !model.paused {
            if let (result, version) = worker.results.latest(), version != lastResultVersion,
               result.capturedAt >= sourceSwitchedAt {
                lastResultVersion = version
                model.result = result
                if let used = result.views, let full = fullViews {
                    model.modelViews = used.viewCount < full.viewCount
                        ? "\(used.viewCount) of \(full.viewCount) views a face, to keep up" : full.summary
                }
                stats.received(result, at: now)
                history.record(result)
                record(result, now: now)
            }
            showFrame()
            updateTimeline()
        }
        model.recordingSeconds = recording.map { now - $0.startedAt }
        model.captureState = capture.state
        model.sourceDescription = capture.spec.description
        model.captureFPS = capture.captureRate
        model.inferenceFPS = worker.inferenceRate
        model.faceRate = worker.classificationRate
        model.renderFPS = renderRate.rate(at: now)
        model.droppedFrames = capture.frames.dropped
        model.latencyMilliseconds = stats.latencyEstimate.map { $0 * 1000 }
        model.smoothing = worker.smoothing
        model.adaptation = worker.adaptation
        if let notice = capture.takeNotice() { showToast(notice) }
        if model.toast != nil && now > toastUntil { model.toast = nil }
        if let selected = model.selectedFaceID, !model.faces.contains(where: { $0.id == selected }) {
            model.selectedFaceID = nil
        }
    }

    /// The latest result's own frame while analysis keeps up (boxes sit exactly on the faces, the picture at
    /// most one analysis behind); the newest captured frame when results lag too far, so the picture never does.
    private func showFrame() {
        let newest = capture.frames.latest()?.value
        if let result = model.result, newest.map({ $0.capturedAt - result.capturedAt < App.maximumFrameLag }) ?? true {
            model.frame = result.frame
            model.resultAge = 0
        } else if let newest, newest.capturedAt >= sourceSwitchedAt {
            model.frame = newest
            model.resultAge = max(0, newest.capturedAt - (model.result?.capturedAt ?? newest.capturedAt))
        }
    }

    private func render() throws {
        if showBrowser, let browser {
            try browser.draw(on: canvas, classifier: datasetClassifier, toast: model.toast, showHelp: model.showHelp)
        } else {
            drawnFaces = try screen.draw(model, on: canvas)
            if showWhy { drawLiveWhy() }
        }
        if snapshotRequested {
            snapshotRequested = false
            saveSnapshot()
        }
        canvas.present()
    }

    func startCapture() {
        guard !captureStarted else { return }
        captureStarted = true
        capture.start()
    }

    func showToast(_ message: String, seconds: Double = 4) {
        model.toast = message
        toastUntil = MonotonicClock.now + seconds
    }

    // MARK: Snapshot and settings

    private func saveSettings(window: OpaquePointer) {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetWindowSize(window, &w, &h)
        if !fullscreen { settings.windowWidth = Int(w); settings.windowHeight = Int(h) }
        settings.lastSource = capture.spec
        settings.showPanel = model.showPanel
        settings.mirrored = model.mirrored
        settings.smoothing = worker.smoothing
        settings.adaptation = worker.adaptation
        if let root = options.dataRoot { settings.lastDataRoot = root }
        do { try settings.save() } catch {
            FileHandle.standardError.write(Data("emoscope: could not save settings: \(error)\n".utf8))
        }
    }
}
