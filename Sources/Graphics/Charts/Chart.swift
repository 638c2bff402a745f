import Imaging
import Foundation

/// A picture drawn on an offscreen canvas: no display and no SDL video driver needed, so charts are made
/// the same way on a desktop, over SSH and in CI.
public protocol Chart {
    /// The size of the picture in pixels.
    var size: Size { get }
    func draw(on canvas: Canvas) throws
}

extension Chart {
    public func render() throws -> BGRAImage {
        let canvas = try Canvas(offscreenWidth: size.width, height: size.height)
        try draw(on: canvas)
        return try canvas.readPixels()
    }

    /// Renders and writes the PNG atomically.
    public func writePNG(to url: URL) throws {
        try render().writePNG(to: url)
    }
}

/// The text styles every chart uses, from the app's Theme sizes, so charts read like the app's panels.
public final class ChartFonts {
    public let title: Font
    public let subtitle: Font
    public let heading: Font
    public let label: Font
    public let labelBold: Font
    public let tick: Font
    public let value: Font

    public init() throws {
        title = try Font(size: Theme.fontTitle + 2, bold: true)
        subtitle = try Font(size: Theme.fontBody)
        heading = try Font(size: Theme.fontLabel, bold: true)
        label = try Font(size: Theme.fontBody)
        labelBold = try Font(size: Theme.fontBody, bold: true)
        tick = try Font(size: Theme.fontSmall)
        value = try Font(size: Theme.fontLabel, bold: true)
    }
}

/// Numbers as charts print them.
public enum ChartFormat {
    /// 28709 → "28,709" (fixed grouping, not the locale's: a chart reads the same on every machine).
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        fraction.isFinite ? String(format: "%.\(decimals)f%%", fraction * 100) : "n/a"
    }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "n/a" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 600 { return "\(s / 60) min \(String(format: "%02d", s % 60)) s" }
        if s < 3600 { return "\(s / 60) min" }
        return "\(s / 3600) h \(String(format: "%02d", (s % 3600) / 60)) min"
    }
}
