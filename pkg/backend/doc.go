// Package backend chooses and completes the GoMLX backend the project runs on.
//
// New picks one backend for the whole program: $GOMLX_BACKEND when set, else
// XLA when a PJRT plugin is installed (CUDA before CPU, found without GoMLX's
// download), else NewPureGo. It says once on stderr which and why; see
// docs/gpu.md.
//
// NewPureGo is the project's pure-Go backend, registered as "neuralart". It
// is GoMLX's simplego with the ops simplego lacks lowered, at graph-building
// time, into ops it has, so any GoMLX graph (gradients included) runs on it
// unchanged and the same model code runs on XLA:
//
//   - ConvGeneral, every configuration (strides, padding, input and kernel
//     dilation, channel and batch groups, any axes layout): patches (im2col,
//     Chellapilla, Puri & Simard 2006) and one DotGeneral;
//   - Pad, Reverse, SelectAndScatterMax/Min (pooling gradients),
//     BatchNormForTraining/ForInference/Gradient, DynamicSlice and
//     DynamicUpdateSlice;
//   - ReduceWindow over tiling windows (pooling) as Reshape + Reduce.
//
// Its float32 DotGeneral runs on a packed, blocked GEMM (Goto & van de Geijn
// 2008, "Anatomy of high-performance matrix multiplication") with an AVX2
// micro-kernel when built with GOEXPERIMENT=simd, else on gonum's Sgemm.
// docs/architecture.md ("Pure-Go backend performance") has the measurements.
//
// Configurations that cannot be lowered return an error from the builder
// (which graph.Exec reports), never a panic at run time.
package backend
