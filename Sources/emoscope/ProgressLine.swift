import Foundation

/// A one-line progress bar on stderr: redrawn in place on a terminal, one line every ~10 % otherwise
/// (so `nohup … > log` stays readable).
struct ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrintedTenth = -1

    mutating func update(fraction: Double, text: String) {
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            FileHandle.standardError.write(Data("\r[\(bar)] \(text)\u{1B}[K".utf8))
        } else {
            let tenth = Int(fraction * 10)
            if tenth != lastPrintedTenth {
                lastPrintedTenth = tenth
                FileHandle.standardError.write(Data("  \(text)\n".utf8))
            }
        }
    }

    mutating func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        lastPrintedTenth = -1
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
