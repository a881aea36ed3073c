// Package purego is the project's pure-Go GoMLX backend, registered as
// "neuralart" (New). It is GoMLX's simplego with the ops simplego lacks
// lowered, at graph-building time, into ops it has, so any GoMLX graph (gradients included) runs on it
// unchanged and the same model code runs on XLA:
//
//   - Pad, Reverse, SelectAndScatterMax/Min (pooling gradients; float32 ones
//     run on an executor, below), BatchNormForTraining/ForInference/Gradient,
//     DynamicSlice and DynamicUpdateSlice;
//   - ReduceWindow over tiling windows (pooling) as Reshape + Reduce;
//   - ConvGeneral of an input dilated by D (the input gradient of a stride-D
//     convolution) as D×D phases, stride-1 convolutions with every D-th tap.
//
// and with executors of its own for the hot ops of float32 graphs, in place
// of simplego's element-by-element loops:
//
//   - ConvGeneral in 2-D, every configuration: Winograd's minimal filtering
//     (Lavin & Gray 2016) for 3×3 stride-1 convolutions with enough input
//     channels, forward and input gradient (package internal/winograd), else
//     a GEMM over patches built in bounded blocks straight from the strided
//     input (im2col without the patch tensor, package internal/conv); other
//     ranks and dtypes are lowered to patches and one DotGeneral;
//   - DotGeneral on a packed, blocked GEMM (Goto & van de Geijn 2008,
//     "Anatomy of high-performance matrix multiplication") with an AVX2
//     micro-kernel when built with GOEXPERIMENT=simd, else gonum's Sgemm
//     (package internal/sgemm);
//   - SelectAndScatterMax/Min (pooling gradients) as one pass;
//   - BroadcastInDim, ReduceSum, and Add and Mul of a broadcast operand, as
//     loops over contiguous runs; a branch-free Sign.
//
// internals.go is the one place that reaches into simplego (its executor
// table and node fields), pinned to GoMLX v0.26.0.
// docs/architecture.md ("Pure-Go backend performance") has the measurements.
//
// Configurations that cannot be lowered return an error from the builder
// (which graph.Exec reports), never a panic at run time.
package purego
