import Expression
import Foundation
import Viewer

/// The loss and accuracy curves, redrawn after every epoch beside the log (model.log.jsonl → model.curves.png).
enum TrainingCurves {
    static func url(next logURL: URL) -> URL {
        var name = logURL.lastPathComponent
        for suffix in [".log.jsonl", ".jsonl", ".csv", ".log"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return logURL.deletingLastPathComponent().appendingPathComponent(name + ".curves.png")
    }

    /// A failed picture must not stop a long run: it is reported and training goes on.
    static func render(history: [EpochRecord], next logURL: URL) {
        let url = url(next: logURL)
        let name = url.lastPathComponent.replacingOccurrences(of: ".curves.png", with: "")
        do {
            try TrainingCurvesChart(history: history, title: "Training  \(name)").writePNG(to: url)
        } catch {
            FileHandle.standardError.write(Data("warning: training curves not drawn to \(url.path): \(error)\n".utf8))
        }
    }
}
