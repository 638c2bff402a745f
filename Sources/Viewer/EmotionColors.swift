import Expression
import Graphics
import Imaging
import Live

extension Theme {
    /// The colour of each emotion, chosen to be told apart on a dark background and by most colour-blind eyes
    /// (hue and lightness both differ between neighbours).
    public static func color(for emotion: Emotion) -> Color {
        switch emotion {
        case .angry: Color(hex: 0xF0524F)
        case .disgust: Color(hex: 0x8BC34A)
        case .fear: Color(hex: 0xB388FF)
        case .happy: Color(hex: 0xFFD54F)
        case .neutral: Color(hex: 0xB0BEC5)
        case .sad: Color(hex: 0x4FA3F7)
        case .surprise: Color(hex: 0xFF9E40)
        }
    }
}
