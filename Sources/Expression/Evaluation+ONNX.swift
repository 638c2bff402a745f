extension Evaluation {
    /// Accuracy, confusion matrix and loss of an ONNX classifier (its own flip setting), batch by batch.
    public static func run(_ classifier: ONNXClassifier, on faces: LabeledFaces, batchSize: Int = 256) throws -> Result {
        var all: [[Float]] = []
        all.reserveCapacity(faces.count)
        var start = 0
        while start < faces.count {
            let end = min(start + batchSize, faces.count)
            all += try classifier.classify((start..<end).map(faces.face))
            start = end
        }
        return score(all, on: faces)
    }
}
