import Imaging
import Live
import Expression
import Foundation
import Graphics
import Testing
import TestSupport
import Viewer

/// The report charts, rendered offscreen and read back as PNG files. Set EMOSCOPE_CHART_OUT to a folder to
/// keep the pictures for looking at.
extension SDLSuite {
@Suite struct ChartsTests {
    /// Writes the chart as a PNG, decodes the file again and returns what a reader of the file sees.
    func writeAndRead(_ chart: some Chart, name: String) throws -> BGRAImage {
        let folder = try TestData.temporaryDirectory("charts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try chart.writePNG(to: url)
        if let keep = ProcessInfo.processInfo.environment["EMOSCOPE_CHART_OUT"] {
            try? FileManager.default.removeItem(atPath: keep + "/" + name)
            try FileManager.default.copyItem(atPath: url.path, toPath: keep + "/" + name)
        }
        return try BGRAImage(contentsOf: url)
    }

    // MARK: Confusion matrix

    /// Every row holds 100 faces, so counts and row shares agree; counts all differ within a row.
    static func knownMatrix() -> ConfusionMatrix {
        var matrix = ConfusionMatrix()
        let rows: [[Int]] = [
            [55, 2, 9, 4, 20, 7, 3], [12, 40, 8, 0, 15, 20, 5], [10, 1, 35, 6, 18, 22, 8], [1, 0, 2, 90, 4, 0, 3],
            [5, 0, 6, 7, 60, 19, 3], [8, 1, 13, 3, 24, 50, 1], [2, 0, 11, 5, 3, 1, 78],
        ]
        for (t, row) in rows.enumerated() {
            for (p, n) in row.enumerated() { for _ in 0..<n { matrix.add(truth: t, prediction: p) } }
        }
        return matrix
    }

    @Test func confusionMatrixCellsGetLighterWithTheirCounts() throws {
        let matrix = Self.knownMatrix()
        let chart = ConfusionMatrixChart(matrix: matrix, title: "known matrix")
        let image = try writeAndRead(chart, name: "confusion-known.png")
        #expect(image.width == chart.size.width && image.height == chart.size.height)
        // 7 cells of 84 px plus the label column, colour bar and margins.
        #expect(image.width == 28 + 150 + 7 * 84 + 24 + 86 + 28 && image.height == 150 + 7 * 84 + 12 + 48 + 28)

        var cells: [(count: Int, luminance: Double)] = []
        for t in 0..<7 {
            for p in 0..<7 {
                let cell = chart.cellRect(truth: t, prediction: p)
                // A corner inside the cell, clear of the centred text and the diagonal's frame.
                let colour = image[cell.x + 4, cell.y + 4]
                #expect(colour == ConfusionMatrixChart.shade(chart.rowShare(truth: t, prediction: p)))
                cells.append((matrix.counts[t][p], colour.luminance))
            }
        }
        for a in cells {
            for b in cells where a.count < b.count {
                #expect(a.luminance < b.luminance, "a cell of \(a.count) is not darker than one of \(b.count)")
            }
        }
        let zero = cells.first { $0.count == 0 }!, full = cells.max { $0.count < $1.count }!
        #expect(full.luminance - zero.luminance > 0.5, "the ramp should span most of the range")
    }

    @Test func confusionMatrixShadesByShareOfTheTrueClass() throws {
        var matrix = ConfusionMatrix(classCount: 3)
        for _ in 0..<10 { matrix.add(truth: 0, prediction: 0) }    // a rare class, all right
        for _ in 0..<500 { matrix.add(truth: 1, prediction: 1) }   // a common class, all right
        for _ in 0..<250 { matrix.add(truth: 2, prediction: 2) }
        for _ in 0..<250 { matrix.add(truth: 2, prediction: 1) }
        let chart = ConfusionMatrixChart(matrix: matrix, classNames: ["a", "b", "c"], title: "shares")
        let image = try chart.render()
        func pixel(_ t: Int, _ p: Int) -> Color { let r = chart.cellRect(truth: t, prediction: p); return image[r.x + 4, r.y + 4] }
        #expect(pixel(0, 0) == pixel(1, 1), "10 of 10 and 500 of 500 are both 100% of their row")
        #expect(pixel(2, 2) == pixel(2, 1) && pixel(2, 2).luminance < pixel(1, 1).luminance)
        #expect(image.width == chart.size.width && chart.size.width < 700, "3 classes make a smaller picture")
    }

    // MARK: Training curves

    static func record(_ epoch: Int, trainLoss: Double, validationLoss: Double, trainAccuracy: Double,
                       validationAccuracy: Double) -> EpochRecord {
        // Built as the log line it would be (EpochRecord is Codable; its memberwise init is not public).
        var record = try! JSONDecoder().decode(EpochRecord.self, from: Data("""
            {"epoch":\(epoch),"trainLoss":0,"trainAccuracy":0,"validationLoss":0,"validationAccuracy":0,
             "learningRate":0.001,"seconds":300,"imagesPerSecond":95}
            """.utf8))
        record.trainLoss = trainLoss; record.validationLoss = validationLoss
        record.trainAccuracy = trainAccuracy; record.validationAccuracy = validationAccuracy
        return record
    }

    /// True when a pixel of `colour` lies within `radius` of (x, y).
    func colour(_ colour: Color, near x: Double, _ y: Double, in image: BGRAImage, radius: Int = 2) -> Bool {
        let cx = Int(x.rounded()), cy = Int(y.rounded())
        for dy in -radius...radius {
            for dx in -radius...radius where image[cx + dx, cy + dy] == colour { return true }
        }
        return false
    }

    @Test func oneEpochIsDrawnAsPointsInTheMiddle() throws {
        let chart = TrainingCurvesChart(history: [Self.record(1, trainLoss: 1.95, validationLoss: 1.82,
                                                              trainAccuracy: 0.186, validationAccuracy: 0.215)],
                                        title: "one epoch")
        let image = try writeAndRead(chart, name: "curves-one.png")
        #expect(image.width == 1200 && image.height == 560)
        let x = chart.loss.px(1)
        #expect(abs(x - Double(chart.loss.rect.midX)) <= 1)
        for (area, value, colour) in [(chart.loss, 1.95, TrainingCurvesChart.trainColor),
                                       (chart.loss, 1.82, TrainingCurvesChart.validationColor),
                                       (chart.accuracy, 18.6, TrainingCurvesChart.trainColor),
                                       (chart.accuracy, 21.5, TrainingCurvesChart.validationColor)] {
            let x = area.px(1), y = area.py(value)
            #expect(y > Double(area.rect.y) && y < Double(area.rect.maxY - 1), "\(value) is inside its plot")
            let found = self.colour(colour, near: x, y, in: image) // a Bool, so a failure does not print the image
            #expect(found, "a dot for \(value) at (\(x), \(y))")
        }
    }

    @Test func manyEpochsWithADivergedOneScaleToTheFiniteValues() throws {
        var history = (1...150).map { e -> EpochRecord in
            let t = Double(e)
            return Self.record(e, trainLoss: 0.8 + 1.1 * exp(-t / 25), validationLoss: 0.95 + 0.9 * exp(-t / 20) + t / 2000,
                               trainAccuracy: 0.75 - 0.5 * exp(-t / 25), validationAccuracy: 0.66 - 0.42 * exp(-t / 20))
        }
        history[70].trainLoss = .nan
        history[71].validationLoss = .infinity
        let chart = TrainingCurvesChart(history: history, title: "150 epochs")
        #expect(chart.loss.y.lower.isFinite && chart.loss.y.upper < 3, "NaN and infinity must not stretch the scale")
        #expect(chart.loss.y.lower <= 0.8 && chart.loss.y.upper >= 1.9)
        #expect(chart.accuracy.y.upper <= 100 && chart.accuracy.y.lower <= 25)
        #expect(chart.best?.epoch == 150)
        let image = try writeAndRead(chart, name: "curves-many.png")
        // The curves run where the data says: high loss at the start, low at the end, on both sides of the gap.
        for e in [1, 40, 150] {
            let r = history[e - 1]
            let trainLoss = colour(TrainingCurvesChart.trainColor, near: chart.loss.px(Double(e)), chart.loss.py(r.trainLoss), in: image)
            #expect(trainLoss, "train loss at epoch \(e)")
            let validationAccuracy = colour(TrainingCurvesChart.validationColor, near: chart.accuracy.px(Double(e)),
                                            chart.accuracy.py(r.validationAccuracy * 100), in: image)
            #expect(validationAccuracy, "validation accuracy at epoch \(e)")
        }
        let stray = colour(TrainingCurvesChart.trainColor, near: chart.loss.px(1), chart.loss.py(0.85), in: image, radius: 1)
        #expect(!stray, "no train-loss curve where there is no value")
    }

    @Test func anEmptyHistoryStillDrawsItsFrame() throws {
        let chart = TrainingCurvesChart(history: [], title: "empty")
        let image = try chart.render()
        #expect(image.width == 1200 && chart.loss.y.upper > chart.loss.y.lower)
    }

    // MARK: Emotions over time

    /// A face seen at 0–1 s and again alone at 4 s: a line, then a dot where the lone moment was (no line
    /// has two ends there), in the colour of the emotion it was; and a long file name stays inside its panel.
    @Test func aMomentSeenAloneIsADot() throws {
        var summary = TrackSummary()
        let happy: [Float] = [0, 0, 0, 1, 0, 0, 0], sad: [Float] = [0, 0, 0, 0, 0, 1, 0]
        for (time, p) in [(0.0, happy), (0.5, happy), (1.0, happy), (4.0, sad)] {
            summary.add(file: "/videos/" + String(repeating: "a-long-name-", count: 20) + ".avi", time: time,
                        faces: [TrackedFace(id: 1, box: PixelRect(x: 0, y: 0, width: 10, height: 10), probabilities: p)])
        }
        let chart = EmotionTimelineChart(tracks: summary.tracks, title: "Emotions over time")
        let image = try writeAndRead(chart, name: "timeline-dot.png")
        let area = chart.plots[0]
        // Read first: a failed #expect would print the whole image.
        let line = colour(Theme.color(for: .happy), near: area.px(0.5), area.py(100), in: image)
        let dot = colour(Theme.color(for: .sad), near: area.px(4), area.py(100), in: image, radius: 1)
        let acrossGap = colour(Theme.color(for: .sad), near: area.px(2.5), area.py(50), in: image, radius: 3)
        #expect(line, "the line while seen")
        #expect(dot, "the lone moment")
        #expect(!acrossGap, "no line across the gap")
    }

    // MARK: Dataset overview

    @Test func dataStatsBarsAreAsHighAsTheirCounts() throws {
        let train = [3995, 436, 4097, 7215, 4965, 4830, 3171], val = [467, 56, 496, 895, 607, 653, 415]
        // Faces with a known pattern: a gradient whose brightness tells the class.
        let samples = Emotion.allCases.map { emotion in
            (0..<3).map { k in
                GrayImage(width: 48, height: 48, pixels: (0..<(48 * 48)).map { UInt8((($0 % 48) * 4 + emotion.rawValue * 20 + k) % 256) })
            }
        }
        let chart = DatasetOverviewChart(title: "Dataset test", subtitle: "known counts",
                                         splits: [.init(name: "train", classCounts: train), .init(name: "val", classCounts: val)],
                                         samples: samples)
        let image = try writeAndRead(chart, name: "data-stats.png")
        #expect(image.width == chart.size.width && image.height == chart.size.height)

        for (split, counts) in [train, val].enumerated() {
            let plot = chart.barPlots[split]
            let baseline = plot.rect.maxY - 2 // the row above the axis line
            var heights: [Int] = []
            for emotion in Emotion.allCases {
                // Measure the bar in the picture: the run of the emotion's colour up from the baseline.
                let x = chart.barRect(split: split, emotion: emotion).midX
                var y = baseline
                while y > 0 && image[x, y] == Theme.color(for: emotion) { y -= 1 }
                heights.append(baseline - y)
            }
            let tallest = Double(heights.max()!), largest = Double(counts.max()!)
            for (h, n) in zip(heights, counts) {
                #expect(abs(Double(h) / tallest - Double(n) / largest) < 2 / tallest, "\(split): \(h) px for \(n) faces")
                let expected = Double(n) / plot.y.upper * Double(plot.rect.height - 1)
                #expect(abs(Double(h) - expected) <= 1.5, "\(split): \(h) px for \(n) faces, expected \(expected)")
            }
            #expect(Double(heights.max()!) > 0.8 * Double(plot.rect.height), "the largest class fills most of the plot")
        }

        // Sample faces are shown 2x without smoothing: each source pixel covers a 2x2 block.
        for emotion in [Emotion.angry, .surprise] {
            let cell = chart.sampleRect(emotion: emotion, index: 1)
            #expect(cell.width == 96)
            for (sx, sy) in [(0, 0), (13, 7), (47, 47)] {
                let value = samples[emotion.rawValue][1][sx, sy]
                for (dx, dy) in [(0, 0), (1, 1)] {
                    #expect(image[cell.x + 2 * sx + dx, cell.y + 2 * sy + dy] == Color(r: value, g: value, b: value))
                }
            }
        }
        // A class with fewer samples than places keeps the rest empty (panel colour, no face).
        let empty = chart.sampleRect(emotion: .happy, index: 5)
        #expect(image[empty.midX, empty.midY] == Theme.panel)
    }
}
}
