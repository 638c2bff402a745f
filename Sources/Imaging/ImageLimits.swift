import CVBridge

/// The limits on image files Emoscope reads, and the header reading that enforces the pixel limit before
/// decoding (so a few hundred kilobytes declaring 30000x30000 pixels never reach the decoder).
public enum ImageLimits {
    /// The most pixels an image may have: 40 megapixels, above any camera's photo.
    public static let maximumPixels = Int(CVB_MAX_IMAGE_PIXELS)
    /// The largest image file read: 256 MB.
    public static let maximumFileBytes = Int(CVB_MAX_IMAGE_FILE_BYTES)

    /// The width and height an image's header declares (PNG, JPEG, BMP, WebP, PNM, Sun raster, TIFF, Radiance HDR), or nil.
    public static func declaredSize(of bytes: [UInt8]) -> (width: Int64, height: Int64)? {
        var width: Int64 = 0, height: Int64 = 0
        guard cvb_image_dimensions(bytes, bytes.count, &width, &height) == 1 else { return nil }
        return (width, height)
    }
}
