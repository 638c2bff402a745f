import Imaging
import Live
import Expression
import Foundation
import Graphics

/// The dataset browser (Tab): thumbnails of a FER2013-style folder, a class filter, and one face large with
/// its true label next to the model's prediction. The folder loads on a background thread.
final class DatasetBrowser {
    private enum Loading: Sendable {
        case loading
        case loaded(split: String, faces: LabeledFaces)
        case failed(String)
    }

    private let root: URL
    private let fonts: Fonts
    private let state = LatestSlot<Loading>()
    private var query = PredictionQuery()
    private var batchPredictions: SplitPredictions?
    private var predictionsSeen = 0
    private var visible: [Int] = []       // indices into faces, after the filter
    private var visibleIsCurrent = false  // false until the faces have loaded, and after the filter changes
    private var selected = 0              // index into `visible`
    private var scrollRow = 0
    private var thumbnails: [Int: ImageTexture] = [:]
    private var predictions: [Int: [Float]] = [:]
    private var layout = BrowserLayout()

    init(root: URL, fonts: Fonts) {
        self.root = root
        self.fonts = fonts
        let box = self.state
        Thread.detachNewThread {
            let outcome: Loading
            do {
                let dataset = try Dataset.open(root)
                guard let split = dataset.validationSplitName ?? dataset.trainingSplitName ?? dataset.splitNames.first else {
                    throw SourceError.cannotOpen("no splits in \(root.path)")
                }
                outcome = .loaded(split: split, faces: try dataset.load(split: split).faces)
            } catch {
                outcome = .failed("\(error)")
            }
            box.put(outcome)
        }
    }

    var isLoaded: Bool { faces != nil }

    /// Whether the browser is on screen; its background predictions wait while it is not.
    var isActive = true {
        didSet { batchPredictions?.paused = !isActive }
    }
    /// Why the folder could not be read, once that is known.
    var loadFailure: String? {
        if case let .failed(message) = state.latest()?.value { return message }
        return nil
    }
    /// Faces predicted by the background pass so far (for tests).
    var predictedCount: Int { batchPredictions?.done ?? 0 }
    /// Faces the filter lets through (for tests).
    var visibleCount: Int { refreshVisible(); return visible.count }

    private var faces: LabeledFaces? {
        if case let .loaded(_, faces) = state.latest()?.value { return faces }
        return nil
    }

    // MARK: Input

    func perform(_ command: KeyCommand) {
        switch command {
        case let .filter(n): setQuery { $0.trueClass = n == 0 ? nil : Emotion(rawValue: n - 1) }; return
        case .cycleOutcome: setQuery { $0.outcome = $0.outcome.next }; return
        case .cycleOrder: setQuery { $0.order = $0.order.next }; return
        default: break
        }
        refreshVisible()
        guard !visible.isEmpty else { return }
        let columns = max(1, layout.columns)
        switch command {
        case .left: selected -= 1
        case .right: selected += 1
        case .up: selected -= columns
        case .down: selected += columns
        case .pageUp: selected -= columns * max(1, layout.rows - 1)
        case .pageDown: selected += columns * max(1, layout.rows - 1)
        default: break
        }
        clampSelection()
        keepSelectionVisible()
    }

    func scroll(by rows: Int) {
        scrollRow = max(0, scrollRow + rows * 2)
    }

    func click(at point: Point, canvasSize: Size) {
        if let chip = layout.chips.first(where: { $0.rect.contains(point) }) {
            setQuery { $0.trueClass = chip.emotion }
            return
        }
        guard layout.grid.contains(point) else { return }
        let column = (point.x - layout.grid.x) / layout.cell, row = (point.y - layout.grid.y) / layout.cell
        guard column < layout.columns else { return }
        let index = (scrollRow + row) * layout.columns + column
        if index < visible.count { selected = index }
    }

    private func setQuery(_ change: (inout PredictionQuery) -> Void) {
        change(&query)
        visibleIsCurrent = false
        selected = 0
        scrollRow = 0
        refreshVisible()
    }

    /// The faces the filter lets through, once the folder has loaded.
    private func refreshVisible() {
        // Predictions arriving change what a query over them shows.
        if query.needsPredictions, let batch = batchPredictions, batch.done != predictionsSeen {
            predictionsSeen = batch.done
            visibleIsCurrent = false
        }
        guard !visibleIsCurrent, let faces else { return }
        visible = query.indices(labels: faces.labels, probabilities: batchPredictions?.probabilities ?? [])
        visibleIsCurrent = true
        clampSelection()
    }

    /// Keeps `selected` a valid position in `visible` (0 when nothing is visible).
    private func clampSelection() {
        selected = max(0, min(selected, visible.count - 1))
    }

    private func keepSelectionVisible() {
        let columns = max(1, layout.columns)
        let row = selected / columns
        if row < scrollRow { scrollRow = row }
        if row >= scrollRow + layout.rows { scrollRow = row - layout.rows + 1 }
    }

    // MARK: Drawing

