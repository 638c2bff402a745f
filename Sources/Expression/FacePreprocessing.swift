import Foundation
import Imaging
import NeuralNet

/// What is done to a face's gray pixels before the network's normalisation, the same in training and at
/// run time. Recorded in the model file (`preprocessing` in its notes), so a model is always fed the way
/// it was trained.
public enum FacePreprocessing: String, Sendable, Codable, CaseIterable {
    /// The pixels as they are.
    case none
    /// Histogram equalisation of each face: FER2013's crops and a webcam's or a studio's photos differ
    /// most in exposure and contrast, and equalising takes that difference away before the network looks.
    case equalize

    /// The key in a model file's notes.
    public static let noteKey = "preprocessing"

    /// What a model file's notes ask for; `nil` when they name a preprocessing this version does not know
    /// (a newer model: feeding it unprocessed faces would give wrong answers silently).
    public init?(notes: [String: String]) {
        self.init(recorded: notes[Self.noteKey])
    }

    /// From the recorded name: none recorded means `.none`.
    public init?(recorded name: String?) {
        guard let name else {
            self = .none
            return
        }
        self.init(rawValue: name)
    }

    /// The notes entry that records it (none for `.none`, so older files stay byte-identical).
    public var note: [String: String] { self == .none ? [:] : [Self.noteKey: rawValue] }

    public func apply(_ face: GrayImage) -> GrayImage {
        switch self {
        case .none: face
        case .equalize: face.equalized()
        }
    }

    /// Every face of a split, processed (labels and paths unchanged).
    public func apply(_ faces: LabeledFaces) -> LabeledFaces {
        guard self != .none else { return faces }
        var pixels = [UInt8]()
        pixels.reserveCapacity(faces.pixels.count)
        for i in 0..<faces.count { pixels += apply(faces.face(i)).pixels }
        return LabeledFaces(pixels: pixels, labels: faces.labels, paths: faces.paths)
    }
}

extension ModelFile {
    /// The preprocessing this model's faces need; a model naming an unknown one is refused with its file.
    public func facePreprocessing(file url: URL?) throws -> FacePreprocessing {
        guard let known = FacePreprocessing(notes: notes) else {
            throw ModelFileError(url ?? URL(fileURLWithPath: "model"),
                                 "its faces need preprocessing \"\(notes[FacePreprocessing.noteKey] ?? "")\", which this version of Emoscope does not know (known: \(FacePreprocessing.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return known
    }
}
