import Expression
import Foundation

/// The last line of `train`: the best epoch and where its model is, or, when no epoch finished, that no
/// model was written (rather than "-100.00% (epoch -1)" and a file that does not exist).
enum TrainingSummary {
    static func text(state: TrainingState, model: URL, jointModel: URL? = nil) -> String {
        let duration = ProgressLine.duration(state.elapsedSeconds)
        guard state.bestEpoch >= 1 else {
            return "No epoch finished, so no model was written to \(model.path); \(duration) of training"
        }
        var text = String(format: "Best validation accuracy %.2f%% (epoch %d), model in %@; %@ of training",
                          state.bestAccuracy * 100, state.bestEpoch, model.path, duration)
        if let jointModel, let epoch = state.bestJointEpoch, let record = state.history.first(where: { $0.epoch == epoch }) {
            text += String(format: "\nBest on val and photos together: epoch %d (val %.2f%%, photos %.2f%%), model in %@",
                           epoch, record.validationAccuracy * 100, (record.photoAccuracy ?? 0) * 100, jointModel.path)
        }
        return text
    }
}
