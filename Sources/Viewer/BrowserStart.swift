import Expression

/// How the dataset browser opens: which split, and which faces in which order (`emoscope browse`).
public struct BrowserStart: Sendable, Equatable {
    /// A split name (`train`, `val`, ...); nil or absent from the folder: validation, else training.
    public var split: String?
    public var query: PredictionQuery

    public init(split: String? = nil, query: PredictionQuery = PredictionQuery()) {
        self.split = split
        self.query = query
    }
}
