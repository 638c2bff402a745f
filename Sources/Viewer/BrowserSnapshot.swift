import Expression
import Foundation
import Live

/// The browser's state in a snapshot's JSON: which split, filter and order were shown, and the selected face
/// with its true label and probabilities, so a script can check what the picture shows.
public struct BrowserSnapshot: Codable, Equatable, Sendable {
    public struct Selected: Codable, Equatable, Sendable {
        public let path: String
        public let label: String
        /// The predicted emotion, nil without a model.
        public let predicted: String?
        /// Emotion name → probability (all seven), empty without a model.
        public let probabilities: [String: Float]
        /// The emotion whose evidence the heat map shows, when the "why" view is on.
        public let explained: String?
    }

    public let dataset: String
    public let split: String
    public let splits: [String]
    public let view: String
    public let faces: Int
    public let shown: Int
    public let predicted: Int
    public let outcome: String
    public let trueClass: String?
    public let predictedClass: String?
    public let order: String
    public let why: Bool
    public let selected: Selected?
}

extension DatasetBrowser {
    func snapshotState(classifier: EmotionClassifying?) -> BrowserSnapshot? {
        guard let faces, let splitName else { return nil }
        var selected: BrowserSnapshot.Selected?
        if let index = selectedIndex {
            let p = classifier.map { probabilities(of: index, faces: faces, classifier: $0) } ?? []
            var named: [String: Float] = [:]
            if p.count == Emotion.allCases.count { for e in Emotion.allCases { named[e.name] = p[e.rawValue] } }
            let explained = showWhy && why?.index == index ? why?.explanation.emotion.name : nil
            selected = .init(path: faces.paths[index], label: faces.labels[index].name, predicted: Self.argmax(p)?.name,
                             probabilities: named, explained: explained)
        }
        return BrowserSnapshot(dataset: root.path, split: splitName, splits: splitNames, view: mode.rawValue,
                               faces: faces.count, shown: visible.count, predicted: predictedCount,
                               outcome: query.outcome.rawValue, trueClass: query.trueClass?.name,
                               predictedClass: query.predictedClass?.name, order: query.order.rawValue,
                               why: showWhy, selected: selected)
    }
}
