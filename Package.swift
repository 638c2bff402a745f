// swift-tools-version:6.0
// Emoscope: real-time facial-expression recognition for the Linux desktop.
// Dependencies point one way: bridges, NeuralKernels <- NeuralNet <- ModelExchange <- Expression <- Live <- Viewer <- emoscope;
// Imaging (images, video, cascades: the only user of CVBridge) under Expression and Graphics.
import PackageDescription

// Only the OpenCV libraries the bridge uses; pkg-config "opencv4" would link all 55 and slow start-up.
let openCVLibraries = ["opencv_core", "opencv_imgproc", "opencv_imgcodecs", "opencv_objdetect", "opencv_videoio",
                       "opencv_dnn"]

let package = Package(
    name: "Emoscope",
    products: [
        .executable(name: "emoscope", targets: ["emoscope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin bridges to the system's C and C++ libraries.
        .systemLibrary(name: "CBLAS", path: "Sources/Bridges/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSDL2", path: "Sources/Bridges/CSDL2", pkgConfig: "sdl2",
                       providers: [.apt(["libsdl2-dev"])]),
        .systemLibrary(name: "CSDL2TTF", path: "Sources/Bridges/CSDL2TTF", pkgConfig: "SDL2_ttf",
                       providers: [.apt(["libsdl2-ttf-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/Bridges/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .target(name: "CVBridge", path: "Sources/Bridges/CVBridge",
                cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2"])],
                linkerSettings: openCVLibraries.map { .linkedLibrary($0) }),

        // Hand-written C kernels for the products too small for BLAS to pay off (AVX2/FMA chosen at run time).
        .target(name: "NeuralKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Tensors, layers, losses, optimisers and the model file; knows nothing of faces or windows.
        // Optimised even in debug builds: its loops are the hot path, and -Onone makes tests 20x slower.
        .target(name: "NeuralNet", dependencies: ["CBLAS", "NeuralKernels"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
                                .unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The ONNX file format's messages (the part of onnx.proto a classifier needs) and a small protobuf
        // codec: swift-protobuf would build its bundled protoc (C++) in every full build.
        .target(name: "ONNXFormat"),
        // NeuralNet models as ONNX files (one emitter per layer), and what an ONNX file says about itself.
        .target(name: "ModelExchange", dependencies: ["NeuralNet", "ONNXFormat"]),
        // Reads Keras model.json + weights .h5 files into NeuralNet models.
        .target(name: "KerasImport", dependencies: ["NeuralNet", "CHDF5"]),
        // Pictures and their geometry: gray and BGRA images, one pixel rectangle, image and video files,
        // Haar cascades, ONNX networks run by OpenCV's dnn module. The only Swift user of CVBridge.
        .target(name: "Imaging", dependencies: ["CVBridge"]),
        // The face-expression domain: emotions, datasets, face detection, classification, evaluation, training.
        .target(name: "Expression", dependencies: ["NeuralNet", "KerasImport", "ModelExchange", "Imaging"]),
        // The live pipeline without a window: sources, capture and inference threads, the face analyser, tracking.
        .target(name: "Live", dependencies: ["Expression", "Imaging"]),
        // Drawing on SDL surfaces and windows: canvas, text, theme, chart building blocks; knows no emotions.
        .target(name: "Graphics", dependencies: ["Imaging", "CSDL2", "CSDL2TTF"]),
        // The desktop app: live screen, probability panel, dataset browser, snapshots, charts of the domain.
        .target(name: "Viewer", dependencies: ["Live", "Expression", "Graphics", "Imaging", "CSDL2"]),
        // The command line: one small ParsableCommand per subcommand; environment switches are read here only.
        .executableTarget(name: "emoscope", dependencies: [
            "NeuralNet", "KerasImport", "ModelExchange", "Imaging", "Expression", "Live", "Graphics", "Viewer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Where tests find data kept outside the repository (the FER2013 folders).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "NeuralKernels", "TestSupport"]),
        .testTarget(name: "ExpressionTests", dependencies: ["Expression", "Imaging", "NeuralNet", "TestSupport"]),
        .testTarget(name: "KerasImportTests", dependencies: ["KerasImport", "Expression", "Imaging", "NeuralNet", "TestSupport"]),
        .testTarget(name: "ModelExchangeTests", dependencies: ["ModelExchange", "ONNXFormat", "Expression", "Imaging",
                                                              "KerasImport", "NeuralNet", "TestSupport"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "Live", "Graphics", "Imaging", "Expression", "NeuralNet", "TestSupport"]),
    ]
)
