import Expression
import Foundation
import Graphics
import Imaging
import Live

extension DatasetBrowser {
    func draw(on canvas: Canvas, classifier: EmotionClassifying?, toast: String?, showHelp: Bool) throws {
        canvas.clear(Theme.background)
        let bounds = canvas.bounds
        let panel = PixelRect(x: bounds.maxX - Theme.sidePanelWidth, y: 0, width: Theme.sidePanelWidth, height: bounds.height)
        let main = PixelRect(x: 0, y: 0, width: bounds.width - panel.width, height: bounds.height)
            .insetBy(dx: Theme.spacingL, dy: Theme.spacingL)
        layout.thumbnailsDrawn = 0
        layout.confusionGrid = nil
        canvas.text("Dataset", font: fonts.title, color: Theme.text, x: main.x, y: main.y)
        canvas.fill(panel, Theme.panel)
        canvas.fill(PixelRect(x: panel.x, y: panel.y, width: 1, height: panel.height), Theme.divider)
        if let failure = loadFailure {
            canvas.text("Cannot read the dataset", font: fonts.bodyBold, color: Theme.error, x: main.x, y: main.y + 40)
            for (i, line) in fonts.body.wrap(failure, width: main.width).enumerated() {
                canvas.text(line, font: fonts.body, color: Theme.textDim, x: main.x, y: main.y + 64 + i * fonts.body.lineHeight)
            }
        } else if let faces {
            if let classifier { startPredictions(classifier: classifier) }
            refreshVisible()
            drawHeader(faces, x: main.x + 110, y: main.y + 4, width: main.width - 110, on: canvas)
            var top = main.y + fonts.title.lineHeight + Theme.spacingM
            top = drawSplitChips(x: main.x, y: top, on: canvas)
            top = drawChips(faces, x: main.x, y: top + Theme.spacingXS, width: main.width, on: canvas)
            let area = PixelRect(x: main.x, y: top + Theme.spacingM, width: main.width, height: main.maxY - top - Theme.spacingM)
            if mode == .confusion {
                try drawConfusion(faces, in: area, on: canvas)
            } else {
                try drawGrid(faces, in: area, on: canvas)
                if enlarged, let index = selectedIndex { try drawEnlarged(faces, index: index, in: area, on: canvas) }
            }
            drawDetail(faces, classifier: classifier, in: panel, on: canvas)
        } else {
            canvas.text("Loading \(root.path)\(splitName.map { "/" + $0 } ?? "")…", font: fonts.body, color: Theme.textDim,
                        x: main.x, y: main.y + 40)
        }
        let hints = ["Tab live · n split · x matrix · y why", "0–7 class · e outcome · o order"]
        for (i, hint) in hints.enumerated() {
            canvas.text(hint, font: fonts.small, color: Theme.textFaint, x: panel.x + Theme.spacingL,
                        y: panel.maxY - Theme.spacingL - (hints.count - i) * fonts.small.lineHeight)
        }
        if let toast {
            let size = fonts.body.measure(toast)
            let box = PixelRect(x: main.midX - size.width / 2 - Theme.spacingL, y: main.maxY - 40,
                                width: size.width + 2 * Theme.spacingL, height: 32)
            canvas.fill(box, Theme.panelRaised)
            canvas.text(toast, font: fonts.body, color: Theme.text, in: box, align: .center)
        }
        if showHelp { HelpOverlay(fonts: fonts).draw(in: bounds, on: canvas) }
    }

    /// What is shown, said in words: split, count, filter and order; the prediction progress under it.
    private func drawHeader(_ faces: LabeledFaces, x: Int, y: Int, width: Int, on canvas: Canvas) {
        var parts = ["\(root.lastPathComponent)/\(splitName ?? "?")", "\(visible.count) of \(faces.count) faces"]
        if query.outcome != .all { parts.append(query.outcome.rawValue) }
        if let t = query.trueClass { parts.append("true \(t.name)") }
        if let p = query.predictedClass { parts.append("predicted \(p.name)") }
        parts.append("by \(query.order.rawValue)")
        canvas.text(parts.joined(separator: " · "), font: fonts.body, color: Theme.textDim, x: x, y: y)
        let lineY = y + fonts.body.lineHeight
        var noteX = x
        if let batch = predictions, batch.done < batch.count, batch.count > 0 {
            let bar = PixelRect(x: x, y: lineY + 2, width: min(width, 240), height: 4)
            canvas.fill(bar, Theme.panelRaised)
            canvas.fill(PixelRect(x: bar.x, y: bar.y, width: bar.width * batch.done / batch.count, height: bar.height), Theme.accent)
            let progress = "predicting \(batch.done) / \(batch.count)"
            canvas.text(progress, font: fonts.small, color: Theme.textDim, x: bar.maxX + Theme.spacingM, y: lineY - 4)
            noteX = bar.maxX + 2 * Theme.spacingM + fonts.small.measure(progress).width
        } else if predictions == nil, query.needsPredictions {
            canvas.text("no model: filters by prediction show nothing", font: fonts.small, color: Theme.warning, x: x, y: lineY)
            return
        }
        // How the faces were found and read, under the first line (which holds what is shown).
        var notes = splitNote.map { [$0] } ?? []
        if predictions?.readPerPerson == true { notes.append("each read against its person's usual face") }
        if !notes.isEmpty {
            canvas.text(notes.joined(separator: " · "), font: fonts.small, color: Theme.textDim, x: noteX, y: lineY - 4)
        }
    }

