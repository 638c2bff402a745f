import Imaging
import CSDL2
import CSDL2TTF

/// Rendered text textures, kept per canvas: SDL_ttf rasterising is slow enough (tens of microseconds per
/// label) that redrawing every label every frame would cost a visible share of the frame budget.
final class TextCache {
    struct Key: Hashable {
        let text: String
        let font: String
        let color: Color
    }

    struct Entry {
        let texture: OpaquePointer
        let size: Size
        var lastUse: UInt64
    }

    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    /// Enough for every label, bar caption and help line on screen at once, with room for changing numbers.
    let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    deinit { clear() }

    var count: Int { entries.count }

    func texture(for text: String, font: Font, color: Color, renderer: OpaquePointer) -> Entry? {
        clock &+= 1
        let key = Key(text: text, font: font.cacheKey, color: color)
        if var entry = entries[key] {
            entry.lastUse = clock
            entries[key] = entry
            return entry
        }
        guard let surface = TTF_RenderUTF8_Blended(font.handle, text, color.sdl) else { return nil }
        defer { SDL_FreeSurface(surface) }
        guard let texture = SDL_CreateTextureFromSurface(renderer, surface) else { return nil }
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND)
        if entries.count >= capacity { evictOldest() }
        let entry = Entry(texture: texture, size: Size(width: Int(surface.pointee.w), height: Int(surface.pointee.h)),
                          lastUse: clock)
        entries[key] = entry
        return entry
    }

    /// Drops the least recently used half, so eviction is rare and cheap on average.
    private func evictOldest() {
        let sorted = entries.sorted { $0.value.lastUse < $1.value.lastUse }
        for (key, entry) in sorted.prefix(max(1, entries.count / 2)) {
            SDL_DestroyTexture(entry.texture)
            entries[key] = nil
        }
    }

    func clear() {
        for entry in entries.values { SDL_DestroyTexture(entry.texture) }
        entries.removeAll()
    }
}
