import ArgumentParser
import Expression
import Viewer

// The domain's choices, parsed and listed in `--help` by the argument parser itself.
extension EmotionArchitecture: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfiguration.ScheduleKind: ExpressibleByArgument {}
extension TestTimeAugmentation: ExpressibleByArgument {}
