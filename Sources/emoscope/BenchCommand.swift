import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (use a release build: make bench).",
        subcommands: [BenchInferenceCommand.self, BenchTrainCommand.self, BenchLiveCommand.self, BenchBrowserCommand.self])
}
