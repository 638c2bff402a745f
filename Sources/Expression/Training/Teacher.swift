import Foundation
import NeuralNet

/// What a student learns from by distillation: one model, or an ensemble whose members' soft probabilities
/// are averaged. Run in inference mode on the student's own augmented (and mixed) batch.
final class Teacher {
    private let members: [TeacherModel]
    private let distillation: Distillation

    init(urls: [URL], studentNormalization: InputNormalization, studentPreprocessing: FacePreprocessing,
         distillation: Distillation) throws {
        precondition(!urls.isEmpty, "Teacher: no model")
        members = try urls.map {
            try TeacherModel(url: $0, studentNormalization: studentNormalization, studentPreprocessing: studentPreprocessing)
        }
        self.distillation = distillation
    }

    /// The distilled loss of a batch; `gradient` holds the hard loss's gradient and is updated in place.
    func distil(inputs: Tensor, logits: Tensor, hardLoss: Float, gradient: Tensor) -> Float {
        let teacherLogits = members.count == 1
            ? members[0].logits(inputs)
            : distillation.ensembleLogits(members.map { $0.logits(inputs) })
        return distillation.combine(studentLogits: logits, teacherLogits: teacherLogits, hardLoss: hardLoss, gradient: gradient)
    }
}
