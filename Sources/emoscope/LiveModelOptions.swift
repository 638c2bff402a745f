import ArgumentParser
import NeuralNet

/// The model options the live-view commands share (`view`, `bench live`, `snapshot`).
struct LiveModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (.safetensors); default: the shipped model.") var model: String?
    // Both measured with `bench live` on 2 cores (3 faces): two threads halve the time to classify a frame
    // (28 -> 16 ms), which pays for mirror averaging (the accuracy `eval --tta flip` reports) with each face
    // still classified about 20 times a second.
    @Option(name: .long, help: "Test-time augmentation per face: flip (average with the mirror image) or none (half the work).")
    var tta: TestTimeAugmentation = .flip
    @Option(name: .long, help: "Threads for classifying faces (the network's loops and matrix products).")
    var threads = System.coreCount

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}