    func draw(on canvas: Canvas, classifier: EmotionClassifying?, toast: String?, showHelp: Bool) throws {
        canvas.clear(Theme.background)
        let bounds = canvas.bounds
        let panel = PixelRect(x: bounds.maxX - Theme.sidePanelWidth, y: 0, width: Theme.sidePanelWidth, height: bounds.height)
        let main = PixelRect(x: 0, y: 0, width: bounds.width - panel.width, height: bounds.height).insetBy(dx: Theme.spacingL, dy: Theme.spacingL)

        canvas.text("Dataset", font: fonts.title, color: Theme.text, x: main.x, y: main.y)
        let loading = state.latest()?.value ?? .loading
        switch loading {
        case .loading:
            canvas.text("Loading \(root.path)…", font: fonts.body, color: Theme.textDim, x: main.x, y: main.y + 40)
        case let .failed(message):
            canvas.text("Cannot read the dataset", font: fonts.bodyBold, color: Theme.error, x: main.x, y: main.y + 40)
            for (i, line) in fonts.body.wrap(message, width: main.width).enumerated() {
                canvas.text(line, font: fonts.body, color: Theme.textDim, x: main.x, y: main.y + 64 + i * fonts.body.lineHeight)
            }
        case let .loaded(split, faces):
            if batchPredictions == nil, let classifier {
                batchPredictions = SplitPredictions(faces: faces, classifier: classifier)
                batchPredictions?.paused = !isActive
            }
            let shown = query.outcome == .all ? "\(visible.count) faces" : "\(visible.count) \(query.outcome.rawValue)"
            canvas.text("\(root.lastPathComponent)/\(split) · \(shown) · by \(query.order.rawValue)   (e: all/wrong/right, o: order)",
                        font: fonts.body, color: Theme.textDim, x: main.x + 110, y: main.y + 4)
            drawProgress(x: main.x + 110, y: main.y + 4 + fonts.body.lineHeight, width: main.width - 110, on: canvas)
            refreshVisible()
            let chipsBottom = drawChips(faces, x: main.x, y: main.y + fonts.title.lineHeight + Theme.spacingM, width: main.width, on: canvas)
            let grid = PixelRect(x: main.x, y: chipsBottom + Theme.spacingM, width: main.width, height: main.maxY - chipsBottom - Theme.spacingM)
            try drawGrid(faces, in: grid, on: canvas)
            drawDetail(faces, classifier: classifier, in: panel, on: canvas)
        }
        if case .loaded = loading {} else { canvas.fill(panel, Theme.panel) }
        canvas.text("Tab live view   ←↑→↓ move   0–7 class", font: fonts.small, color: Theme.textFaint,
                    x: panel.x + Theme.spacingL, y: panel.maxY - Theme.spacingL - fonts.small.lineHeight)
        if let toast {
            let size = fonts.body.measure(toast)
            let box = PixelRect(x: main.midX - size.width / 2 - Theme.spacingL, y: main.maxY - 40, width: size.width + 2 * Theme.spacingL, height: 32)
            canvas.fill(box, Theme.panelRaised)
            canvas.text(toast, font: fonts.body, color: Theme.text, in: box, align: .center)
        }
        if showHelp { HelpOverlay(fonts: fonts).draw(in: bounds, on: canvas) }
    }

    private func drawChips(_ faces: LabeledFaces, x: Int, y: Int, width: Int, on canvas: Canvas) -> Int {
        let counts = faces.classCounts
        var chips: [(String, Emotion?, Color)] = [("All \(faces.count)", nil, Theme.accent)]
        for e in Emotion.allCases { chips.append(("\(e.title) \(counts[e.rawValue])", e, Theme.color(for: e))) }
        var cx = x, cy = y
        layout.chips = []
        for (text, emotion, color) in chips {
            let size = fonts.small.measure(text)
            var rect = PixelRect(x: cx, y: cy, width: size.width + 2 * Theme.spacingM, height: size.height + Theme.spacingS)
            if rect.maxX > x + width { cx = x; cy += rect.height + Theme.spacingS; rect.x = cx; rect.y = cy }
            let active = emotion == query.trueClass
            canvas.fillRoundedRect(rect, radius: rect.height / 2, active ? color : Theme.panelRaised)
            canvas.text(text, font: fonts.small, color: active ? Theme.textColor(on: color) : color, in: rect, align: .center)
            layout.chips.append((rect, emotion))
            cx = rect.maxX + Theme.spacingS
        }
        return cy + fonts.small.lineHeight + Theme.spacingS
    }

    /// A thin bar under the header while the split is being predicted.
    private func drawProgress(x: Int, y: Int, width: Int, on canvas: Canvas) {
        guard let batch = batchPredictions, batch.done < batch.count, batch.count > 0 else { return }
        let bar = PixelRect(x: x, y: y + 2, width: min(width, 240), height: 4)
        canvas.fill(bar, Theme.panelRaised)
        canvas.fill(PixelRect(x: bar.x, y: bar.y, width: bar.width * batch.done / batch.count, height: bar.height), Theme.accent)
        canvas.text("predicting \(batch.done) / \(batch.count)", font: fonts.small, color: Theme.textDim, x: bar.maxX + Theme.spacingM, y: y - 4)
    }

