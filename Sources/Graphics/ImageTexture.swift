import Imaging
import CSDL2

/// A GPU (or software-renderer) texture holding one BGRA picture; a video frame is uploaded into the same
/// streaming texture each time, so no allocation happens per frame.
public final class ImageTexture {
    let handle: OpaquePointer
    public let size: Size

    init(renderer: OpaquePointer, size: Size, streaming: Bool) throws {
        let access = streaming ? SDL_TEXTUREACCESS_STREAMING : SDL_TEXTUREACCESS_STATIC
        guard let handle = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888.rawValue, Int32(access.rawValue),
                                             Int32(size.width), Int32(size.height)) else {
            throw GraphicsError.sdl("SDL_CreateTexture")
        }
        self.handle = handle
        self.size = size
    }

    deinit { SDL_DestroyTexture(handle) }

    /// Replaces the pixels; `image` must have this texture's size.
    public func update(with image: BGRAImage) {
        precondition(image.width == size.width && image.height == size.height, "ImageTexture: size changed")
        image.pixels.withUnsafeBytes { bytes in
            _ = SDL_UpdateTexture(handle, nil, bytes.baseAddress, Int32(image.width * 4))
        }
    }

    /// Drawn over what is there by its alpha (an overlay) instead of replacing it.
    public func setBlended(_ blended: Bool) {
        SDL_SetTextureBlendMode(handle, blended ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE)
    }

    /// Smooth scaling for photos and video; nearest for pixel-exact views.
    public func setSmoothScaling(_ smooth: Bool) {
        SDL_SetTextureScaleMode(handle, smooth ? SDL_ScaleModeLinear : SDL_ScaleModeNearest)
    }
}