    /// One chip per split of the folder; the current one filled.
    private func drawSplitChips(x: Int, y: Int, on canvas: Canvas) -> Int {
        layout.splitChips = []
        var cx = x
        for name in splitNames {
            let size = fonts.small.measure(name)
            let rect = PixelRect(x: cx, y: y, width: size.width + 2 * Theme.spacingM, height: size.height + Theme.spacingS)
            let active = name == splitName
            canvas.fillRoundedRect(rect, radius: 4, active ? Theme.text : Theme.panelRaised)
            canvas.text(name, font: fonts.small, color: active ? Theme.background : Theme.textDim, in: rect, align: .center)
            layout.splitChips.append((rect, name))
            cx = rect.maxX + Theme.spacingS
        }
        return y + fonts.small.lineHeight + Theme.spacingS
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

    private func drawGrid(_ faces: LabeledFaces, in grid: PixelRect, on canvas: Canvas) throws {
        let cell = 80, thumb = 72
        layout.grid = grid
        layout.cell = cell
        layout.columns = max(1, grid.width / cell)
        layout.rows = max(1, grid.height / cell)
        let totalRows = (visible.count + layout.columns - 1) / layout.columns
        scrollRow = min(scrollRow, max(0, totalRows - layout.rows))
        if visible.isEmpty {
            let why = predictions == nil || query.needsPredictions && predictedCount < faces.count
                ? "No faces yet: predictions are still coming" : "No faces match this filter (0 shows all)"
            canvas.text(why, font: fonts.body, color: Theme.textDim, x: grid.x, y: grid.y)
        }
        canvas.clip(to: grid)
        defer { canvas.clip(to: nil) }
        var used = Set<Int>()
        let batch = predictions
        for row in 0..<(layout.rows + 1) {
            for column in 0..<layout.columns {
                let position = (scrollRow + row) * layout.columns + column
                guard position < visible.count else { break }
                let index = visible[position]
                used.insert(index)
                let rect = PixelRect(x: grid.x + column * cell, y: grid.y + row * cell, width: thumb, height: thumb)
                canvas.draw(try thumbnail(index, faces: faces, canvas: canvas), in: rect)
                layout.thumbnailsDrawn += 1
                // The true class along the bottom, the predicted class in the top-right corner; wrong: a red frame
                // and a red corner mark at the top left.
                canvas.fill(PixelRect(x: rect.x, y: rect.maxY - 4, width: rect.width, height: 4), Theme.color(for: faces.labels[index]))
                if let p = batch?.probabilities(index), let predicted = Self.argmax(p) {
                    canvas.fill(PixelRect(x: rect.maxX - 14, y: rect.y, width: 14, height: 14), Theme.color(for: predicted))
                    if predicted != faces.labels[index] {
                        canvas.stroke(rect, Theme.error, thickness: 2)
                        canvas.fill(PixelRect(x: rect.x, y: rect.y, width: 8, height: 8), Theme.error)
                    }
                }
                if position == selected { canvas.stroke(rect.insetBy(dx: -3, dy: -3), Theme.text, thickness: 2) }
            }
        }
        // Keep textures for what is on screen (plus a margin) only.
        if thumbnails.count > 1500 { thumbnails = thumbnails.filter { used.contains($0.key) } }
    }

    static func argmax(_ p: [Float]) -> Emotion? {
        p.indices.max { p[$0] < p[$1] }.flatMap { Emotion(rawValue: $0) }
    }

    func thumbnail(_ index: Int, faces: LabeledFaces, canvas: Canvas) throws -> ImageTexture {
        if let texture = thumbnails[index] { return texture }
        let texture = try canvas.makeTexture(from: BGRAImage(gray: faces.face(index)))
        texture.setSmoothScaling(true)
        thumbnails[index] = texture
        return texture
    }

    /// The face (and with `y` its heat map) drawn in `rect`.
    func drawFace(_ faces: LabeledFaces, index: Int, in rect: PixelRect, on canvas: Canvas) {
        if let texture = try? thumbnail(index, faces: faces, canvas: canvas) { canvas.draw(texture, in: rect) }
        if showWhy, let layer = whyLayer(faces, index: index, canvas: canvas) { canvas.draw(layer, in: rect) }
    }

    /// The selected face large over the grid (double-click).
    private func drawEnlarged(_ faces: LabeledFaces, index: Int, in area: PixelRect, on canvas: Canvas) throws {
        canvas.fill(area, Theme.overlayScrim)
        let side = min(area.width, area.height) - 2 * Theme.spacingXL
        let rect = PixelRect(x: area.midX - side / 2, y: area.midY - side / 2, width: side, height: side)
        drawFace(faces, index: index, in: rect, on: canvas)
        canvas.stroke(rect, Theme.text, thickness: 2)
    }
}
