import ArgumentParser
import Expression
import Foundation
import Live
import NeuralNet

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an emotion classifier on a FER2013-style folder (or fer2013.csv).",
        discussion: """
            Validates on the `val` (or `test`) split after every epoch and keeps the most accurate model in --out.
            A checkpoint is written after every epoch and on Ctrl-C / SIGTERM; --resume continues exactly.
            An interrupted run exits with status 130. An existing model, checkpoint or log is not replaced
            unless --resume names that run's checkpoint, or with --force.
            """)

    @Option(help: "Dataset folder (ROOT/train/CLASS/*, ROOT/val/CLASS/*) or a fer2013.csv file.")
    var data: String
    @Option(help: "Architecture: \(EmotionArchitecture.allValueStrings.joined(separator: ", ")).")
    var arch = EmotionArchitecture.compact
    @Option(help: "Epochs to train (with --resume: the new total).") var epochs = 30
    @Option(help: "Batch size.") var batch = 64
    @Option(help: "Seed for every random choice.") var seed: UInt64 = 1
    @Option(help: "Optimiser: adam, or sgd (Nesterov momentum).") var optimizer = TrainingConfiguration.OptimizerKind.adam
    @Option(name: .customLong("lr"), help: "Peak learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Learning-rate schedule: cosine, plateau or constant.") var schedule = TrainingConfiguration.ScheduleKind.cosine
    @Option(help: "Warm-up epochs.") var warmup: Float = 1
    @Option(help: "Label smoothing.") var labelSmoothing: Float = 0.1
    @Option(help: "Stop after this many epochs without a better validation accuracy (0: never).") var patience = 0
    @Flag(help: "Weight the loss by inverse class frequency.") var classWeights = false
    @Flag(help: "Switch off horizontal flips.") var noFlip = false
    @Option(help: "Largest random shift as a fraction of the side (0 switches it off).") var shift: Float = 0.1
    @Option(help: "Largest random rotation in degrees (0 switches it off).") var rotation: Float = 10
    @Option(help: "Largest random zoom (0 switches it off).") var zoom: Float = 0.1
    @Option(help: "Probability of random erasing (0 switches it off).") var erasing: Float = 0.5
    @Flag(help: "Jitter exposure (gamma 0.74-1.35), contrast (±30 %), brightness (±15 %) and blur (p 0.25), as real photos differ from FER2013's crops.")
    var photometric = false
    @Option(help: "Mixup: alpha of the Beta distribution of mixing weights (0 switches it off; 0.2-0.4 is usual).")
    var mixup: Float = 0
    @Option(help: "CutMix: alpha of the Beta distribution of kept areas (0 switches it off; 1 is usual).")
    var cutmix: Float = 0
    @Option(help: "Share of faces faded toward a neutral face of someone else, keeping their label, to teach faint expressions (0 switches it off).")
    var fade: Float = 0
    @Option(help: "With --fade: the largest share of the neutral face in a blend (each draws 0 to this).")
    var fadeShare: Float = 0.5
    @Option(help: "Distil from this model: the network also learns its soft probabilities. Repeat it to distil from an ensemble (their soft probabilities averaged).")
    var teacher: [String] = []
    @Option(help: "With --teacher: the share of the teacher's soft targets in the loss.") var distillWeight: Float = 0.5
    @Option(help: "With --teacher: the temperature that softens both models' probabilities.") var temperature: Float = 2
    @Option(help: "Validate and save a moving average of the weights with this decay (0: the weights as trained; 0.999 is usual).")
    var averageDecay: Float = 0
    @Option(help: "What every face goes through first, in training and (recorded in the model) at run time: none, or equalize (histogram equalisation, which takes away differences of exposure and contrast).")
    var preprocessing = FacePreprocessing.none
    @Option(name: .customLong("init"), help: "Start from this model's weights (same architecture) instead of random ones: fine-tuning.")
    var initialModel: String?
    @Option(help: "Also measure every epoch on the whole photos of this folder's val (or test) split: faces found as the app finds them, the largest classified, a photo without one counted wrong. Logged and plotted; the epoch best on validation and photos together (the mean of the two accuracies) is also kept beside OUT (model.val-photos.safetensors beside model.safetensors).")
    var photos: String?
    @Option(help: "Where the best model is written.") var out = "model.safetensors"
    @Option(help: "Checkpoint file (default: OUT with .ckpt).") var checkpoint: String?
    @Option(help: "Resume from this checkpoint.") var resume: String?
    @Option(help: "Per-epoch log, JSON lines (default: OUT with .log.jsonl).") var log: String?
    @Flag(help: "Replace the model, checkpoint and log of an earlier run.") var force = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if !(0..<1).contains(averageDecay) { throw ValidationError("--average-decay must be at least 0 and below 1") }
        if mixup < 0 || cutmix < 0 { throw ValidationError("--mixup and --cutmix take an alpha of 0 or more") }
        if !(0...1).contains(fade) || !(0..<1).contains(fadeShare) {
            throw ValidationError("--fade takes 0 to 1 and --fade-share at least 0 and below 1")
        }
        if !(0...1).contains(distillWeight) || temperature <= 0 {
            throw ValidationError("--distill-weight takes 0 to 1 and --temperature a positive value")
        }
    }

    func run() throws {
        compute.apply()
        var config = TrainingConfiguration()
        config.architecture = arch.rawValue
        config.epochs = epochs
        config.batchSize = batch
        config.seed = seed
        config.optimizer = optimizer
        config.learningRate = learningRate
        config.schedule = schedule
        config.warmupEpochs = warmup
        config.labelSmoothing = labelSmoothing
        config.earlyStoppingPatience = patience
        config.balancedClassWeights = classWeights
        config.augmentation.flip = !noFlip
        config.augmentation.maxShift = shift
        config.augmentation.maxRotationDegrees = rotation
        config.augmentation.maxZoom = zoom
        config.augmentation.erasingProbability = erasing
        if photometric { config.augmentation.photometric = .realPhotos }
        config.mixing = BatchMixing(mixupAlpha: mixup, cutMixAlpha: cutmix)
        config.fading = ExpressionFading(probability: fade, strongest: fadeShare)
        config.averageDecay = averageDecay
        config.teachers = teacher.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        config.distillationWeight = distillWeight
        config.temperature = temperature
        config.preprocessing = preprocessing
        config.initialModel = initialModel.map { URL(fileURLWithPath: $0).standardizedFileURL.path }

        let outURL = URL(fileURLWithPath: out)
        let checkpointURL = URL(fileURLWithPath: checkpoint ?? outURL.deletingPathExtension().path + ".ckpt")
        let logURL = URL(fileURLWithPath: log ?? outURL.deletingPathExtension().path + ".log.jsonl")
        let jointURL = Trainer.jointModelURL(besides: outURL)
        try OutputFile.training(outputs: [outURL, checkpointURL, logURL, TrainingCurves.url(next: logURL)]
                                    + (photos != nil ? [jointURL] : []),
                                checkpoint: checkpointURL, data: data, resume: resume,
                                models: teacher + [initialModel], force: force)
        let photoFaces = try photos.map { try Self.findPhotos(in: URL(fileURLWithPath: $0).standardizedFileURL.path) }
        let dataset = try Dataset.open(URL(fileURLWithPath: data))
        guard let trainSplit = dataset.trainingSplitName else {
            throw ValidationErrorText("\(data) has no train split (found: \(dataset.splitNames.joined(separator: ", ")))")
        }
        guard let validationSplit = dataset.validationSplitName else {
            throw ValidationErrorText("\(data) has no val or test split to validate on (found: \(dataset.splitNames.joined(separator: ", ")))")
        }
        let training = try dataset.load(split: trainSplit)
        let validation = try dataset.load(split: validationSplit)
        for load in [training, validation] { FileHandle.standardError.write(Data((load.summary + "\n").utf8)) }

        let trainer = try Trainer(configuration: config, training: training.faces, validation: validation.faces,
                                  modelURL: outURL, checkpointURL: checkpointURL,
                                  resumeFrom: resume.map { URL(fileURLWithPath: $0) })
        let command = (["emoscope"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        // A resumed run's model keeps the command that started it, which --resume alone does not repeat.
        trainer.modelNotes[resume != nil && trainer.modelNotes["command"] != nil ? "resume_command" : "command"] = command
        trainer.modelNotes["training_images"] = "\(training.faces.count)"
        trainer.modelNotes["validation_images"] = "\(validation.faces.count)"
        Console.line("Training \(trainer.configuration.architecture): \(trainer.network.parameterCount) parameters, "
              + String(format: "%.3f GFLOP per face", Double(trainer.network.flopsPerSample) / 1e9)
              + "; \(training.faces.count) training and \(validation.faces.count) validation faces")
        // A resumed run measures the photos it measured before, unless told otherwise.
        if let photoFaces {
            trainer.checkPhotos(photoFaces.faces, from: photoFaces.folder, jointModel: jointURL)
        } else if resume != nil, let folder = trainer.state.photoFolder {
            trainer.checkPhotos(try Self.findPhotos(in: folder).faces, from: folder, jointModel: jointURL)
        }
        if resume != nil { Console.line("Resuming at epoch \(trainer.state.epoch + 1), batch \(trainer.state.nextBatch + 1)") }

        let signals = StopSignals { trainer.requestStop() }
        defer { signals.cancel() }
        var progress = ProgressLine()
        trainer.onProgress = { p in
            let remaining = Double(p.batches - p.batch) * Double(trainer.configuration.batchSize) / max(p.imagesPerSecond, 1e-9)
            progress.update(fraction: Double(p.batch) / Double(p.batches), text: String(
                format: "epoch %d/%d  %d/%d  %.0f img/s  loss %.4f  acc %.1f%%  lr %.2e  ETA %@",
                p.epoch + 1, p.epochs, p.batch, p.batches, p.imagesPerSecond, p.loss, p.accuracy * 100,
                Double(p.learningRate), ProgressLine.duration(remaining)))
        }
        let logHandle = try JSONLinesLog(url: logURL, truncate: resume == nil)
        trainer.onEpoch = { record, isBest in
            progress.finish()
            Console.line(String(format: "epoch %d: loss %.4f acc %.2f%%  val loss %.4f val acc %.2f%%%@  %.0f img/s  %@%@%@",
                         record.epoch, record.trainLoss, record.trainAccuracy * 100, record.validationLoss,
                         record.validationAccuracy * 100, record.photoAccuracy.map { String(format: "  photos %.2f%%", $0 * 100) } ?? "",
                         record.imagesPerSecond, ProgressLine.duration(record.seconds),
                         isBest ? "  (best, saved to \(outURL.path))" : "",
                         trainer.state.bestJointEpoch == record.epoch ? "  (best on val and photos, saved to \(jointURL.path))" : ""))
            logHandle.append(record)
            TrainingCurves.render(history: trainer.state.history, next: logURL)
        }
        let outcome = try trainer.run()
        progress.finish()
        switch outcome {
        case .finished: Console.line("Finished.")
        case .stoppedEarly: Console.line("Stopped early: no better validation accuracy for \(patience) epochs.")
        case .interrupted:
            Console.line("Interrupted: checkpoint written to \(checkpointURL.path). Continue with --resume \(checkpointURL.path)")
        }
        Console.line(TrainingSummary.text(state: trainer.state, model: outURL, jointModel: trainer.jointModelURL))
        if outcome == .interrupted { throw ExitCode(130) }
    }

    /// Finds the faces of `--photos` once, before any training; the trainer classifies them after every epoch.
    private static func findPhotos(in folder: String) throws -> (folder: String, faces: PhotoFaces) {
        let dataset = try Dataset.open(URL(fileURLWithPath: folder))
        guard let split = dataset.validationSplitName else {
            throw ValidationErrorText("--photos \(folder) has no val or test split (found: \(dataset.splitNames.joined(separator: ", ")))")
        }
        let files = try dataset.files(split: split)
        guard !files.isEmpty else { throw ValidationErrorText("--photos \(folder)/\(split) has no photos") }
        let detector = try HaarFaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        let found = PhotoFaces.find(files, detector: detector, framing: .detectorBox)
        Console.line("photos: \(found.photos) in \(folder)/\(split), a face found in \(found.crops.count)"
                     + (found.unreadable.isEmpty ? "" : ", \(found.unreadable.count) unreadable"))
        return (folder, found)
    }
}
