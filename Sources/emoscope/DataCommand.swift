import ArgumentParser
import Expression
import Foundation
import Viewer

/// `emoscope data ...`: looking at datasets before training on them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect a face dataset (ROOT/SPLIT/CLASS/images or fer2013.csv).",
        subcommands: [Stats.self, DataFramingCommand.self])

    /// `emoscope data stats ROOT`
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Faces per split and class, imbalance, undecodable files and exact duplicates.")

        @Argument(help: "The dataset folder (ROOT/SPLIT/CLASS/images) or a fer2013.csv file.")
        var root: String

        @Flag(help: "Decode every image again instead of using the decoded-pixel cache.")
        var noCache = false

        @Option(help: ArgumentHelp("Also write a PNG: faces per class for every split, and sample faces per class.",
                                   valueName: "file"))
        var png: String?

        @Flag(help: "Replace the --png file if it exists.")
        var force = false

        func run() throws {
            if let png { try OutputFile.reading([root], force: force).check([URL(fileURLWithPath: png)]) }
            let dataset = try Dataset.open(URL(fileURLWithPath: root))
            let stats = try DatasetStats(dataset: dataset, useCache: !noCache)
            print(stats.table, terminator: "")
            let timing = stats.splits.map {
                "\($0.name) " + String(format: "%.2f s", $0.seconds) + ($0.fromCache ? " (cached)" : " (decoded)")
            }
            print("\nloaded: " + timing.joined(separator: ", "))
            if let png {
                try DatasetOverviewChart(stats: stats).writePNG(to: URL(fileURLWithPath: png))
                print("chart saved to \(png)")
            }
        }
    }
}
