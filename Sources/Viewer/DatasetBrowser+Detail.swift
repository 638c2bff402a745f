import Expression
import Foundation
import Graphics
import Imaging
import Live

extension DatasetBrowser {
    /// The side panel: the selected face large (with its heat map under `y`), its file, true label, prediction
    /// and the seven probabilities.
    func drawDetail(_ faces: LabeledFaces, classifier: EmotionClassifying?, in panel: PixelRect, on canvas: Canvas) {
        let inner = panel.insetBy(dx: Theme.spacingL, dy: Theme.spacingL)
        guard let index = selectedIndex else {
            canvas.text("No face selected", font: fonts.body, color: Theme.textDim, x: inner.x, y: inner.y)
            return
        }
        let big = PixelRect(x: inner.x, y: inner.y, width: inner.width, height: inner.width)
        drawFace(faces, index: index, in: big, on: canvas)
        var y = big.maxY + Theme.spacingS
        if showWhy {
            let text = explainer == nil ? (explainerProblem ?? "no model to explain")
                : why.flatMap { $0.index == index ? "Heat: where the evidence for \($0.explanation.emotion.name) lies" : nil }
                    ?? "Heat: finding where the evidence lies…"
            for line in fonts.small.wrap(text, width: inner.width) {
                canvas.text(line, font: fonts.small, color: explainer == nil ? Theme.warning : Theme.textDim, x: inner.x, y: y)
                y += fonts.small.lineHeight
            }
            y += Theme.spacingXS
        }
        canvas.text(URL(fileURLWithPath: faces.paths[index]).lastPathComponent, font: fonts.small, color: Theme.textDim, x: inner.x, y: y)
        y += fonts.small.lineHeight + Theme.spacingS
        let truth = faces.labels[index]
        canvas.text("True", font: fonts.body, color: Theme.textDim, x: inner.x, y: y)
        canvas.text(truth.title, font: fonts.bodyBold, color: Theme.color(for: truth), x: inner.x + 90, y: y)
        y += fonts.body.lineHeight + Theme.spacingXS
        let probabilities = classifier.map { self.probabilities(of: index, faces: faces, classifier: $0) } ?? []
        canvas.text("Predicted", font: fonts.body, color: Theme.textDim, x: inner.x, y: y)
        if let emotion = Self.argmax(probabilities) {
            let mark = emotion == truth ? "✓" : "✗"
            canvas.text("\(emotion.title) \(Int((probabilities[emotion.rawValue] * 100).rounded()))% \(mark)", font: fonts.bodyBold,
                        color: Theme.color(for: emotion), x: inner.x + 90, y: y)
        } else {
            canvas.text("no model", font: fonts.body, color: Theme.warning, x: inner.x + 90, y: y)
        }
        y += fonts.body.lineHeight + Theme.spacingM
        ProbabilityBars.draw(probabilities, fonts: fonts, x: inner.x, y: y, width: inner.width, on: canvas)
    }

    /// Face `index`'s probabilities: from the background pass, else computed now for this face alone.
    func probabilities(of index: Int, faces: LabeledFaces, classifier: EmotionClassifying) -> [Float] {
        if let known = predictions?.probabilities(index) { return known }
        if singlePredictions[index] == nil { singlePredictions[index] = classifier.probabilities(for: [faces.face(index)]).first }
        return singlePredictions[index] ?? []
    }

    /// The heat-map layer of face `index` for the emotion the browser shows it as: asked for when the
    /// selection changes, drawn once the worker has it (until then the face is shown without it).
    func whyLayer(_ faces: LabeledFaces, index: Int, canvas: Canvas) -> ImageTexture? {
        let shown = (predictions?.probabilities(index) ?? singlePredictions[index]).flatMap(Self.argmax)
        if let why, why.index == index, shown == nil || why.explanation.emotion == shown { return why.layer }
        guard let explainer else { return nil }
        if let pending = pendingWhy, pending.index == index, pending.emotion == shown {
            switch explainer.status(of: pending.ticket) {
            case .working: return why?.index == index ? why?.layer : nil
            case .superseded: break  // the live view asked for another map meanwhile: ask again below
            case let .answered(explanation):
                pendingWhy = nil
                guard let layer = try? canvas.makeTexture(from: HeatOverlay.layer(explanation.heat, side: explanation.side)) else { return nil }
                layer.setSmoothScaling(true)
                layer.setBlended(true)
                why = (index, explanation, layer)
                return layer
            }
        }
        pendingWhy = (index, shown, explainer.submit(faces.face(index), emotion: shown))
        return nil
    }

    /// The split's confusion matrix (faces predicted so far), as `eval --png` draws it; a click on a cell shows
    /// exactly its faces. Redrawn as predictions arrive, at most once a second.
    func drawConfusion(_ faces: LabeledFaces, in area: PixelRect, on canvas: Canvas) throws {
        guard let batch = predictions else {
            canvas.text("No model: no predictions to count", font: fonts.body, color: Theme.warning, x: area.x, y: area.y)
            return
        }
        let done = batch.done
        let stale = confusion.map { $0.done != done && (done == batch.count || MonotonicClock.now - confusionDrawnAt > 1) } ?? true
        if stale {
            let matrix = Self.confusionMatrix(labels: faces.labels, probabilities: batch.probabilities)
            let progress = done < batch.count ? "  ·  \(done) of \(batch.count) predicted" : "  ·  \(batch.scoring)"
            let chart = ConfusionMatrixChart(matrix: matrix, title: "\(root.lastPathComponent)/\(splitName ?? "")\(progress)")
            let texture = try canvas.makeTexture(from: chart.render())
            texture.setSmoothScaling(true)
            confusion = (done, texture, chart)
            confusionDrawnAt = MonotonicClock.now
        }
        guard let confusion else { return }
        let chartSize = confusion.chart.size
        let scale = min(Double(area.width) / Double(chartSize.width), Double(area.height) / Double(chartSize.height))
        let shown = PixelRect(x: area.x, y: area.y, width: Int(Double(chartSize.width) * scale),
                              height: Int(Double(chartSize.height) * scale))
        canvas.draw(confusion.texture, in: shown)
        let origin = confusion.chart.cellRect(truth: 0, prediction: 0)
        let n = Emotion.allCases.count
        let grid = PixelRect(x: shown.x + Int(Double(origin.x) * scale), y: shown.y + Int(Double(origin.y) * scale),
                             width: Int(Double(origin.width * n) * scale), height: Int(Double(origin.height * n) * scale))
        layout.confusionGrid = grid
        layout.confusionCellSide = Double(origin.width) * scale
        if let t = query.trueClass, let p = query.predictedClass {
            let side = layout.confusionCellSide
            canvas.stroke(PixelRect(x: grid.x + Int(Double(p.rawValue) * side), y: grid.y + Int(Double(t.rawValue) * side),
                                    width: Int(side), height: Int(side)), Theme.accent, thickness: 3)
        }
        canvas.text("Click a cell: its faces · a class name: that row or column · x or Esc: back to the grid", font: fonts.small, color: Theme.textDim,
                    x: area.x, y: min(area.maxY - fonts.small.lineHeight, shown.maxY + Theme.spacingS))
    }

    /// Counts of (true class, predicted class) over the faces predicted so far.
    static func confusionMatrix(labels: [Emotion], probabilities: [[Float]?]) -> ConfusionMatrix {
        var matrix = ConfusionMatrix()
        for (label, p) in zip(labels, probabilities) {
            if let p, let predicted = argmax(p) { matrix.add(truth: label.rawValue, prediction: predicted.rawValue) }
        }
        return matrix
    }
}
