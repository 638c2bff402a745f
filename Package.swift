// swift-tools-version:6.0
// Emoscope: real-time facial-expression recognition for the Linux desktop.
// Dependencies point one way: bridges <- NeuralNet <- Expression <- Graphics/Viewer <- emoscope.
import PackageDescription

// Only the OpenCV libraries the bridge uses; pkg-config "opencv4" would link all 55 and slow start-up.
let openCVLibraries = ["opencv_core", "opencv_imgproc", "opencv_imgcodecs", "opencv_objdetect", "opencv_videoio"]

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
        // Reads Keras model.json + weights .h5 files into NeuralNet models.
        .target(name: "KerasImport", dependencies: ["NeuralNet", "CHDF5"]),
        // The face-expression domain: emotions, images, datasets, detection, classification, training.
        .target(name: "Expression", dependencies: ["NeuralNet", "KerasImport", "CVBridge"]),
        // Drawing on SDL surfaces and windows: canvas, text, theme, PNG output, charts.
        .target(name: "Graphics", dependencies: ["Expression", "CSDL2", "CSDL2TTF", "CVBridge"]),
        // The desktop app: live view, probability panel, dataset browser, snapshots.
        .target(name: "Viewer", dependencies: ["Expression", "Graphics", "CSDL2", "CVBridge"]),
        // The command line: one small ParsableCommand per subcommand.
        .executableTarget(name: "emoscope", dependencies: [
            "NeuralNet", "KerasImport", "Expression", "Graphics", "Viewer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Where tests find data kept outside the repository (the FER2013 folders).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "NeuralKernels", "TestSupport"]),
        .testTarget(name: "ExpressionTests", dependencies: ["Expression", "NeuralNet", "TestSupport"]),
        .testTarget(name: "KerasImportTests", dependencies: ["KerasImport", "Expression", "NeuralNet", "TestSupport"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "Graphics", "Expression", "TestSupport"]),
    ]
)
