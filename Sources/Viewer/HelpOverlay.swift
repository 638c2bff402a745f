import Imaging
import Live
import Graphics

/// The key reference shown over everything with `h` or `?`.
struct HelpOverlay {
    let fonts: Fonts

    static let keys: [(String, String)] = [
        ("Space", "Pause / resume"),
        ("s", "Save a snapshot (PNG + JSON)"),
        ("f, F11", "Fullscreen"),
        ("Esc", "Close help, large face, matrix / leave fullscreen"),
        ("Tab", "Live view / dataset browser"),
        ("c", "Next camera"),
        ("m", "Mirror the picture"),
        ("p", "Show / hide the side panel"),
        ("t", "Smoothing of probabilities on / off"),
        ("a", "Read each face against its own usual face on / off"),
        ("r", "Record emotions over time (CSV, summary, plot)"),
        ("v", "Recordings also write the annotated video (on/off)"),
        ("g", "Timeline of the face under the bars on / off"),
        ("d", "Debug overlay"),
        ("y", "Why: heat map of the evidence on the selected face"),
        ("0–7, e, o", "Browser: class, all/wrong/right, order (file, confidence, loss)"),
        ("Shift+0–7", "Browser: predicted class"),
        ("n, x", "Browser: next split, confusion matrix (click a cell: its faces)"),
        ("Click", "Select a face (double-click: large in the browser)"),
        ("h, ?", "This help"),
        ("q, Ctrl+Q", "Quit"),
    ]

    func draw(in bounds: PixelRect, on canvas: Canvas) {
        canvas.fill(bounds, Theme.overlayScrim)
        let rowHeight = fonts.body.lineHeight + Theme.spacingS
        let keyColumn = 120
        let width = min(bounds.width - 2 * Theme.spacingL, 600)
        let height = fonts.title.lineHeight + Theme.spacingL + HelpOverlay.keys.count * rowHeight + Theme.spacingXL * 2
            + fonts.small.lineHeight
        let card = PixelRect(x: bounds.midX - width / 2, y: max(bounds.y + Theme.spacingL, bounds.midY - height / 2),
                        width: width, height: height)
        canvas.fill(card, Theme.panel)
        canvas.stroke(card, Theme.divider)
        let inner = card.insetBy(dx: Theme.spacingXL, dy: Theme.spacingXL)
        canvas.text("Keyboard", font: fonts.title, color: Theme.text, x: inner.x, y: inner.y)
        var y = inner.y + fonts.title.lineHeight + Theme.spacingL
        for (key, action) in HelpOverlay.keys {
            canvas.text(key, font: fonts.bodyBold, color: Theme.accent, x: inner.x, y: y)
            canvas.text(action, font: fonts.body, color: Theme.text, x: inner.x + keyColumn, y: y)
            y += rowHeight
        }
        canvas.text("Press h or Esc to close", font: fonts.small, color: Theme.textDim, x: inner.x, y: y + Theme.spacingXS)
    }
}
