import Expression
import Live

/// The detector and classifier the viewer, the snapshot command and the live benchmark share, and what went
/// wrong finding them. Neither is required: without a model, faces are shown without emotions.
struct ViewerSetup {
    var detector: FaceDetecting?
    var classifier: EmotionClassifying?
    /// The "why" view's heat maps, from a copy of the classifier's network; nil with the reason when the model
    /// cannot be explained.
    var explainer: FaceExplainer?
    /// The dataset browser's: each face once, as `eval` scores a split, or with the views `--tta` names, as
    /// `eval --tta` does (its confusion matrix is eval's), on a network of its own so the live view's never
    /// waits for it.
    var datasetClassifier: EmotionClassifying?
    var explainerProblem: String?
    var warnings: [String] = []
    /// The views each face is classified with: --tta, else what the model file names, else flip.
    var testTimeAugmentation: TestTimeAugmentation
    /// Whether the live view uses fewer views than those when the machine cannot keep up (`AdaptiveViews`).
    var adaptsViews = false

    /// `live`: a window that must keep up with a camera or a playing video (`view`, `bench live`), whose
    /// faces get fewer views when the machine cannot; files analysed offline always get all of them.
    static func make(_ options: ClassificationOptions, live: Bool = false) -> ViewerSetup {
        options.compute.apply()
        var setup = ViewerSetup(testTimeAugmentation: options.tta ?? .flip)
        do {
            setup.detector = try HaarFaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        } catch {
            setup.warnings.append("No face detector: \(error)")
        }
        do {
            let (classifier, missing) = try ModelLocator.liveClassifier(options)
            // A window classifies its faces in turns of three faces' four views, so that a crowd does not grow
            // the network's buffers (and the memory they hold for the rest of the session).
            if live { (classifier as? Classifier)?.largestBatch = 12 }
            // The model's own views adapt to what the machine keeps up with; views the user chose do not.
            let served = (classifier as? Classifier).flatMap { live && options.tta == nil ? AdaptiveViews($0) : nil } ?? classifier
            setup.classifier = served.map { LockedClassifier($0) }
            setup.adaptsViews = served is AdaptiveViews
            if let native = classifier as? Classifier {
                setup.testTimeAugmentation = native.tta
                // Locked: the browser's background thread and its main thread (a face not predicted yet) share it.
                // One view a face keeps a whole split quick to predict; views the user names are honoured.
                setup.datasetClassifier = (try? native.independentCopy(tta: options.tta ?? .none)).map { LockedClassifier($0) }
                do { setup.explainer = try FaceExplainer(classifier: native) } catch {
                    setup.explainerProblem = "No why view: \(error)"
                }
            } else if classifier != nil {
                // An .onnx model runs inside OpenCV: the browser shares the live view's (locked) one, and there
                // is no network to explain.
                setup.datasetClassifier = setup.classifier
                setup.explainerProblem = "No why view: an .onnx model runs inside OpenCV and cannot be explained"
            }
            if let missing { setup.warnings.append(missing) }
        } catch {
            setup.warnings.append("Model not loaded: \(error)")
        }
        return setup
    }
}
