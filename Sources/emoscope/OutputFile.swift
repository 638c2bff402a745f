import Foundation
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// The rules every command that writes files follows, checked before any work is done:
/// - an output never replaces a file the same command reads (same device and inode), nor lands inside a
///   folder it reads (a dataset);
/// - an existing output is replaced only with `--force` (or where the command says it continues it, as
///   `train --resume` does its own checkpoint, model and log);
/// - an output is a new path or a regular file: never a symbolic link, device, named pipe or folder, which
///   writing by rename would silently replace (as root, `--out /dev/null` would replace the device);
/// - two outputs of one command are never the same file.
struct OutputFile {
    /// Files the command reads, as given on the command line.
    var inputs: [String] = []
    /// Folders the command reads from.
    var inputFolders: [String] = []
    /// `--force`: existing regular files may be replaced (never inputs, links or devices).
    var force = false
    /// Outputs that may already exist without `--force`.
    var continuing: Set<String> = []

    func check(_ outputs: [URL]) throws {
        var seen: [String: String] = [:]
        for output in outputs {
            let path = output.path
            let resolved = Self.resolved(path)
            if let other = seen[resolved] {
                throw ValidationErrorText("\(path) and \(other) would be the same file; choose another output name")
            }
            seen[resolved] = path
            for folder in inputFolders where resolved.hasPrefix(Self.resolved(folder) + "/") {
                throw ValidationErrorText("\(path) is inside \(folder), which this command reads; write it elsewhere")
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw ValidationErrorText("\(path) is \(RegularFile.kind(info.st_mode)); outputs must be regular files or new paths")
            }
            for input in inputs {
                var source = stat()
                if stat(input, &source) == 0 && source.st_dev == info.st_dev && source.st_ino == info.st_ino {
                    throw ValidationErrorText("\(path) is \(input == path ? "an input" : "the same file as the input \(input)") of this command; writing it would destroy it")
                }
            }
            if !force && !continuing.contains(path) {
                throw ValidationErrorText("\(path) already exists; add --force to replace it")
            }
        }
    }

    /// The path with its folder's symbolic links resolved, for comparing paths that need not exist yet.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        return (folder == "/" ? "" : folder) + "/" + url.lastPathComponent
    }

    /// An input argument: a folder's files are protected by place, a file's by identity.
    static func reading(_ paths: [String?], force: Bool = false) -> OutputFile {
        var rules = OutputFile(force: force)
        for path in paths.compactMap({ $0 }) {
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                rules.inputFolders.append(path)
            } else {
                rules.inputs.append(path)
            }
        }
        return rules
    }
}

extension OutputFile {
    /// `train`'s rules: the model, checkpoint, log and curves of a run are refused when they exist, unless
    /// `--resume` names that run's checkpoint (the run continues, and writes them again) or `--force`.
    static func training(outputs: [URL], checkpoint: URL, data: String, resume: String?, models: [String?] = [],
                         force: Bool) throws {
        var rules = reading([data, resume] + models, force: force)
        if let resume, resolved(resume) == resolved(checkpoint.path) {
            rules.inputs.removeAll { $0 == resume }
            rules.continuing = Set(outputs.map(\.path))
        }
        try rules.check(outputs)
    }
}
