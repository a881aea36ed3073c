package lenet

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/datasets"
	"github.com/neuralart/neuralart/pkg/metrics"
)

// TestPretrainedLeNetAccuracy evaluates the committed weights on all 10000
// MNIST test images.
func TestPretrainedLeNetAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: classifies the 10000 MNIST test digits")
	}
	net, err := Pretrained(testBackend(t))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := net.Accuracy(mnist(t, datasets.Test), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.99 {
		t.Errorf("test accuracy %.4f, want ≥ 0.99", acc)
	}
	t.Logf("MNIST test accuracy %.4f", acc)
}

// TestFIDSanity checks the Fréchet LeNet Distance on real MNIST: two
// disjoint real sets are close, and the distance grows steadily as the test
// images are degraded by more noise or more blur.
// Net is what FID needs of a feature network.
var _ metrics.FeatureExtractor = (*Net)(nil)

func TestFIDSanity(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: LeNet features of 1000 MNIST digits at each of several corruptions")
	}
	const n, batch = 1000, 500
	net, err := Pretrained(testBackend(t))
	if err != nil {
		t.Fatal(err)
	}
	test := mnist(t, datasets.Test).Subset(n)
	ref, err := metrics.StatsOf(net, metrics.DatasetImages(mnist(t, datasets.Train).Subset(n), batch))
	if err != nil {
		t.Fatal(err)
	}
	fid := func(fn func(*tensors.Tensor) (*tensors.Tensor, error)) float64 {
		s, err := metrics.StatsOf(net, metrics.Transformed(metrics.DatasetImages(test, batch), fn))
		if err != nil {
			t.Fatal(err)
		}
		d, err := metrics.FrechetDistance(ref, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	floor := fid(func(x *tensors.Tensor) (*tensors.Tensor, error) { return x, nil })
	t.Logf("FID(train %d, test %d) = %.3f", n, n, floor)
	for _, c := range []struct {
		name   string
		levels []float64
		apply  func(x *tensors.Tensor, level float64) (*tensors.Tensor, error)
	}{
		{"noise σ", []float64{0.1, 0.2, 0.4}, func(x *tensors.Tensor, s float64) (*tensors.Tensor, error) { return metrics.AddNoise(x, s, 1), nil }},
		{"blur σ", []float64{0.5, 1, 2}, metrics.GaussianBlur},
	} {
		prev := floor
		for _, level := range c.levels {
			d := fid(func(x *tensors.Tensor) (*tensors.Tensor, error) { return c.apply(x, level) })
			t.Logf("%s = %g: FID %.3f", c.name, level, d)
			if d <= prev {
				t.Errorf("%s = %g: FID %.3f, not above %.3f of the milder setting", c.name, level, d, prev)
			}
			prev = d
		}
	}
}
