#!/usr/bin/env bash
# Downloads the pre-trained networks neuralart can use into its cache
# ($NEURALART_CACHE, else the user cache dir + /neuralart): torchvision's
# ImageNet VGG-19 and VGG-16, fast_neural_style's four TransformerNets and
# AdaIN's encoder and decoder. Checks each file's SHA-256 (torchvision's
# prefixes; for the others the digest recorded at the first download) and
# that it loads as the network it should be, and prints the paths. Code and
# notebooks then find them instead of falling back to random or locally
# trained weights. See docs/weights.md.
#   scripts/fetch-weights.sh [-only vgg19,vgg16,fast_neural_style,adain] [-sha256 HEX] [-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOEXPERIMENT=${GOEXPERIMENT:-simd}
exec go run ./scripts/fetchweights "$@"
