/// The name Emoscope's chains of layers were built under before networks could be graphs; a `Network` built
/// from a plain layer list is that chain, and code written for chains keeps compiling.
public typealias Sequential = Network
