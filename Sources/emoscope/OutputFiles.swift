import Foundation

/// How commands write their outputs: an existing file is replaced only when asked (--force), and a new
/// file appears whole or not at all.
enum OutputFiles {
    static func refuseExisting(_ path: String, replacing: Bool) throws {
        if !replacing && FileManager.default.fileExists(atPath: path) {
            throw ValidationErrorText("\(path) exists already: choose another name, or --force to replace it")
        }
    }

    static func write(_ data: Data, to path: String, replacing: Bool) throws {
        try refuseExisting(path, replacing: replacing)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ValidationErrorText("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
