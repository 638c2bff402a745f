import Expression
import Foundation
import Viewer

/// Finds and loads the emotion model for the viewer commands.
enum ModelLocator {
    struct NotAvailable: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot load \(path): this build has no classifier yet" }
    }

    static var triedDescription: String { "no model file given and none shipped yet" }

    /// The classifier for `path`, or for the shipped model; nil when there is none.
    static func loadClassifier(path: String?) throws -> EmotionClassifying? {
        if let path { throw NotAvailable(path: path) }
        return nil
    }
}
