import Expression
import Foundation
import Viewer

/// Finds and loads the emotion model for the viewer commands: `--model FILE`, else the shipped model
/// (`ResourceLocator`: $EMOSCOPE_RESOURCES, the installed copy, the source tree).
enum ModelLocator {
    /// The classifier, or nil when no model is shipped; the second value says where it looked.
    /// A model file that exists but is damaged is an error (it names the file and the problem).
    ///
    /// Live classification skips mirror averaging: it is worth about one point of FER2013 val accuracy to
    /// the shipped model (56.9 % vs 55.9 %) but halves how often each face is classified, and the live view
    /// must keep up with moving faces (15 times a second each). `predict` and `eval` do average.
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
