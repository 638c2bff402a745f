import Imaging
import CSDL2

/// What can go wrong while drawing, with the SDL or OpenCV message attached.
public enum GraphicsError: Error, CustomStringConvertible, Equatable {
    case sdl(call: String, message: String)
    case fontNotFound(tried: [String])
    case fontUnreadable(path: String, message: String)
    case pngWrite(path: String, message: String)
    case invalidImage(String)

    public var description: String {
        switch self {
        case let .sdl(call, message): "\(call) failed: \(message)"
        case let .fontNotFound(tried):
            "no font found: Emoscope draws text with DejaVu Sans (Debian package fonts-dejavu-core). Tried: "
                + tried.joined(separator: ", ") + ". Set EMOSCOPE_FONT to a .ttf file to use another."
        case let .fontUnreadable(path, message): "cannot open font \(path): \(message)"
        case let .pngWrite(path, message): "cannot write PNG \(path): \(message)"
        case let .invalidImage(message): "invalid image: \(message)"
        }
    }

    /// The error of the SDL call that just failed.
    public static func sdl(_ call: String) -> GraphicsError {
        .sdl(call: call, message: String(cString: SDL_GetError()))
    }
}
