/// A command's failure, said as it is (without ArgumentParser's usage text).
struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
