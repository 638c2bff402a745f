import Foundation
import NeuralNet

/// Produces one epoch's shuffled, augmented training batches on a background thread, a few batches
/// ahead, so the BLAS threads never wait for data.
///
/// Everything random is derived from (seed, epoch, position), not from thread timing: the same seed gives
/// the same batches, and a run resumed at batch b of epoch e sees exactly what it would have seen.
public final class BatchStream: @unchecked Sendable {
    public struct Batch: @unchecked Sendable {
        public let index: Int
        public let inputs: Tensor
        public let labels: [Int]
        /// How the batch was mixed, when mixing is on.
        public let mix: BatchMixing.Mix?
    }

    public let batchCount: Int
    private let condition = NSCondition()
    private var ready: [Int: Batch] = [:]
    private var cancelled = false
    private let lookahead = 3
    private var consumed: Int

    public init(faces: LabeledFaces, epoch: Int, seed: UInt64, batchSize: Int, startBatch: Int = 0,
                augmentation: Augmentation, normalization: InputNormalization, mixing: BatchMixing = BatchMixing(),
                fading: ExpressionFading = ExpressionFading()) {
        let order = BatchStream.order(count: faces.count, epoch: epoch, seed: seed)
        let neutral = fading.isEnabled ? faces.labels.indices.filter { faces.labels[$0] == .neutral } : []
        batchCount = (faces.count + batchSize - 1) / batchSize
        consumed = startBatch
        let side = LabeledFaces.side, area = side * side
        let thread = Thread { [self] in
            faces.pixels.withUnsafeBufferPointer { pixels in
                for b in startBatch..<batchCount {
                    condition.lock()
                    while !cancelled && b - consumed >= lookahead { condition.wait() }
                    let stop = cancelled
                    condition.unlock()
                    if stop { return }
                    let members = order[(b * batchSize)..<min(faces.count, (b + 1) * batchSize)]
                    let inputs = Tensor(shape: [members.count, side, side, 1])
                    var labels: [Int] = []
                    labels.reserveCapacity(members.count)
                    var faded = [UInt8](repeating: 0, count: area)
                    for (slot, sample) in members.enumerated() {
                        let position = UInt64(b * batchSize + slot)
                        let face = pixels.baseAddress! + sample * area, into = inputs.data + slot * area
                        var generator = SeededGenerator(seed: BatchStream.mix(seed, UInt64(epoch), position))
                        var blend: ExpressionFading.Blend?
                        if fading.isEnabled {
                            // Its own generator, so that fading leaves every other draw as it was without it.
                            var fadingGenerator = SeededGenerator(seed: BatchStream.mix(seed, UInt64(epoch), position, 0xFADE))
                            blend = fading.draw(neutral: neutral, generator: &fadingGenerator)
                        }
                        if let blend {
                            faded.withUnsafeMutableBufferPointer { out in
                                ExpressionFading.blend(face, with: pixels.baseAddress! + blend.partner * area, share: blend.share,
                                                       count: area, into: out.baseAddress!)
                                augmentation.apply(out.baseAddress!, side: side, normalization: normalization,
                                                   generator: &generator, into: into)
                            }
                        } else {
                            augmentation.apply(face, side: side, normalization: normalization, generator: &generator, into: into)
                        }
                        labels.append(faces.labels[sample].rawValue)
                    }
                    var mix: BatchMixing.Mix?
                    if mixing.isEnabled {
                        var generator = SeededGenerator(seed: BatchStream.mix(seed, UInt64(epoch), UInt64(b), 0x313C))
                        mix = mixing.apply(to: inputs, count: members.count, side: side, generator: &generator)
                    }
                    condition.lock()
                    ready[b] = Batch(index: b, inputs: inputs, labels: labels, mix: mix)
                    condition.broadcast()
                    condition.unlock()
                }
            }
        }
        thread.name = "emoscope.batches"
        thread.start()
    }

    deinit { cancel() }

    /// The next batch in order, waiting for it if the producer is behind; nil after the last.
    public func next() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard consumed < batchCount else { return nil }
        while ready[consumed] == nil && !cancelled { condition.wait() }
        guard let batch = ready.removeValue(forKey: consumed) else { return nil }
        consumed += 1
        condition.broadcast()
        return batch
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The epoch's sample order: a seeded Fisher–Yates shuffle.
    public static func order(count: Int, epoch: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: mix(seed, UInt64(epoch), 0xB47C_4E55))
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return order
    }

    /// Combines numbers into one well-spread seed.
    public static func mix(_ values: UInt64...) -> UInt64 {
        var generator = SeededGenerator(seed: 0x5EED)
        var hash: UInt64 = 0
        for value in values {
            hash = (hash ^ value) &* 0x9E37_79B9_7F4A_7C15
            hash ^= generator.next() >> 7
        }
        return SeededGenerator(seed: hash).stateWords[0]
    }
}
