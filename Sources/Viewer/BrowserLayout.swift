import Expression
import Imaging

/// Where the browser drew its parts last frame, for mouse hit-testing.
struct BrowserLayout {
    var chips: [(rect: PixelRect, emotion: Emotion?)] = []
    var grid = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var cell = 80
    var columns = 1
    var rows = 1
}
