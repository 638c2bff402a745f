/// Text from a file, made safe to print: a model's class names and notes are whatever the file says, and
/// control characters in them (escape sequences, carriage returns, bidirectional overrides) would act on
/// the terminal instead of being shown. Each such character is shown as \u{XX}.
enum TerminalText {
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || (0x7F...0x9F).contains(value) || (0x200E...0x200F).contains(value)
                || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
            if isControl {
                result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
