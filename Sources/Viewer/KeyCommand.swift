import Imaging
import Live
import CSDL2

/// What a key press asks the viewer to do (mpv and GNOME habits).
public enum KeyCommand: Equatable, Sendable {
    case pause, snapshot, toggleFullscreen, escape, quit, toggleBrowser, nextCamera, mirror, togglePanel
    case toggleDebug, toggleHelp, toggleSmoothing, toggleAdaptation, toggleRecording, toggleRecordingVideo, toggleTimeline
    case cycleOutcome, cycleOrder
    case left, right, up, down, pageUp, pageDown, home, end, filter(Int), predictedFilter(Int)
    case nextSplit, toggleConfusion, toggleWhy

    public static func from(keycode: Int32, modifiers: UInt16) -> KeyCommand? {
        let ctrl = modifiers & UInt16(KMOD_CTRL.rawValue) != 0
        let shift = modifiers & UInt16(KMOD_SHIFT.rawValue) != 0
        func key(_ k: SDL_KeyCode) -> Int32 { Int32(bitPattern: k.rawValue) }
        switch keycode {
        case key(SDLK_q): return .quit // q and Ctrl+Q
        case key(SDLK_w) where ctrl: return .quit
        case key(SDLK_SPACE): return .pause
        case key(SDLK_s): return .snapshot
        case key(SDLK_f), key(SDLK_F11): return .toggleFullscreen
        case key(SDLK_ESCAPE): return .escape
        case key(SDLK_TAB): return .toggleBrowser
        case key(SDLK_c): return .nextCamera
        case key(SDLK_m): return .mirror
        case key(SDLK_p): return .togglePanel
        case key(SDLK_d): return .toggleDebug
        case key(SDLK_t): return .toggleSmoothing
        case key(SDLK_a): return .toggleAdaptation
        case key(SDLK_r): return .toggleRecording
        case key(SDLK_v): return .toggleRecordingVideo
        case key(SDLK_g): return .toggleTimeline
        case key(SDLK_e): return .cycleOutcome
        case key(SDLK_o): return .cycleOrder
        case key(SDLK_n): return .nextSplit
        case key(SDLK_x): return .toggleConfusion
        case key(SDLK_y): return .toggleWhy
        case key(SDLK_h), key(SDLK_F1), key(SDLK_QUESTION): return .toggleHelp
        case key(SDLK_SLASH) where shift: return .toggleHelp // '?' on US layouts
        case key(SDLK_LEFT): return .left
        case key(SDLK_RIGHT): return .right
        case key(SDLK_UP): return .up
        case key(SDLK_DOWN): return .down
        case key(SDLK_PAGEUP): return .pageUp
        case key(SDLK_PAGEDOWN): return .pageDown
        case key(SDLK_HOME): return .home
        case key(SDLK_END): return .end
        case key(SDLK_0)...key(SDLK_7):
            let n = Int(keycode - key(SDLK_0))
            return shift ? .predictedFilter(n) : .filter(n)
        default: return nil
        }
    }
}
