package metrics

import (
	"fmt"
	"math"
	"strconv"

	"github.com/neuralart/neuralart/pkg/weights"
	"gonum.org/v1/gonum/mat"
)

// SaveStats writes s as safetensors, atomically: "mu" [D] and "sigma"
// [D, D] in float64 (the names of pytorch-fid's .npz reference files) and
// the sample count in the metadata.
func SaveStats(path string, s *Stats) error {
	d := s.Dim()
	sigma := make([]float64, d*d)
	for i := range d {
		for j := range d {
			sigma[i*d+j] = s.Cov.At(i, j)
		}
	}
	return weights.SaveSafetensors(path, map[string]*weights.Tensor64{
		"mu":    {Shape: []int{d}, Data: s.Mean},
		"sigma": {Shape: []int{d, d}, Data: sigma},
	}, map[string]string{"n": strconv.Itoa(s.N)})
}

// LoadStats reads Stats written by SaveStats (or any safetensors file with
// float "mu" [D] and "sigma" [D, D]), checking shapes, finiteness and
// symmetry.
func LoadStats(path string) (*Stats, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mu, muShape, err := f.Float64("mu")
	if err != nil {
		return nil, err
	}
	sigma, sigmaShape, err := f.Float64("sigma")
	if err != nil {
		return nil, err
	}
	if len(muShape) != 1 || len(sigmaShape) != 2 || sigmaShape[0] != muShape[0] || sigmaShape[1] != muShape[0] {
		return nil, fmt.Errorf("metrics: %s: mu %v and sigma %v, expected [D] and [D, D]", path, muShape, sigmaShape)
	}
	for i, v := range append(mu, sigma...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("metrics: %s: value %d is %g, expected finite statistics", path, i, v)
		}
	}
	d := muShape[0]
	for i := range d {
		for j := range i {
			if a, b := sigma[i*d+j], sigma[j*d+i]; math.Abs(a-b) > 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
				return nil, fmt.Errorf("metrics: %s: sigma[%d, %d] = %g but sigma[%d, %d] = %g, expected a symmetric covariance", path, i, j, a, j, i, b)
			}
		}
	}
	n, _ := strconv.Atoi(f.Metadata()["n"])
	return &Stats{N: n, Mean: mu, Cov: mat.NewSymDense(d, sigma)}, nil
}
