import Foundation
import NeuralNet

/// The model a student learns from by distillation: run in inference mode on the student's own augmented
/// (and mixed) batch, its inputs re-normalised when the two models normalise pixels differently.
final class Teacher {
    private let model: ModelFile
    private let distillation: Distillation
    private let conversion: (scale: Float, offset: Float)?
    private let converted = Tensor(shape: [0])

    init(url: URL, studentNormalization: InputNormalization, studentPreprocessing: FacePreprocessing,
         distillation: Distillation) throws {
        model = try ModelFile.load(url)
        let preprocessing = try model.facePreprocessing(file: url)
        guard preprocessing == studentPreprocessing else {
            throw ModelFileError(url, "the teacher reads faces with preprocessing \(preprocessing.rawValue), "
                                 + "the student with \(studentPreprocessing.rawValue): it would be shown faces it never learned")
        }
        guard model.classNames.map({ Emotion(folderName: $0) }) == Emotion.allCases.map({ Optional($0) }) else {
            throw ModelFileError(url, "a teacher's classes must be in Emoscope's order \(Emotion.classNames), not \(model.classNames)")
        }
        guard model.network.inputShape == EmotionArchitecture.inputShape else {
            throw ModelFileError(url, "a teacher must take \(EmotionArchitecture.inputShape) faces, not \(model.network.inputShape)")
        }
        model.network.prepareForInference()
        self.distillation = distillation
        let (s, t) = (studentNormalization, model.normalization)
        // pixel = (x − o_s) / s_s, teacher input = pixel · s_t + o_t.
        conversion = s == t ? nil : (t.scale / s.scale, t.offset - s.offset * t.scale / s.scale)
    }

    /// The distilled loss of a batch; `gradient` holds the hard loss's gradient and is updated in place.
    func distil(inputs: Tensor, logits: Tensor, hardLoss: Float, gradient: Tensor) -> Float {
        var teacherInputs = inputs
        if let (scale, offset) = conversion {
            converted.reshape(inputs.shape)
            for i in 0..<inputs.count { converted.data[i] = inputs.data[i] * scale + offset }
            teacherInputs = converted
        }
        let teacherLogits = model.network.logits(teacherInputs, training: false)
        return distillation.combine(studentLogits: logits, teacherLogits: teacherLogits, hardLoss: hardLoss, gradient: gradient)
    }
}
