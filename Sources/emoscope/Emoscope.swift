import ArgumentParser

@main
struct Emoscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoscope",
        abstract: "Real-time facial-expression recognition.")
    func run() throws { print("Emoscope") }
}
