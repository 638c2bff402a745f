import Expression
import NeuralNet
import Testing

struct ExpressionFadingTests {
    static let area = LabeledFaces.faceSize

    /// Expressive faces are flat 200; neutral face n is flat 10 · (n + 1), so a blend says what it was made of.
    static func faces(expressive: Int, neutral: Int) -> LabeledFaces {
        var pixels: [UInt8] = [], labels: [Emotion] = []
        for n in 0..<neutral {
            pixels += [UInt8](repeating: UInt8(10 * (n + 1)), count: area)
            labels.append(.neutral)
        }
        let classes: [Emotion] = [.angry, .sad, .fear, .surprise, .happy, .disgust]
        for n in 0..<expressive {
            pixels += [UInt8](repeating: 200, count: area)
            labels.append(classes[n % classes.count])
        }
        return LabeledFaces(pixels: pixels, labels: labels, paths: labels.indices.map { "face\($0).png" })
    }

    /// Every batch of one epoch, in order: inputs as pixel values (0–255) and labels.
    static func epoch(_ faces: LabeledFaces, seed: UInt64, augmentation: Augmentation = .none,
                      fading: ExpressionFading) -> (pixels: [[Float]], labels: [Int]) {
        let stream = BatchStream(faces: faces, epoch: 2, seed: seed, batchSize: 16, augmentation: augmentation,
                                 normalization: .unitRange, fading: fading)
        var pixels: [[Float]] = [], labels: [Int] = []
        while let batch = stream.next() {
            let values = batch.inputs.array.map { $0 * 255 }
            for slot in batch.labels.indices { pixels.append(Array(values[(slot * area)..<((slot + 1) * area)])) }
            labels += batch.labels
        }
        return (pixels, labels)
    }

    @Test func fadedFacesKeepTheirLabelAndBlendOnlyWithANeutralFaceUpToTheShare() {
        let faces = Self.faces(expressive: 40, neutral: 8)
        let (pixels, labels) = Self.epoch(faces, seed: 4, fading: ExpressionFading(probability: 1, strongest: 0.4))
        let (_, plainLabels) = Self.epoch(faces, seed: 4, fading: ExpressionFading())
        #expect(labels == plainLabels, "fading changed the labels or the order")
        var shares: [Float] = []
        for (face, label) in zip(pixels, labels) {
            let value = face[0]
            #expect(face.allSatisfy { $0 == value }, "a flat blend of two flat faces is flat")
            if label == Emotion.neutral.rawValue {
                // Neutral with neutral: stays between the darkest and the brightest neutral face.
                #expect(value >= 9.5 && value <= 80.5, "a neutral face blended with something else: \(value)")
            } else {
                // 200 · (1 − s) + partner · s with a partner of 10…80 and s ≤ 0.4.
                #expect(value >= 200 * 0.6 + 10 * 0.4 - 0.5 && value <= 200.5, "share out of range: \(value)")
                shares.append((200 - value) / 200)
            }
        }
        #expect(shares.contains { $0 > 0.2 } && shares.contains { $0 < 0.1 }, "shares should spread over 0…0.4")
    }

    @Test func theProbabilityIsTheShareOfFadedFacesAndOffChangesNothing() {
        let faces = Self.faces(expressive: 1500, neutral: 10)
        let plain = Self.epoch(faces, seed: 8, fading: ExpressionFading())
        #expect(plain.pixels.allSatisfy { abs($0[0] - 200) < 0.01 || $0[0] <= 100.01 }, "off: every face as it was")
        let faded = Self.epoch(faces, seed: 8, fading: ExpressionFading(probability: 0.3, strongest: 0.5))
        let expressive = zip(faded.pixels, faded.labels).filter { $0.1 != Emotion.neutral.rawValue }
        let share = Float(expressive.filter { abs($0.0[0] - 200) > 0.5 }.count) / Float(expressive.count)
        #expect(abs(share - 0.3) < 0.04, "faded share \(share)")
    }

    /// A run with fading sees the same augmentation draws as one without: only the faded faces differ.
    @Test func fadingLeavesEveryOtherDrawAsItWas() {
        var pixels: [UInt8] = [], labels: [Emotion] = []
        var generator = SeededGenerator(seed: 12)
        for n in 0..<64 {
            pixels += (0..<Self.area).map { _ in UInt8(generator.next() & 0xFF) }
            labels.append(n % 3 == 0 ? .neutral : .happy)
        }
        let faces = LabeledFaces(pixels: pixels, labels: labels, paths: labels.indices.map { "f\($0).png" })
        let fading = ExpressionFading(probability: 0.5, strongest: 0.5)
        let without = Self.epoch(faces, seed: 3, augmentation: Augmentation(), fading: ExpressionFading())
        let with = Self.epoch(faces, seed: 3, augmentation: Augmentation(), fading: fading)
        let again = Self.epoch(faces, seed: 3, augmentation: Augmentation(), fading: fading)
        #expect(with.pixels == again.pixels, "a seed reproduces the faded batches")
        let same = zip(without.pixels, with.pixels).filter { $0.0 == $0.1 }.count
        #expect(same > 16 && same < 48, "about half the faces should be untouched, the rest faded: \(same) of 64 equal")
    }

    @Test func aBlendIsTheWeightedMeanRounded() {
        let face: [UInt8] = [0, 100, 255, 51], partner: [UInt8] = [255, 100, 0, 52]
        var out = [UInt8](repeating: 0, count: 4)
        ExpressionFading.blend(face, with: partner, share: 0.25, count: 4, into: &out)
        #expect(out == [64, 100, 191, 51])
    }
}
