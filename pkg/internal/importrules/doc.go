// Package importrules holds, as a test, the import rules that
// docs/architecture.md states: only pkg/display imports GoNB, so the library
// runs unchanged in tests and command-line programs; the math never imports
// pkg/display; nothing that style, gan and metrics are built from imports
// them; and the layer diagram there draws exactly the imports the code has.
//
// The rules are data in imports_test.go, checked against `go list -json`,
// so a new package or import fails the test until it is placed in the rules
// and in the diagram.
package importrules
