import Expression

/// How the dataset browser opens: which split, and which faces in which order (`emoscope browse`).
public struct BrowserStart: Sendable, Equatable {
    /// A split name (`train`, `val`, ...); nil or absent from the folder: validation, else training.
    public var split: String?
    public var query: PredictionQuery
    /// A regular expression naming each photo's person from its file name (`PersonPattern`): faces are then
    /// read against their person's usual face, as `eval --detect --people` reads them.
    public var people: String?

    public init(split: String? = nil, query: PredictionQuery = PredictionQuery(), people: String? = nil) {
        self.split = split
        self.query = query
        self.people = people
    }
}
