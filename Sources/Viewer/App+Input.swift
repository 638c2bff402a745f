import CSDL2
import Expression
import Foundation
import Graphics
import Imaging
import Live

extension App {
    // MARK: Input

    func handle(_ event: SDL_Event) {
        switch SDL_EventType(event.type) {
        case SDL_QUIT:
            running = false
        case SDL_KEYDOWN:
            guard let command = KeyCommand.from(keycode: event.key.keysym.sym, modifiers: event.key.keysym.mod) else { return }
            perform(command)
        case SDL_MOUSEBUTTONDOWN where event.button.button == UInt8(SDL_BUTTON_LEFT):
            let point = Point(x: Int(event.button.x), y: Int(event.button.y))
            if showBrowser {
                // SDL counts clicks itself (the desktop's double-click time); 2 is a double-click.
                if event.button.clicks >= 2 { browser?.doubleClick(at: point) } else { browser?.click(at: point, canvasSize: canvas.size) }
                return
            }
            if let face = drawnFaces.last(where: { $0.screenBox.contains(point) }) {
                model.selectedFaceID = face.face.id == model.selectedFaceID ? nil : face.face.id
            } else {
                model.selectedFaceID = nil
            }
        case SDL_MOUSEWHEEL:
            if showBrowser { browser?.scroll(by: -Int(event.wheel.y)) }
        case SDL_DROPFILE:
            if let file = event.drop.file {
                let path = String(cString: file)
                SDL_free(file)
                open(DroppedPath(path))
            }
        default:
            break
        }
    }

    func perform(_ command: KeyCommand) {
        if model.showHelp, command != .quit, command != .toggleHelp, command != .escape, command != .snapshot {
            model.showHelp = false
        }
        switch command {
        case .quit: running = false
        case .pause: capture.paused.toggle()
        case .snapshot: snapshotRequested = true
        case .toggleFullscreen: setFullscreen(!fullscreen)
        case .escape:
            if model.showHelp { model.showHelp = false }
            else if showBrowser, let browser, browser.escapeCloses { browser.perform(.escape) }
            else if fullscreen { setFullscreen(false) }
        case .toggleHelp: model.showHelp.toggle()
        case .toggleBrowser:
            if browser == nil {
                showToast("No dataset folder: start with --data ROOT (a FER2013-style folder) to browse it")
            } else {
                showBrowser.toggle()
                browser?.isActive = showBrowser
                if !showBrowser { startCapture() }
            }
        case .nextCamera:
            if case .camera = capture.spec {
                capture.cycleCamera()
                worker.resetTracks()
                forgetLiveWhys()
            } else {
                switchSource(.camera(0))
            }
        case .mirror: model.mirrored.toggle()
        case .togglePanel: model.showPanel.toggle()
        case .toggleDebug: model.showDebug.toggle()
        case .toggleSmoothing:
            worker.smoothing.toggle()
            showToast("Smoothing \(worker.smoothing ? "on" : "off")")
        case .toggleAdaptation:
            worker.adaptation.toggle()
            showToast(worker.adaptation ? "Each face is read against its own usual face (after a few seconds in view)"
                                        : "Adaptation off: each face is read by the model alone")
        case .toggleRecording: recording == nil ? startRecording() : stopRecording()
        case .toggleRecordingVideo:
            settings.recordsVideo.toggle()
            showToast((settings.recordsVideo ? "Recordings will include the annotated video (.avi)" : "Recordings: CSV, summary and plot only")
                      + (recording == nil ? "" : ", from the next recording on"))
        case .toggleTimeline: model.showTimeline.toggle()
        case .toggleWhy:
            showWhy.toggle()
            browser?.showWhy = showWhy
            forgetLiveWhys()
            if showWhy, explainer == nil {
                showToast(explainerProblem ?? "No model, so there is nothing to explain", seconds: 6)
            } else if showWhy, !showBrowser, model.panelFace == nil {
                showToast("Why: click a face to see where the evidence for its emotion lies")
            }
        case .left, .right, .up, .down, .pageUp, .pageDown, .home, .end, .filter, .predictedFilter, .cycleOutcome, .cycleOrder,
             .nextSplit, .toggleConfusion:
            if showBrowser { browser?.perform(command) }
        }
    }

    func open(_ dropped: DroppedPath) {
        switch dropped {
        case let .image(path): showBrowser = false; browser?.isActive = false; switchSource(.image(path))
        case let .video(path): showBrowser = false; browser?.isActive = false; switchSource(.video(path))
        case let .dataset(path):
            options.dataRoot = path
            openBrowser(path, start: BrowserStart())
            showBrowser = true
        case let .unusable(reason): showToast("Cannot open that: \(reason)", seconds: 6)
        }
    }

    func switchSource(_ spec: SourceSpec) {
        capture.switchTo(spec)
        startCapture()
        worker.resetTracks()
        history.reset()
        sourceSwitchedAt = MonotonicClock.now
        model.result = nil
        model.frame = nil
        model.selectedFaceID = nil
        forgetLiveWhys()
        showToast("Opening \(spec)")
    }

    func setFullscreen(_ on: Bool) {
        guard let window else { return }
        SDL_SetWindowFullscreen(window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue : 0)
        fullscreen = on
    }

    /// A browser on `root`, sharing the app's explainer and prediction store.
    func openBrowser(_ root: String, start: BrowserStart) {
        let opened = DatasetBrowser(root: URL(fileURLWithPath: root), fonts: screen.fonts, store: predictionStore, start: start,
                                    photoFaces: detector.map { ($0, faceFraming) })
        opened.explainer = explainer
        opened.explainerProblem = explainerProblem
        opened.showWhy = showWhy
        browser = opened
    }

}
