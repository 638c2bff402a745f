import ArgumentParser

struct Emoscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoscope",
        abstract: "Real-time facial-expression recognition.",
        subcommands: [ViewCommand.self, BrowseCommand.self, PredictCommand.self, ExplainCommand.self, InfoCommand.self, TrainCommand.self, EvalCommand.self, DataCommand.self, BenchCommand.self, SnapshotCommand.self, DemoVideoCommand.self, ImportKerasCommand.self, ExportONNXCommand.self, AnalyzeCommand.self, RebalanceCommand.self, EnsembleCommand.self],
        defaultSubcommand: ViewCommand.self)
}
