import Expression
import Foundation
import Live

/// Finds the emotion model: `--model FILE`, else the shipped model (`ResourceLocator`: $EMOSCOPE_RESOURCES,
/// the installed copy, the source tree).
enum ModelLocator {
    static var resources: ResourceLocator { ResourceLocator(override: EmoscopeEnvironment.current.resources) }

    static func url(for path: String?) throws -> URL {
        try path.map { URL(fileURLWithPath: $0) } ?? resources.defaultModel()
    }

    /// For the viewer: the classifier, or nil when no model is shipped, with where it looked. A model file
    /// that exists but is damaged is an error (it names the file and the problem).
    static func liveClassifier(_ options: ClassificationOptions) throws -> (EmotionClassifying?, String?) {
        do {
            return (try options.classifier(), nil)
        } catch let error as ResourceError {
            return (nil, "No model found, so faces are shown without emotions (looked for \(error.tried.joined(separator: ", ")))")
        }
    }
}
