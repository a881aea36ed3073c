package style

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// Network is the feature extractor whose activations the losses compare:
// VGG-19 in Gatys et al. (2016). *vgg.Model implements it.
type Network interface {
	// Features returns the named feature maps, [N, C, H', W'] (NCHW), of
	// images [N, 3, H, W] (NCHW, RGB in [0, 1]).
	Features(images *Node, layers []string) map[string]*Node
}
