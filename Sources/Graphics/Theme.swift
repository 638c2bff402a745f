import Imaging

/// The one look of Emoscope: a dark theme, a spacing scale, text sizes and one colour per emotion.
/// Every screen, chart and snapshot takes its colours from here so an emotion looks the same everywhere.
public enum Theme {
    // Surfaces, darkest first.
    public static let background = Color(hex: 0x121418)
    public static let videoBackground = Color(hex: 0x0B0C0E)
    public static let panel = Color(hex: 0x1B1E24)
    public static let panelRaised = Color(hex: 0x252932)
    public static let divider = Color(hex: 0x30353F)
    public static let overlayScrim = Color(hex: 0x000000, alpha: 190)

    // Text.
    public static let text = Color(hex: 0xE8EAED)
    public static let textDim = Color(hex: 0x9AA0A8)
    public static let textFaint = Color(hex: 0x666C75)
    public static let accent = Color(hex: 0x5AA9FF)
    public static let warning = Color(hex: 0xFFB74D)
    public static let error = Color(hex: 0xFF6B6B)
    public static let success = Color(hex: 0x66D19E)

    // Spacing scale (pixels): use these, not ad-hoc numbers, so the layout stays even.
    public static let spacingXS = 4
    public static let spacingS = 8
    public static let spacingM = 12
    public static let spacingL = 16
    public static let spacingXL = 24

    // Text sizes (points at 96 dpi, which SDL_ttf treats as pixels).
    public static let fontSmall = 13
    public static let fontBody = 15
    public static let fontLabel = 16
    public static let fontTitle = 20
    public static let fontHeadline = 28

    public static let sidePanelWidth = 300
    public static let boxThickness = 3

    /// Text colour readable on top of `background` (dark on light colours, light on dark ones).
    public static func textColor(on background: Color) -> Color {
        background.luminance > 0.55 ? Color(hex: 0x111111) : text
    }
}
