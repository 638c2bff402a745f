import Foundation

/// Names the person in a photo from its file name: the first match of a regular expression (`eval --people`).
struct PersonPattern {
    let source: String
    private let regex: NSRegularExpression

    init(_ source: String) throws {
        do {
            regex = try NSRegularExpression(pattern: source)
        } catch {
            // Foundation's own description says only "The value is invalid".
            throw ValidationErrorText("--people '\(source)' is not a valid regular expression (ICU syntax, e.g. '^[^._]+')")
        }
        self.source = source
    }

    /// The person of the photo at `path`, or nil when its file name does not match (or matches emptily).
    func person(_ path: String) -> String? {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let match = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)),
              match.range.length > 0, let range = Range(match.range, in: name) else { return nil }
        return String(name[range])
    }

    /// The distinct people among `paths`.
    func people(in paths: [String]) -> Set<String> { Set(paths.compactMap(person)) }
}
