import CSDL2
import Imaging

extension Color {
    var sdl: SDL_Color { SDL_Color(r: r, g: g, b: b, a: a) }
}
