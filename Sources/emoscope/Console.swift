import Foundation

/// Writes whole lines to standard output at once, unbuffered, so a long run logged to a file
/// (`nohup emoscope train … > log`) shows each epoch as it ends rather than at exit.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
