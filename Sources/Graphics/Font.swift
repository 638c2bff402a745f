import Imaging
import CSDL2
import CSDL2TTF
import Foundation

/// A TrueType face at one size, opened through SDL_ttf. Use on the thread that draws.
public final class Font {
    let handle: OpaquePointer
    public let pointSize: Int
    public let isBold: Bool
    /// Distance between baselines of consecutive lines.
    public let lineHeight: Int
    /// Identity for the text cache (two fonts of the same file and size draw alike).
    let cacheKey: String

    /// Where DejaVu Sans lives on the common Linux distributions.
    static let searchDirectories = [
        "/usr/share/fonts/truetype/dejavu", // Debian, Ubuntu
        "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/dejavu", // Fedora
        "/usr/share/fonts/TTF", // Arch
        "/usr/local/share/fonts", "/usr/share/fonts/truetype",
    ]

    /// - file: a .ttf file to use instead of DejaVu Sans (the user's EMOSCOPE_FONT, read by the executable).
    public init(size: Int, bold: Bool = false, file: String? = nil) throws {
        let path = try Font.locate(bold: bold, override: file)
        try SDLText.start()
        guard let handle = TTF_OpenFont(path, Int32(size)) else {
            throw GraphicsError.fontUnreadable(path: path, message: String(cString: SDL_GetError()))
        }
        self.handle = handle
        pointSize = size
        isBold = bold
        lineHeight = Int(TTF_FontLineSkip(handle))
        cacheKey = "\(path)#\(size)"
    }

    deinit { TTF_CloseFont(handle) }

    /// The font file: `override` when given, else DejaVu Sans (Bold) from the system.
    public static func locate(bold: Bool, override: String? = nil) throws -> String {
        if let override, !override.isEmpty {
            guard FileManager.default.isReadableFile(atPath: override) else {
                throw GraphicsError.fontNotFound(tried: [override])
            }
            return override
        }
        let name = bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf"
        let candidates = searchDirectories.map { "\($0)/\(name)" }
        if let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) { return found }
        // A missing bold face is not worth failing for: fall back to the regular one.
        if bold, let regular = try? locate(bold: false) { return regular }
        throw GraphicsError.fontNotFound(tried: candidates)
    }

    /// Width and height of `text` in pixels when drawn in this font.
    public func measure(_ text: String) -> Size {
        guard !text.isEmpty else { return Size(width: 0, height: lineHeight) }
        var w: Int32 = 0, h: Int32 = 0
        _ = TTF_SizeUTF8(handle, text, &w, &h)
        return Size(width: Int(w), height: Int(h))
    }

    /// `text` as it fits in `width` pixels: whole, or cut with "…" at its end (long file names in titles).
    public func fitting(_ text: String, width: Int) -> String {
        guard measure(text).width > width else { return text }
        let characters = Array(text)
        var (low, high) = (0, characters.count)  // the longest prefix that fits with the ellipsis: low...high
        while low < high {
            let middle = (low + high + 1) / 2
            if measure(String(characters[..<middle]) + "…").width <= width { low = middle } else { high = middle - 1 }
        }
        return String(characters[..<low]) + "…"
    }

    /// `text` broken at spaces into lines no wider than `width` (a longer word stands alone on its line).
    public func wrap(_ text: String, width: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if measure(candidate).width > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// The regular and bold faces at the theme's sizes, opened once per window.
public final class Fonts {
    public let small: Font
    public let body: Font
    public let bodyBold: Font
    public let label: Font
    public let title: Font
    public let headline: Font

    /// - file: a .ttf file to use instead of DejaVu Sans.
    public init(file: String? = nil) throws {
        small = try Font(size: Theme.fontSmall, file: file)
        body = try Font(size: Theme.fontBody, file: file)
        bodyBold = try Font(size: Theme.fontBody, bold: true, file: file)
        label = try Font(size: Theme.fontLabel, bold: true, file: file)
        title = try Font(size: Theme.fontTitle, bold: true, file: file)
        headline = try Font(size: Theme.fontHeadline, bold: true, file: file)
    }
}
