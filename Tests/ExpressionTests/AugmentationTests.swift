import Imaging
import Expression
import NeuralNet
import Testing

@Suite("Augmentation")
struct AugmentationTests {
    static let side = 48

    static func face(seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(side * side)).map { _ in UInt8(generator.next() & 0xFF) }
    }

    func augmented(_ face: [UInt8], _ augmentation: Augmentation, seed: UInt64) -> [Float] {
        var output = [Float](repeating: .nan, count: Self.side * Self.side)
        var generator = SeededGenerator(seed: seed)
        face.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { out in
                augmentation.apply(pixels.baseAddress!, side: Self.side, normalization: .unitRange, generator: &generator,
                                   into: out.baseAddress!)
            }
        }
        return output
    }

    @Test func flippingTwiceIsTheIdentity() {
        let face = Self.face(seed: 1)
        #expect(Augmentation.mirror(Augmentation.mirror(face, side: Self.side), side: Self.side) == face)
        #expect(Augmentation.mirror(face, side: Self.side) != face)
    }

    @Test func noAugmentationIsTheIdentityAndFlipOnlyGivesTheFaceOrItsMirror() {
        let face = Self.face(seed: 2)
        // The same arithmetic as the normalisation: pixel · scale + offset.
        let n = InputNormalization.unitRange
        let plain = face.map { Float($0) * n.scale + n.offset }
        let mirrored = Augmentation.mirror(face, side: Self.side).map { Float($0) * n.scale + n.offset }
        #expect(augmented(face, .none, seed: 5) == plain, "no augmentation changed the face")
        var flipOnly = Augmentation.none
        flipOnly.flip = true
        var seen: Set<Bool> = []
        for seed in 0..<40 as Range<UInt64> {
            let out = augmented(face, flipOnly, seed: seed)
            #expect(out == plain || out == mirrored, "seed \(seed) gave neither the face nor its mirror")
            seen.insert(out == mirrored)
        }
        #expect(seen == [true, false], "both orientations should occur")
    }

    @Test func everyPartKeepsTheShapeAndTheValueRange() {
        let face = Self.face(seed: 3)
        var parts: [Augmentation] = []
        var shift = Augmentation.none; shift.maxShift = 0.1; parts.append(shift)
        var rotation = Augmentation.none; rotation.maxRotationDegrees = 10; parts.append(rotation)
        var zoom = Augmentation.none; zoom.maxZoom = 0.1; parts.append(zoom)
        var erasing = Augmentation.none; erasing.erasingProbability = 1; parts.append(erasing)
        parts.append(Augmentation())
        for part in parts {
            let out = augmented(face, part, seed: 11)
            #expect(out.count == Self.side * Self.side)
            #expect(out.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(out != face.map { Float($0) / 255 }, "\(part) changed nothing")
        }
    }

    @Test func aFixedSeedGivesTheSameBatchEveryTime() {
        var faces = LabeledFaces()
        for i in 0..<20 { faces.append(Self.face(seed: UInt64(i)), label: Emotion.allCases[i % 7], path: "face\(i)") }
        func batches(seed: UInt64) -> [[Float]] {
            let stream = BatchStream(faces: faces, epoch: 3, seed: seed, batchSize: 8, augmentation: Augmentation(),
                                     normalization: .unitRange)
            var result: [[Float]] = []
            while let batch = stream.next() {
                #expect(batch.inputs.shape == [batch.labels.count, 48, 48, 1])
                result.append(batch.inputs.array + batch.labels.map(Float.init))
            }
            return result
        }
        let first = batches(seed: 9)
        #expect(first.count == 3)
        #expect(batches(seed: 9) == first)
        #expect(batches(seed: 10) != first)
    }
}