    private func drawGrid(_ faces: LabeledFaces, in grid: PixelRect, on canvas: Canvas) throws {
        let cell = 80, thumb = 72
        layout.grid = grid
        layout.cell = cell
        layout.columns = max(1, grid.width / cell)
        layout.rows = max(1, grid.height / cell)
        let totalRows = (visible.count + layout.columns - 1) / layout.columns
        scrollRow = min(scrollRow, max(0, totalRows - layout.rows))
        canvas.clip(to: grid)
        defer { canvas.clip(to: nil) }
        var used = Set<Int>()
        for row in 0..<(layout.rows + 1) {
            for column in 0..<layout.columns {
                let position = (scrollRow + row) * layout.columns + column
                guard position < visible.count else { break }
                let index = visible[position]
                used.insert(index)
                let rect = PixelRect(x: grid.x + column * cell, y: grid.y + row * cell, width: thumb, height: thumb)
                let texture = try thumbnail(index, faces: faces, canvas: canvas)
                canvas.draw(texture, in: rect)
                let color = Theme.color(for: faces.labels[index])
                canvas.fill(PixelRect(x: rect.x, y: rect.maxY - 4, width: rect.width, height: 4), color)
                if let p = batchPredictions?.probabilities(index), let predicted = Emotion(rawValue: p.indices.max { p[$0] < p[$1] }!) {
                    // The prediction's colour in the top right corner; a red frame when it is wrong.
                    canvas.fill(PixelRect(x: rect.maxX - 14, y: rect.y, width: 14, height: 14), Theme.color(for: predicted))
                    if predicted != faces.labels[index] { canvas.stroke(rect, Theme.error, thickness: 2) }
                }
                if position == selected { canvas.stroke(rect.insetBy(dx: -3, dy: -3), Theme.text, thickness: 2) }
            }
        }
        // Keep textures for what is on screen (plus a margin) only.
        if thumbnails.count > 1500 { thumbnails = thumbnails.filter { used.contains($0.key) } }
    }

    private func thumbnail(_ index: Int, faces: LabeledFaces, canvas: Canvas) throws -> ImageTexture {
        if let texture = thumbnails[index] { return texture }
        let texture = try canvas.makeTexture(from: BGRAImage(gray: faces.face(index)))
        texture.setSmoothScaling(true)
        thumbnails[index] = texture
        return texture
    }

    private func drawDetail(_ faces: LabeledFaces, classifier: EmotionClassifying?, in panel: PixelRect, on canvas: Canvas) {
        canvas.fill(panel, Theme.panel)
        canvas.fill(PixelRect(x: panel.x, y: panel.y, width: 1, height: panel.height), Theme.divider)
        let inner = panel.insetBy(dx: Theme.spacingL, dy: Theme.spacingL)
        guard !visible.isEmpty else {
            canvas.text("No faces in this class", font: fonts.body, color: Theme.textDim, x: inner.x, y: inner.y)
            return
        }
        clampSelection()
        let index = visible[selected]
        let big = PixelRect(x: inner.x, y: inner.y, width: inner.width, height: inner.width)
        if let texture = try? thumbnail(index, faces: faces, canvas: canvas) { canvas.draw(texture, in: big) }
        var y = big.maxY + Theme.spacingM
        canvas.text(URL(fileURLWithPath: faces.paths[index]).lastPathComponent, font: fonts.small, color: Theme.textDim, x: inner.x, y: y)
        y += fonts.small.lineHeight + Theme.spacingS
        let truth = faces.labels[index]
        canvas.text("True", font: fonts.body, color: Theme.textDim, x: inner.x, y: y)
        canvas.text(truth.title, font: fonts.bodyBold, color: Theme.color(for: truth), x: inner.x + 90, y: y)
        y += fonts.body.lineHeight + Theme.spacingXS
        var probabilities: [Float] = []
        if let classifier {
            if let batch = batchPredictions?.probabilities(index) { predictions[index] = batch }
            if predictions[index] == nil { predictions[index] = classifier.probabilities(for: [faces.face(index)]).first }
            probabilities = predictions[index] ?? []
        }
        canvas.text("Predicted", font: fonts.body, color: Theme.textDim, x: inner.x, y: y)
        if let best = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }), let emotion = Emotion(rawValue: best) {
            let mark = emotion == truth ? "✓" : "✗"
            canvas.text("\(emotion.title) \(Int((probabilities[best] * 100).rounded()))% \(mark)", font: fonts.bodyBold,
                        color: Theme.color(for: emotion), x: inner.x + 90, y: y)
        } else {
            canvas.text("no model", font: fonts.body, color: Theme.warning, x: inner.x + 90, y: y)
        }
        y += fonts.body.lineHeight + Theme.spacingM
        ProbabilityBars.draw(probabilities, fonts: fonts, x: inner.x, y: y, width: inner.width, on: canvas)
    }
}
