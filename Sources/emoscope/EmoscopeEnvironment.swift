import Foundation
import Graphics

/// Every `EMOSCOPE_*` switch, read once here at the edge and passed down as values: nothing below the
/// executable reads the environment (XDG folders aside).
struct EmoscopeEnvironment: Sendable {
    /// A folder holding `Models/`, searched before the installed and source-tree copies.
    var resources: String?
    /// The Haar cascade file to use instead of the system's.
    var cascade: String?
    /// A .ttf file to draw text with instead of DejaVu Sans.
    var font: String?
    /// `software` or `gpu` forces the window's renderer.
    var renderer = RendererChoice.automatic
    /// `im2col` switches Winograd convolutions off (to compare in benchmarks).
    var winograd = true
    /// A FER2013-style folder, the last fallback for `--data`.
    var fer2013: String?

    init(_ values: [String: String]) {
        func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }
        resources = value("EMOSCOPE_RESOURCES")
        cascade = value("EMOSCOPE_CASCADE")
        font = value("EMOSCOPE_FONT")
        renderer = value("EMOSCOPE_RENDERER").flatMap(RendererChoice.init(rawValue:)) ?? .automatic
        winograd = value("EMOSCOPE_CONVOLUTION") != "im2col"
        fer2013 = value("EMOSCOPE_FER2013")
    }

    static let current = EmoscopeEnvironment(ProcessInfo.processInfo.environment)
}
