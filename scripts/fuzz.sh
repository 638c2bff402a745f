#!/bin/sh
# Builds the libFuzzer harness (Tests/Fuzz) against the parsing modules, instrumented for coverage and
# AddressSanitizer, and runs each target for FUZZ_SECONDS (default 60). Crashes are written to
# .build-fuzz/crashes/TARGET/; turn each into a test. Usage: scripts/fuzz.sh [TARGET...]
set -eu
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-60}
BUILD=.build-fuzz
TARGETS=${*:-safetensors architecture checkpoint keras csv image onnx}

# Swift, C and C++ (CVBridge's header reading, the kernels) instrumented alike; libFuzzer's main comes at the link.
"$SWIFT" build --build-path "$BUILD" --target Expression -Xswiftc -sanitize=fuzzer,address \
    -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address
DEBUG="$BUILD/debug"
OBJECTS=$(ls "$DEBUG"/NeuralNet.build/*.o "$DEBUG"/NeuralKernels.build/*.o "$DEBUG"/KerasImport.build/*.o \
              "$DEBUG"/ONNXFormat.build/*.o "$DEBUG"/ModelExchange.build/*.o "$DEBUG"/Imaging.build/*.o "$DEBUG"/CVBridge.build/*.o "$DEBUG"/Expression.build/*.o)
swiftc -sanitize=fuzzer,address -parse-as-library -module-name EmoscopeFuzz -g \
    Tests/Fuzz/*.swift $OBJECTS \
    -I "$DEBUG/Modules" \
    -Xcc -fmodule-map-file=Sources/Bridges/CBLAS/module.modulemap \
    -Xcc -fmodule-map-file=Sources/Bridges/CHDF5/module.modulemap \
    -Xcc -fmodule-map-file="$DEBUG/CVBridge.build/module.modulemap" \
    -Xcc -fmodule-map-file="$DEBUG/NeuralKernels.build/module.modulemap" \
    $(pkg-config --cflags-only-I hdf5 openblas | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs hdf5 openblas) \
    -lopencv_core -lopencv_imgproc -lopencv_imgcodecs -lopencv_objdetect -lopencv_videoio -lopencv_dnn -lstdc++ \
    -o "$BUILD/fuzz"

for target in $TARGETS; do
    corpus="$BUILD/corpus/$target" crashes="$BUILD/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    FUZZ_TARGET=$target FUZZ_SEEDS="$corpus" "$BUILD/fuzz"
    echo "fuzz: $target for $SECONDS_EACH s"
    # Leaks are not what this looks for (Swift's runtime keeps metadata for the process's life).
    FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$BUILD/fuzz" "$corpus" -max_total_time="$SECONDS_EACH" \
        -max_len=100000 -rss_limit_mb=4096 -artifact_prefix="$crashes/" -print_final_stats=1 || {
        echo "fuzz: $target found a crash: see $crashes"; status=1; }
done
exit ${status:-0}
