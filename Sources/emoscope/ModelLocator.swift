import Expression
import Foundation
import Viewer

/// Finds and loads the emotion model for the viewer commands: `--model FILE`, else the shipped model
/// (`ResourceLocator`: $EMOSCOPE_RESOURCES, the installed copy, the source tree).
enum ModelLocator {
    /// The classifier, or nil when no model is shipped; the second value says where it looked.
    /// A model file that exists but is damaged is an error (it names the file and the problem).
    static func loadClassifier(path: String?, averagesFlip: Bool) throws -> (EmotionClassifying?, String?) {
        if let path {
            return (try Classifier(opening: URL(fileURLWithPath: path), averagesFlip: averagesFlip), nil)
        }
        do {
            return (try Classifier(contentsOf: try ResourceLocator.defaultModel(), averagesFlip: averagesFlip), nil)
        } catch let error as ResourceError {
            return (nil, "No model found, so faces are shown without emotions (looked for \(error.tried.joined(separator: ", ")))")
        }
    }
}

extension Classifier: EmotionClassifying {}
