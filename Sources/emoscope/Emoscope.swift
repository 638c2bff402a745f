import ArgumentParser

@main
struct Emoscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoscope",
        abstract: "Real-time facial-expression recognition.",
        subcommands: [ViewCommand.self],
        defaultSubcommand: ViewCommand.self)
    func run() throws { print("Emoscope") }
}
