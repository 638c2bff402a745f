import Imaging
import CSDL2
import CSDL2TTF
import Foundation

/// Which SDL renderer a window's canvas uses: chosen by what the machine has, or forced.
public enum RendererChoice: String, Sendable, CaseIterable {
    case automatic, software, gpu
}

/// Horizontal placement of text relative to the x it is drawn at.
public enum TextAlign: Sendable {
    case left, center, right
}

/// Drawing on an SDL renderer: a window's, or a software renderer on an in-memory surface, so that
/// the live view, charts and snapshots are drawn by the same code with or without a display.
/// Use a canvas on one thread only (SDL renderers are not thread-safe).
public final class Canvas {
    public let renderer: OpaquePointer
    /// The surface an offscreen canvas draws into (nil for a window's canvas).
    private let surface: UnsafeMutablePointer<SDL_Surface>?
    private let ownsRenderer: Bool
    private let textCache = TextCache()
    /// Which SDL renderer is in use ("opengl", "software", ...), for the debug overlay.
    public let rendererName: String

    /// A canvas over a window. Prefers the GPU renderer with vsync (smooth, no tearing, no busy loop). Where
    /// OpenGL is only emulated on the CPU (llvmpipe: Xvfb, VMs, no GPU driver) it costs the model most of a
    /// core, so there the software renderer draws straight into the window's X11 image instead.
    /// A machine with no GPU device at all gets the software renderer without OpenGL being tried: loading
    /// Mesa only to find llvmpipe maps its LLVM (about 50 MB resident) for good. `renderer` forces one or the other.
    public init(window: OpaquePointer, vsync: Bool = true, renderer wanted: RendererChoice = .automatic) throws {
        let accelerated = SDL_RENDERER_ACCELERATED.rawValue | (vsync ? SDL_RENDERER_PRESENTVSYNC.rawValue : 0)
        var chosen: OpaquePointer?
        let tries = wanted == .gpu || (wanted == .automatic && Canvas.machineHasGPUDevice)
        if tries, let gpu = SDL_CreateRenderer(window, -1, accelerated) {
            if wanted != .gpu, let rasterizer = Canvas.openGLRenderer(), Canvas.isCPURasterizer(rasterizer) {
                SDL_DestroyRenderer(gpu)
            } else {
                chosen = gpu
            }
        }
        if chosen == nil {
            // Without this hint SDL would present the software renderer's surface through OpenGL after all.
            SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0")
            chosen = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue)
        }
        guard let renderer = chosen else { throw GraphicsError.sdl("SDL_CreateRenderer") }
        self.renderer = renderer
        surface = nil
        ownsRenderer = true
        rendererName = Canvas.name(of: renderer)
        try SDLText.start()
        SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
    }

    /// An offscreen canvas of `width` x `height` pixels; needs no display and no SDL video driver.
    public init(offscreenWidth width: Int, height: Int) throws {
        guard width > 0, height > 0 else { throw GraphicsError.invalidImage("canvas size \(width)x\(height)") }
        guard let surface = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32,
                                                           SDL_PIXELFORMAT_ARGB8888.rawValue) else {
            throw GraphicsError.sdl("SDL_CreateRGBSurfaceWithFormat")
        }
        guard let renderer = SDL_CreateSoftwareRenderer(surface) else {
            SDL_FreeSurface(surface)
            throw GraphicsError.sdl("SDL_CreateSoftwareRenderer")
        }
        self.surface = surface
        self.renderer = renderer
        ownsRenderer = true
        rendererName = "offscreen"
        try SDLText.start()
        SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
    }

    deinit {
        textCache.clear() // textures belong to the renderer: destroy them first
        if ownsRenderer { SDL_DestroyRenderer(renderer) }
        if let surface { SDL_FreeSurface(surface) }
    }

    /// Whether the kernel shows a GPU: a DRM device (/dev/dri: Intel, AMD, Nouveau, virtio) or NVIDIA's own.
    static var machineHasGPUDevice: Bool {
        let files = FileManager.default
        let dri = (try? files.contentsOfDirectory(atPath: "/dev/dri")) ?? []
        return dri.contains { $0.hasPrefix("card") || $0.hasPrefix("renderD") } || files.fileExists(atPath: "/dev/nvidiactl")
    }

    /// The `GL_RENDERER` string of the current OpenGL context (the one an OpenGL SDL renderer just made).
    private static func openGLRenderer() -> String? {
        typealias GetString = @convention(c) (UInt32) -> UnsafePointer<UInt8>?
        let GL_RENDERER: UInt32 = 0x1F01
        guard SDL_GL_GetCurrentContext() != nil, let address = SDL_GL_GetProcAddress("glGetString"),
              let text = unsafeBitCast(address, to: GetString.self)(GL_RENDERER) else { return nil }
        return String(cString: text)
    }

    /// Mesa's CPU rasterizers ("llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Software Rasterizer").
    static func isCPURasterizer(_ glRenderer: String) -> Bool {
        let name = glRenderer.lowercased()
        return ["llvmpipe", "softpipe", "software rasterizer", "swrast"].contains { name.contains($0) }
    }

    private static func name(of renderer: OpaquePointer) -> String {
        var info = SDL_RendererInfo()
        guard SDL_GetRendererInfo(renderer, &info) == 0, let name = info.name else { return "unknown" }
        return String(cString: name)
    }

    /// The drawable size in pixels.
    public var size: Size {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &w, &h)
        return Size(width: Int(w), height: Int(h))
    }

    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: size.width, height: size.height) }

    // MARK: Shapes

    public func clear(_ color: Color) {
        setColor(color)
        SDL_RenderClear(renderer)
    }

    public func fill(_ rect: PixelRect, _ color: Color) {
        guard !rect.isEmpty else { return }
        setColor(color)
        var r = sdlRect(rect)
        SDL_RenderFillRect(renderer, &r)
    }

    /// An outline whose outer edge covers exactly the rectangle's first and last pixel rows and columns,
    /// growing inward with `thickness`: a face box from (x, y) to (x+w, y+h) lands on the face's edges.
    public func stroke(_ rect: PixelRect, _ color: Color, thickness: Int = 1) {
        guard !rect.isEmpty else { return }
        let t = max(1, min(thickness, rect.width / 2, rect.height / 2))
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: t), color)
        fill(PixelRect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), color)
        fill(PixelRect(x: rect.x, y: rect.y + t, width: t, height: rect.height - 2 * t), color)
        fill(PixelRect(x: rect.maxX - t, y: rect.y + t, width: t, height: rect.height - 2 * t), color)
    }

    public func line(from a: Point, to b: Point, _ color: Color) {
        setColor(color)
        SDL_RenderDrawLine(renderer, Int32(a.x), Int32(a.y), Int32(b.x), Int32(b.y))
    }

    /// Connected line segments, e.g. a training curve; `thickness` > 1 draws offset copies.
    public func polyline(_ points: [Point], _ color: Color, thickness: Int = 1) {
        guard points.count > 1 else { return }
        setColor(color)
        for offset in 0..<max(1, thickness) {
            let shifted = points.map { SDL_Point(x: Int32($0.x), y: Int32($0.y + offset - thickness / 2)) }
            _ = shifted.withUnsafeBufferPointer { SDL_RenderDrawLines(renderer, $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Restricts drawing to `rect` (nil: the whole canvas).
    public func clip(to rect: PixelRect?) {
        if let rect {
            var r = sdlRect(rect)
            SDL_RenderSetClipRect(renderer, &r)
        } else {
            SDL_RenderSetClipRect(renderer, nil)
        }
    }

    // MARK: Text

    /// Draws one line of text with its top at `y`; returns the rectangle it covers.
    @discardableResult
    public func text(_ string: String, font: Font, color: Color, x: Int, y: Int, align: TextAlign = .left) -> PixelRect {
        guard !string.isEmpty,
              let entry = textCache.texture(for: string, font: font, color: color, renderer: renderer) else {
            return PixelRect(x: x, y: y, width: 0, height: font.lineHeight)
        }
        let left = switch align {
        case .left: x
        case .center: x - entry.size.width / 2
        case .right: x - entry.size.width
        }
        let target = PixelRect(x: left, y: y, width: entry.size.width, height: entry.size.height)
        var r = sdlRect(target)
        SDL_RenderCopy(renderer, entry.texture, nil, &r)
        return target
    }

    /// Draws text vertically centred in `rect`, aligned to its left, centre or right.
    @discardableResult
    public func text(_ string: String, font: Font, color: Color, in rect: PixelRect, align: TextAlign = .left) -> PixelRect {
        let height = font.measure(string).height
        let x = switch align {
        case .left: rect.x
        case .center: rect.midX
        case .right: rect.maxX
        }
        return text(string, font: font, color: color, x: x, y: rect.y + (rect.height - height) / 2, align: align)
    }

    // MARK: Images

    public func makeTexture(size: Size, streaming: Bool = true) throws -> ImageTexture {
        try ImageTexture(renderer: renderer, size: size, streaming: streaming)
    }

    public func makeTexture(from image: BGRAImage) throws -> ImageTexture {
        let texture = try ImageTexture(renderer: renderer, size: Size(width: image.width, height: image.height),
                                       streaming: false)
        texture.update(with: image)
        return texture
    }

    /// Draws the texture scaled into `rect`, mirrored left-right when asked (a selfie view).
    public func draw(_ texture: ImageTexture, in rect: PixelRect, mirrored: Bool = false) {
        var r = sdlRect(rect)
        SDL_RenderCopyEx(renderer, texture.handle, nil, &r, 0, nil, mirrored ? SDL_FLIP_HORIZONTAL : SDL_FLIP_NONE)
    }

    // MARK: Output

    /// The pixels drawn so far, exactly as they will be shown. Call before `present()`: afterwards a
    /// window's back buffer is undefined.
    public func readPixels() throws -> BGRAImage {
        let size = self.size
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 4)
        let status = pixels.withUnsafeMutableBytes { bytes in
            SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_ARGB8888.rawValue, bytes.baseAddress, Int32(size.width * 4))
        }
        guard status == 0 else { throw GraphicsError.sdl("SDL_RenderReadPixels") }
        return BGRAImage(width: size.width, height: size.height, pixels: pixels)
    }

    /// Shows the frame (a window) or finishes it (offscreen).
    public func present() { SDL_RenderPresent(renderer) }

    // MARK: Helpers

    private func setColor(_ color: Color) {
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, color.a)
    }

    private func sdlRect(_ rect: PixelRect) -> SDL_Rect {
        SDL_Rect(x: Int32(rect.x), y: Int32(rect.y), w: Int32(rect.width), h: Int32(rect.height))
    }
}
