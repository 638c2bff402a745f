#!/bin/sh
# Regenerates Sources/ONNXFormat/onnx.pb.swift from Sources/ONNXFormat/onnx.proto (the ONNX project's
# onnx.proto, Apache-2.0, as shipped in the onnx pip package). Run once per ONNX update, not per build:
# building protoc-gen-swift takes many minutes, so the generated file is committed.
#
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift built from apple/swift-protobuf at the
# version Package.swift names:
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf /tmp/protoc-gen-swift
#   (cd /tmp/protoc-gen-swift && swift build -c release --product protoc-gen-swift)
#   PROTOC_GEN_SWIFT=/tmp/protoc-gen-swift/.build/release/protoc-gen-swift scripts/generate-onnx-proto.sh
# To refresh the .proto itself: cp "$(python -c 'import onnx,os;print(os.path.dirname(onnx.__file__))')/onnx.proto" Sources/ONNXFormat/
set -eu
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-/tmp/protoc-gen-swift/.build/release/protoc-gen-swift}
[ -x "$plugin" ] || { echo "protoc-gen-swift not found at $plugin (set PROTOC_GEN_SWIFT)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
    --proto_path=Sources/ONNXFormat --swift_out="$out" Sources/ONNXFormat/onnx.proto
{
    echo "// Generated from Sources/ONNXFormat/onnx.proto by scripts/generate-onnx-proto.sh"
    echo "// (protoc $(protoc --version | cut -d' ' -f2), protoc-gen-swift $("$plugin" --version | sed 's/.* //')). Do not edit."
    cat "$out/onnx.pb.swift"
} > Sources/ONNXFormat/onnx.pb.swift
echo "wrote Sources/ONNXFormat/onnx.pb.swift"
