import Foundation
import Viewer

/// Which dataset folder a command uses: `--data`, then the folder the user opened last (settings), then
/// `$EMOSCOPE_FER2013`. The product names no folder of its own.
enum DatasetLocator {
    static func root(_ data: String?, settings: Settings? = nil) -> String? {
        data ?? (settings ?? Settings.load().0).lastDataRoot ?? EmoscopeEnvironment.current.fer2013
    }

    /// As `root`, or an error saying how to name one.
    static func requireRoot(_ data: String?, for purpose: String) throws -> URL {
        guard let root = root(data) else {
            throw ValidationErrorText("\(purpose) needs a FER2013-style folder: give --data ROOT "
                                      + "(or set EMOSCOPE_FER2013, or open one in the viewer first)")
        }
        return URL(fileURLWithPath: root)
    }
}
