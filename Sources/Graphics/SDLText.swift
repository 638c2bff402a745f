import Imaging
import CSDL2
import CSDL2TTF
import Synchronization

/// Starts SDL's video subsystem and SDL_ttf once per process; every window and canvas goes through here.
public enum SDLText {
    private static let ttfStarted = Mutex(false)
    private static let videoStarted = Mutex(false)

    /// Starts SDL_ttf (needed for any text, also on offscreen canvases).
    public static func start() throws {
        try ttfStarted.withLock { started in
            guard !started else { return }
            guard TTF_Init() == 0 else { throw GraphicsError.sdl("TTF_Init") }
            started = true
        }
    }

    /// Starts SDL's video subsystem. `appName` becomes the X11 WM_CLASS, which desktop files match
    /// through StartupWMClass; it must be set before SDL creates its first window.
    public static func startVideo(appName: String? = nil) throws {
        try videoStarted.withLock { started in
            guard !started else { return }
            if let appName {
                setenv("SDL_VIDEO_X11_WMCLASS", appName, 1)
                SDL_SetHint(SDL_HINT_APP_NAME, appName)
            }
            // Let the compositor keep running effects; a viewer should not turn off a desktop's compositing.
            SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0")
            guard SDL_InitSubSystem(SDL_INIT_VIDEO) == 0 else { throw GraphicsError.sdl("SDL_Init(VIDEO)") }
            started = true
        }
        try start()
    }
}
