// Package backend chooses the GoMLX backend the project runs on.
//
// New picks one backend for the whole program: $GOMLX_BACKEND when set, else
// XLA when a PJRT plugin is installed (CUDA before CPU, found without GoMLX's
// download), else the project's pure-Go backend (package purego, which is
// where the completion of simplego lives). It says once on stderr which and
// why — once per notebook session in GoNB — and warns when the pure-Go
// backend runs without its AVX2 kernel; see docs/gpu.md.
package backend
