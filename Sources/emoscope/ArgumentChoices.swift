import ArgumentParser
import Expression
import Viewer

// The domain's choices, parsed and listed in `--help` by the argument parser itself.
extension EmotionArchitecture: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfiguration.ScheduleKind: ExpressibleByArgument {}
extension TestTimeAugmentation: ExpressibleByArgument {}
extension FacePreprocessing: ExpressibleByArgument {}
extension PredictionQuery.Outcome: ExpressibleByArgument {}
extension PredictionQuery.Order: ExpressibleByArgument {}

extension Emotion: ExpressibleByArgument {
    public init?(argument: String) { self.init(folderName: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
    /// Listed on one line, "(values: angry, disgust, ...)", as the other choices are.
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { name }
}
