package metrics_test

import (
	"context"
	"fmt"
	"log"

	"github.com/neuralart/neuralart/pkg/metrics"
	"gonum.org/v1/gonum/mat"
)

func ExampleFID() {
	// Two tiny sets of 2-D features: b is a shifted by (1, 0) with a
	// smaller spread along the second axis.
	a := mat.NewDense(4, 2, []float64{0, 0, 1, 1, 2, 0, 3, 1})
	b := mat.NewDense(4, 2, []float64{1, 0.25, 2, 0.75, 3, 0.25, 4, 0.75})
	fid, err := metrics.FID(a, b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("FID = %.4f\n", fid) // pytorch-fid: 1.0833333333333353
	// Output: FID = 1.0833
}

func ExampleAccumulator() {
	// Statistics gathered batch by batch equal those of the whole set.
	acc := metrics.NewAccumulator(2)
	for _, batch := range []*mat.Dense{
		mat.NewDense(2, 2, []float64{0, 0, 1, 1}),
		mat.NewDense(2, 2, []float64{2, 0, 3, 1}),
	} {
		if err := acc.Add(batch); err != nil {
			log.Fatal(err)
		}
	}
	s, err := acc.Stats()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("N = %d, mean = %.2f, cov = %.4f\n", s.N, s.Mean, mat.Formatted(s.Cov, mat.FormatPython()))
	// Output: N = 4, mean = [1.50 0.50], cov = [[1.6667, 0.3333], [0.3333, 0.3333]]
}

func ExampleKID() {
	a := mat.NewDense(4, 2, []float64{0, 0, 1, 1, 2, 0, 3, 1})
	b := mat.NewDense(4, 2, []float64{1, 0.25, 2, 0.75, 3, 0.25, 4, 0.75})
	// One subset holding every sample: the plain unbiased MMD² estimate
	// (scipy agrees: -1.247283935546875). Being unbiased, it can fall below
	// zero, as here with only four samples a side.
	kid, err := metrics.KID(a, b, metrics.KIDOptions{Subsets: 1, SubsetSize: 4})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("KID = %.4f ± %.4f\n", kid.Mean, kid.Std)
	// Output: KID = -1.2473 ± 0.0000
}

func ExamplePrecisionRecall() {
	// Real features at 0, 1, ..., 9 on a line; the generator draws only the
	// lower half, well: all it draws looks real, but it covers half the data.
	real := mat.NewDense(10, 1, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	fake := mat.NewDense(5, 1, []float64{0.5, 1.5, 2, 3, 3.5})
	pr, err := metrics.PrecisionRecall(context.Background(), real, fake, metrics.PrecisionRecallOptions{K: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("precision %.2f, recall %.2f\n", pr.Precision, pr.Recall)
	// Output: precision 1.00, recall 0.50
}
