import ArgumentParser

@main
struct Emoscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoscope",
        abstract: "Real-time facial-expression recognition.",
        subcommands: [ViewCommand.self, SnapshotCommand.self, DemoVideoCommand.self],
        defaultSubcommand: ViewCommand.self)
    func run() throws { print("Emoscope") }
}
