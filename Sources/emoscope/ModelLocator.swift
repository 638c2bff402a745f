import Expression
import Foundation
import Viewer

/// Finds and loads the emotion model for the viewer commands: `--model FILE`, else the shipped model
/// (`ResourceLocator`: $EMOSCOPE_RESOURCES, the installed copy, the source tree).
enum ModelLocator {
    /// The classifier, or nil when no model is shipped; the second value says where it looked.
    /// A model file that exists but is damaged is an error (it names the file and the problem).
    ///
    /// Live classification skips mirror averaging: on FER2013 val it moved the shipped model's accuracy by
    /// 0.1 point (55.6 % vs 55.5 %) for twice the work, and the live view needs every face 15 times a second.
    static func loadClassifier(path: String?) throws -> (EmotionClassifying?, String?) {
        if let path {
            return (try Classifier(opening: URL(fileURLWithPath: path), averagesFlip: false), nil)
        }
        do {
            return (try Classifier(contentsOf: try ResourceLocator.defaultModel(), averagesFlip: false), nil)
        } catch let error as ResourceError {
            return (nil, "No model found, so faces are shown without emotions (looked for \(error.tried.joined(separator: ", ")))")
        }
    }
}

extension Classifier: EmotionClassifying {}
