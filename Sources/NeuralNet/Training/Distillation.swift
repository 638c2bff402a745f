#if canImport(Glibc)
import Glibc
#endif

/// Knowledge distillation (Hinton et al.): the student also learns the teacher's soft probabilities,
/// softmax(teacher logits / T), which say which wrong classes are nearly right. Added to a hard-label loss:
///   total = (1 − α) · hard + α · T² · CE(softmax(t / T), softmax(z / T))
/// (the cross-entropy differs from the KL divergence only by the teacher's entropy, a constant, so the
/// gradients are the same; T² keeps the soft gradients' scale independent of T).
public struct Distillation: Sendable {
    /// α: the share of the soft targets.
    public var weight: Float
    /// T: above 1 softens both distributions.
    public var temperature: Float

    public init(weight: Float, temperature: Float) {
        precondition(weight >= 0 && weight <= 1 && temperature > 0, "Distillation: weight in 0...1, temperature > 0")
        self.weight = weight
        self.temperature = temperature
    }

    /// Combines `hardLoss` and its gradient (already in `gradient`, mean over rows) with the soft term.
    public func combine(studentLogits z: Tensor, teacherLogits t: Tensor, hardLoss: Float, gradient: Tensor) -> Float {
        let rows = z.batchSize, k = z.sampleCount
        precondition(t.shape == z.shape && gradient.shape == z.shape, "Distillation: shapes differ")
        let temperature = self.temperature, alpha = weight
        var soft: Double = 0
        var student = [Float](repeating: 0, count: k), teacher = [Float](repeating: 0, count: k)
        for r in 0..<rows {
            Self.softmax(z.data + r * k, k, temperature, into: &student)
            Self.softmax(t.data + r * k, k, temperature, into: &teacher)
            for j in 0..<k {
                if teacher[j] > 0 { soft -= Double(teacher[j] * logf(max(student[j], 1e-30))) }
                let g = gradient.data + r * k + j
                g.pointee = (1 - alpha) * g.pointee + alpha * temperature * (student[j] - teacher[j]) / Float(rows)
            }
        }
        return (1 - alpha) * hardLoss + alpha * temperature * temperature * Float(soft / Double(rows))
    }

    /// The logits of an ensemble's soft targets: T · log of the mean of its members' softmax(t / T), so that
    /// softmax(result / T) is exactly the members' averaged soft probabilities (Hinton et al.'s ensemble
    /// teacher). One member gives its own logits back, shifted by a constant per row.
    public func ensembleLogits(_ members: [Tensor]) -> Tensor {
        precondition(!members.isEmpty && members.allSatisfy { $0.shape == members[0].shape },
                     "Distillation: an ensemble needs members of one shape")
        let (rows, k, temperature) = (members[0].batchSize, members[0].sampleCount, self.temperature)
        let result = Tensor(shape: members[0].shape)
        var probabilities = [Float](repeating: 0, count: k), mean = [Double](repeating: 0, count: k)
        for r in 0..<rows {
            for j in 0..<k { mean[j] = 0 }
            for member in members {
                Self.softmax(member.data + r * k, k, temperature, into: &probabilities)
                for j in 0..<k { mean[j] += Double(probabilities[j]) }
            }
            for j in 0..<k {
                result.data[r * k + j] = temperature * Float(log(max(mean[j] / Double(members.count), 1e-30)))
            }
        }
        return result
    }

    static func softmax(_ row: UnsafePointer<Float>, _ k: Int, _ temperature: Float, into out: inout [Float]) {
        var largest = -Float.infinity
        for j in 0..<k { largest = max(largest, row[j] / temperature) }
        var sum: Float = 0
        for j in 0..<k { out[j] = expf(row[j] / temperature - largest); sum += out[j] }
        for j in 0..<k { out[j] /= sum }
    }
}
