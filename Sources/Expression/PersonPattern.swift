import Foundation

/// Names the person in a photo from its file name: the first match of a regular expression (`eval --people`,
/// `browse --people`).
public struct PersonPattern: @unchecked Sendable {
    /// A pattern that is not a regular expression.
    public struct Invalid: Error, CustomStringConvertible {
        public let source: String
        public var description: String {
            // Foundation's own description says only "The value is invalid".
            "--people '\(source)' is not a valid regular expression (ICU syntax, e.g. '^[^._]+')"
        }
    }

    public let source: String
    // Immutable after init; NSRegularExpression matching is safe from any thread.
    private let regex: NSRegularExpression

    public init(_ source: String) throws {
        do { regex = try NSRegularExpression(pattern: source) } catch { throw Invalid(source: source) }
        self.source = source
    }

    /// The person of the photo at `path`, or nil when its file name does not match (or matches emptily).
    public func person(_ path: String) -> String? {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let match = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)),
              match.range.length > 0, let range = Range(match.range, in: name) else { return nil }
        return String(name[range])
    }

    /// The distinct people among `paths`.
    public func people(in paths: [String]) -> Set<String> { Set(paths.compactMap(person)) }
}
