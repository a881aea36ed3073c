package importrules

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/neuralart/neuralart"

// The library's packages by role, as import paths relative to the module;
// "x/..." means x and the packages under it. Every package under pkg/ is in
// exactly one group (TestEveryPackageHasARole).
var (
	// display is the only package that knows GoNB: it shows what the others
	// compute.
	display = []string{"pkg/display"}
	// models are the math the notebooks call.
	models = []string{"pkg/style/...", "pkg/gan/...", "pkg/metrics/...", "pkg/transformernet/...", "pkg/adain/...", "pkg/applications/..."}
	// below is what the models are built from.
	below = []string{
		"pkg/nn/...", "pkg/backend/...", "pkg/vgg/...", "pkg/weights/...", "pkg/checkpoint/...",
		"pkg/download/...", "pkg/images/...", "pkg/datasets/...", "pkg/cache/...", "pkg/inception/...", "pkg/lenet/...",
		"pkg/notebook/...", "pkg/imagequality/...", "pkg/internal/...",
	}
)

// gonb is the module of the GoNB kernel's Go API.
const gonb = "github.com/janpfeifer/gonb"

// rules: no package of who depends, directly or not, on a package matching
// mustNot; with tests, neither do its tests import one. The layering rules
// leave tests free: pkg/vgg's fixture test checks VGG-19 through pkg/style's
// losses, as PyTorch's reference does.
var rules = []struct {
	why          string
	who, mustNot []string
	tests        bool
}{
	{"only pkg/display imports GoNB, so the library runs in tests and programs unchanged",
		slices.Concat(models, below), []string{gonb + "/..."}, true},
	{"the math never imports pkg/display: notebooks wire them together",
		slices.Concat(models, below), display, false},
	{"nothing below style, gan and metrics imports them",
		below, models, false},
}

type pkg struct {
	ImportPath                string
	Imports, Deps             []string
	TestImports, XTestImports []string
}

// load lists every package of the module with its imports.
func load(t *testing.T) map[string]*pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps,TestImports,XTestImports", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*pkg{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		p := new(pkg)
		if err := dec.Decode(p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module+"/")] = p
	}
	return pkgs
}

// matches reports whether the import path (relative to the module when it
// is in it) matches one of the patterns.
func matches(path string, patterns []string) bool {
	path = strings.TrimPrefix(path, module+"/")
	for _, p := range patterns {
		if base, ok := strings.CutSuffix(p, "/..."); ok {
			if path == base || strings.HasPrefix(path, base+"/") {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}

func TestImportRules(t *testing.T) {
	pkgs := load(t)
	for _, name := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[name]
		for _, r := range rules {
			if !matches(name, r.who) {
				continue
			}
			deps := p.Deps
			if r.tests {
				deps = slices.Concat(deps, p.TestImports, p.XTestImports)
			}
			for _, dep := range deps {
				if matches(dep, r.mustNot) {
					t.Errorf("%s depends on %s, but %s", name, strings.TrimPrefix(dep, module+"/"), r.why)
				}
			}
		}
	}
}

func TestEveryPackageHasARole(t *testing.T) {
	for name := range load(t) {
		if !strings.HasPrefix(name, "pkg/") {
			continue // commands under scripts/
		}
		n := 0
		for _, group := range [][]string{display, models, below} {
			if matches(name, group) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is in %d of the groups display, models and below of imports_test.go, expected 1: place it there and in docs/architecture.md's diagram", name, n)
		}
	}
}

// diagramLine is a line of the diagram: a package and, after an arrow, the
// packages it imports.
var diagramLine = regexp.MustCompile(`^\s*(pkg/[a-z0-9/]+)\s*(?:──>\s*(.*))?$`)

// TestDiagramMatchesCode reads the diagram of docs/architecture.md (its first
// code block, one line per package) and compares its arrows with the direct
// imports between the library's packages, internal ones left out.
func TestDiagramMatchesCode(t *testing.T) {
	const doc = "../../../docs/architecture.md"
	drawn, err := readDiagram(doc)
	if err != nil {
		t.Fatal(err)
	}
	code := map[string][]string{}
	for name, p := range load(t) {
		if !strings.HasPrefix(name, "pkg/") || isInternal(name) {
			continue
		}
		code[name] = []string{}
		for _, imp := range p.Imports {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok && !isInternal(rel) {
				code[name] = append(code[name], rel)
			}
		}
		slices.Sort(code[name])
	}
	for _, name := range slices.Sorted(maps.Keys(code)) {
		d, ok := drawn[name]
		switch {
		case !ok:
			t.Errorf("%s: %s is not drawn; add the line %q", doc, name, line(name, code[name]))
		case !slices.Equal(d, code[name]):
			t.Errorf("%s: draws %q, the code has %q", doc, line(name, d), line(name, code[name]))
		}
	}
	for name := range drawn {
		if _, ok := code[name]; !ok {
			t.Errorf("%s: draws %s, which is not a package of the library (internal packages are left out)", doc, name)
		}
	}
}

func isInternal(path string) bool {
	return strings.Contains("/"+path+"/", "/internal/")
}

func line(name string, imports []string) string {
	if len(imports) == 0 {
		return name
	}
	return name + " ──> " + strings.Join(imports, ", ")
}

// readDiagram parses the first code block of the Markdown file at path.
func readDiagram(path string) (map[string][]string, error) {
	data, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return nil, err
	}
	drawn := map[string][]string{}
	fences := 0
	for sc := bufio.NewScanner(bytes.NewReader(data)); sc.Scan() && fences < 2; {
		text := sc.Text()
		if strings.HasPrefix(text, "```") {
			fences++
			continue
		}
		m := diagramLine.FindStringSubmatch(text)
		if fences != 1 || m == nil {
			continue
		}
		if _, dup := drawn[m[1]]; dup {
			return nil, fmt.Errorf("%s: %s drawn twice", path, m[1])
		}
		imports := []string{}
		for _, imp := range strings.Split(m[2], ",") {
			if imp = strings.TrimSpace(imp); imp != "" {
				imports = append(imports, imp)
			}
		}
		slices.Sort(imports)
		drawn[m[1]] = imports
	}
	if len(drawn) == 0 {
		return nil, fmt.Errorf("%s: no diagram (lines \"pkg/x ──> pkg/y, pkg/z\" in its first code block)", path)
	}
	return drawn, nil
}
