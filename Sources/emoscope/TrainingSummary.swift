import Expression
import Foundation

/// The last line of `train`: the best epoch and where its model is, or, when no epoch finished, that no
/// model was written (rather than "-100.00% (epoch -1)" and a file that does not exist).
enum TrainingSummary {
    static func text(state: TrainingState, model: URL) -> String {
        let duration = ProgressLine.duration(state.elapsedSeconds)
        guard state.bestEpoch >= 1 else {
            return "No epoch finished, so no model was written to \(model.path); \(duration) of training"
        }
        return String(format: "Best validation accuracy %.2f%% (epoch %d), model in %@; %@ of training",
                      state.bestAccuracy * 100, state.bestEpoch, model.path, duration)
    }
}
