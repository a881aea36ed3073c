#!/usr/bin/env bash
# Downloads torchvision's ImageNet-trained VGG-19 weights (vgg19-dcbb9e9d.pth,
# 548 MiB) into neuralart's cache ($NEURALART_CACHE, else the user cache dir +
# /neuralart), checks the SHA-256 and that the file is a VGG-19, and prints its
# path. Style-transfer code and notebooks then find it (vgg.Default) instead of
# falling back to random weights. See docs/weights.md.
#   scripts/fetch-weights.sh [-sha256 HEX] [-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/fetchweights "$@"
