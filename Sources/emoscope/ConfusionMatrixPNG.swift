import Expression
import Foundation

/// Saves a confusion matrix as a PNG chart (drawn by the Graphics charts).
enum ConfusionMatrixPNG {
    static func write(_ confusion: ConfusionMatrix, title: String, to url: URL) throws {
        throw ValidationErrorText("PNG charts are not built yet")
    }
}
