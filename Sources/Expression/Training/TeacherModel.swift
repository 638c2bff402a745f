import Foundation
import NeuralNet

/// One model of a teacher, its inputs re-normalised when it normalises pixels differently from the student.
final class TeacherModel {
    private let model: ModelFile
    private let conversion: (scale: Float, offset: Float)?
    private let converted = Tensor(shape: [0])

    init(url: URL, studentNormalization: InputNormalization, studentPreprocessing: FacePreprocessing) throws {
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
        let (s, t) = (studentNormalization, model.normalization)
        // pixel = (x − o_s) / s_s, teacher input = pixel · s_t + o_t.
        conversion = s == t ? nil : (t.scale / s.scale, t.offset - s.offset * t.scale / s.scale)
    }

    /// The model's logits for the student's inputs (its own buffer, valid until the next call).
    func logits(_ inputs: Tensor) -> Tensor {
        var teacherInputs = inputs
        if let (scale, offset) = conversion {
            converted.reshape(inputs.shape)
            for i in 0..<inputs.count { converted.data[i] = inputs.data[i] * scale + offset }
            teacherInputs = converted
        }
        return model.network.logits(teacherInputs, training: false)
    }
}
