import Expression
import Foundation
import Viewer

/// Saves a confusion matrix as a PNG heat-map (counts and row shares, accuracy and macro-F1 in the title).
enum ConfusionMatrixPNG {
    static func write(_ confusion: ConfusionMatrix, title: String, to url: URL) throws {
        try ConfusionMatrixChart(matrix: confusion, title: "Confusion matrix  ·  \(title)").writePNG(to: url)
    }
}
