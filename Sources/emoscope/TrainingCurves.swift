import Expression
import Foundation

/// Draws the loss and accuracy curves next to the log (PNG), once the chart renderer is available.
enum TrainingCurves {
    static func render(history: [EpochRecord], next logURL: URL) {}
}
