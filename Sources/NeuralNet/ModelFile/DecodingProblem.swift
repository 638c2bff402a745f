/// A JSON decoding failure in words a user can act on: which field and what is wrong, instead of
/// `DecodingError.dataCorrupted(Context(codingPath: …))`.
public enum DecodingProblem {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ path: [any CodingKey]) -> String {
            let field = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return field.isEmpty ? "" : " at \(field)"
        }
        switch error {
        case let .keyNotFound(key, context):
            return "field \"\(key.stringValue)\" is missing\(at(context.codingPath))"
        case let .valueNotFound(_, context):
            return "a value is missing\(at(context.codingPath))"
        case let .typeMismatch(type, context):
            return "the value\(at(context.codingPath)) is not \(article(type))"
        case let .dataCorrupted(context):
            let reason = context.underlyingError.map { _ in "it is not valid JSON" } ?? context.debugDescription
            return "\(reason)\(at(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    private static func article(_ type: Any.Type) -> String {
        switch "\(type)" {
        case "Int", "Int64", "UInt64", "Int32": "a whole number in range"
        case "Float", "Double": "a number"
        case "String": "text"
        case "Bool": "true or false"
        case let name where name.hasPrefix("Array"): "a list"
        case let name where name.hasPrefix("Dictionary"): "an object"
        default: "of the expected kind"
        }
    }
}
