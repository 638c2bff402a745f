import NeuralNet

/// Fades some training faces toward a neutral face of someone else, keeping their own label: an angry face
/// blended a third of the way to a resting one is still to be read as angry. Real faces show expressions more
/// faintly than FER2013's, and a network that has only seen full expressions calls the faint ones neutral.
/// Neutral faces fade toward other neutral faces too, so a blend's ghosting says nothing about its class.
/// The faces are blended before augmentation, so both stay aligned as FER2013 aligns them.
public struct ExpressionFading: Codable, Sendable, Equatable {
    /// Share of training faces that are faded (0 switches fading off).
    public var probability: Float = 0
    /// The largest share of the neutral face in a blend; each blend draws its share from 0…strongest.
    public var strongest: Float = 0.5

    public init(probability: Float = 0, strongest: Float = 0.5) {
        self.probability = probability
        self.strongest = strongest
    }

    public var isEnabled: Bool { probability > 0 && strongest > 0 }

    /// Which neutral face, and how much of it, a face was blended with.
    public struct Blend: Sendable, Equatable {
        /// Index of the neutral face among all faces.
        public var partner: Int
        /// The neutral face's share of the blend.
        public var share: Float
    }

    /// Whether (and with what) to fade one face: one draw for whether, then the partner among `neutral`
    /// (indices of the neutral faces) and the share. Nil when the face stays as it is.
    public func draw(neutral: [Int], generator: inout SeededGenerator) -> Blend? {
        guard isEnabled, !neutral.isEmpty, generator.nextUnit() < probability else { return nil }
        let partner = neutral[Int(generator.next() % UInt64(neutral.count))]
        return Blend(partner: partner, share: generator.nextUnit() * strongest)
    }

    /// `(1 − share) · face + share · partner`, rounded, into `output` (`count` bytes each).
    public static func blend(_ face: UnsafePointer<UInt8>, with partner: UnsafePointer<UInt8>, share: Float, count: Int,
                             into output: UnsafeMutablePointer<UInt8>) {
        let own = 1 - share
        for i in 0..<count {
            let value = own * Float(face[i]) + share * Float(partner[i])
            output[i] = UInt8(min(255, max(0, value.rounded())))
        }
    }
}
