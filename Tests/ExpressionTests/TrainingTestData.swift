import Imaging
import Expression
import Foundation
import TestSupport

/// Small balanced samples of the real FER2013 faces for training tests (read from ../shared, never copied).
enum TrainingTestData {
    /// The first `perClass` faces of each class of a split.
    static func balanced(split: String, perClass: Int) throws -> LabeledFaces {
        let load = try Dataset(root: TestData.fer2013Root).load(split: split)
        var taken = [Int](repeating: 0, count: Emotion.allCases.count)
        var indices: [Int] = []
        for (index, label) in load.faces.labels.enumerated() where taken[label.rawValue] < perClass {
            taken[label.rawValue] += 1
            indices.append(index)
        }
        return load.faces.subset(indices)
    }

    static func configuration(epochs: Int) -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.epochs = epochs
        config.batchSize = 16
        config.learningRate = 3e-3
        config.warmupEpochs = 0
        config.seed = 42
        // Few images and steps: learn from the faces as they are.
        config.augmentation = .none
        config.labelSmoothing = 0
        return config
    }
}
