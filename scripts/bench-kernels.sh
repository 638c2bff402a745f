#!/bin/sh
# Emoscope's kernels side by side with OpenBLAS, BLIS and oneDNN on this machine (Benchmarks/kernels):
# the large products and the tutorial and compact networks' convolutions, forward and backward, at batch 1
# and 64, on 1 and 2 threads. Emoscope's convolution times come from the release build's
# `bench inference --layers`, run just before. Extra arguments go to each run of the benchmark (e.g. --threads 1).
# Needs libopenblas-dev, libblis-dev and libdnnl-dev (installed here when missing); none is a dependency of
# Emoscope itself. For a fair run, nothing else should be running: the figures are medians, but one
# other process on a 2-core machine halves them.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-packages.sh libopenblas-dev libblis-dev libdnnl-dev
make -s -C Benchmarks/kernels
SWIFT=${SWIFT:-swift}
"$SWIFT" build -c release >/dev/null
emoscope="$("$SWIFT" build -c release --show-bin-path)/emoscope"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each network's convolutions right after Emoscope's own per-layer times, so that both meet the same machine.
for arch in tutorial compact; do
    layers=""
    for threads in 1 2; do
        "$emoscope" bench inference --layers --arch "$arch" --threads "$threads" >"$work/$arch-$threads.txt"
        layers="$layers --emoscope $work/$arch-$threads.txt"
        grep -E "^(batch [0-9]+: +median|training|cblas|kernels)" "$work/$arch-$threads.txt" | sed "s/^/$arch, $threads threads: /"
    done
    # shellcheck disable=SC2086
    .build-kernels/bench-kernels --only conv --network "$arch" $layers "$@"
    echo
done
# BLIS 0.9 does not know Zen 5 and falls back to its generic C kernels: the table runs its AVX-512 (skx)
# kernels, what BLIS would run had it recognised the CPU; the line after it is what it picks by itself.
.build-kernels/bench-kernels --only gemm --blis skx "$@"
echo
echo "BLIS with the kernels it picks by itself:"
.build-kernels/bench-kernels --only sgemm | tail -n 3
