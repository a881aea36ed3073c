// Package notebook holds the few helpers every neuralart notebook needs: the
// quick mode that CI runs ([Quick], [Pick]), the one way a cell fails on an
// error ([Must], [Check]) and what happens once per notebook session rather
// than once per cell ([FirstInSession]).
//
// GoNB compiles and runs every cell as a program of its own, so a notebook
// cannot keep these in a variable set up by its first cell: each cell starts
// again from the environment. The package therefore reads the environment
// (NEURALART_QUICK, and the temporary directory GoNB makes for each kernel)
// and imports nothing from GoNB, so library packages such as pkg/backend can
// use it too.
package notebook
