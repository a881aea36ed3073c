// Command nbcheck reads notebooks executed by `jupyter nbconvert --execute` and
// says, one line per notebook, how many cells ran and how many images they
// showed; it fails naming the notebook and cell of the first error, and, with
// -expect, when an output the notebook promises is missing.
//
// A notebook states what it promises in its metadata:
//
//	"neuralart": {"expect": {"text": ["backend:"], "image/png": 2, "text/html": 1}}
//
// "text" lists strings that must appear in some text output; the other keys give
// the least number of outputs of that MIME type. With -expect it also fails when a
// line the library says once per notebook session (stderr lines starting
// "neuralart: ", such as the backend it chose) appears under more than one cell.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type notebook struct {
	Cells    []cell `json:"cells"`
	Metadata struct {
		Neuralart struct {
			Expect map[string]json.RawMessage `json:"expect"`
		} `json:"neuralart"`
	} `json:"metadata"`
}

type cell struct {
	Type    string    `json:"cell_type"`
	Source  multiline `json:"source"`
	Outputs []output  `json:"outputs"`
}

type output struct {
	Type   string               `json:"output_type"`
	Name   string               `json:"name"`
	Text   multiline            `json:"text"`
	Data   map[string]multiline `json:"data"`
	EName  string               `json:"ename"`
	EValue string               `json:"evalue"`
}

// multiline is a notebook string, stored either whole or as a list of lines.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	var lines []string
	if err := json.Unmarshal(b, &lines); err == nil {
		*m = multiline(strings.Join(lines, ""))
		return nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	*m = multiline(s)
	return err
}

// summary is what one executed notebook showed.
type summary struct {
	codeCells, images int
	mimeCounts        map[string]int
	text              strings.Builder
	firstError        string
	// sessionLines counts, for each "neuralart: " stderr line, the cells that printed it.
	sessionLines map[string]int
}

func summarize(nb *notebook) *summary {
	s := &summary{mimeCounts: map[string]int{}, sessionLines: map[string]int{}}
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		s.codeCells++
		said := map[string]bool{}
		for _, o := range c.Outputs {
			if o.Name == "stderr" {
				for _, line := range strings.Split(string(o.Text), "\n") {
					if strings.HasPrefix(line, "neuralart: ") && !said[line] {
						said[line] = true
						s.sessionLines[line]++
					}
				}
			}
			text := string(o.Text)
			for mime, data := range o.Data {
				s.mimeCounts[mime]++
				if strings.HasPrefix(mime, "text/") {
					text += string(data)
				}
			}
			s.text.WriteString(text)
			failed := o.Type == "error" || (o.Name == "stderr" && strings.Contains(text, "panic:"))
			if failed && s.firstError == "" {
				msg := o.EValue
				if msg == "" {
					msg = text
				}
				s.firstError = fmt.Sprintf("cell %d (%s): %s", i, firstLine(string(c.Source)), strings.TrimSpace(msg))
			}
		}
	}
	s.images = s.mimeCounts["image/png"] + s.mimeCounts["image/svg+xml"] + strings.Count(s.text.String(), "<img ")
	return s
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	return s
}

// unmet lists the promises of the notebook's metadata that its outputs do not keep.
func unmet(nb *notebook, s *summary) []string {
	var missing []string
	for line, cells := range s.sessionLines {
		if cells > 1 {
			missing = append(missing, fmt.Sprintf("%q once per session (found under %d cells)", line, cells))
		}
	}
	for key, raw := range nb.Metadata.Neuralart.Expect {
		if key == "text" {
			var want []string
			if err := json.Unmarshal(raw, &want); err != nil {
				missing = append(missing, fmt.Sprintf("metadata expect.text: want a list of strings, found %s", raw))
			}
			for _, w := range want {
				if !strings.Contains(s.text.String(), w) {
					missing = append(missing, fmt.Sprintf("text %q", w))
				}
			}
			continue
		}
		var least int
		if err := json.Unmarshal(raw, &least); err != nil {
			missing = append(missing, fmt.Sprintf("metadata expect[%q]: want a count, found %s", key, raw))
		} else if s.mimeCounts[key] < least {
			missing = append(missing, fmt.Sprintf("%d %s outputs (found %d)", least, key, s.mimeCounts[key]))
		}
	}
	return missing
}

func check(path string, expect bool, took time.Duration) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	s := summarize(&nb)
	fmt.Printf("%-40s %6.1fs  %3d code cells  %3d images\n", path, took.Seconds(), s.codeCells, s.images)
	if s.firstError != "" {
		return fmt.Errorf("%s: error in %s", path, s.firstError)
	}
	if expect {
		if missing := unmet(&nb, s); len(missing) > 0 {
			return fmt.Errorf("%s: missing expected outputs: %s", path, strings.Join(missing, "; "))
		}
	}
	return nil
}

func main() {
	expect := flag.Bool("expect", false, "also fail when an output promised in the notebook's metadata is missing")
	took := flag.Duration("took", 0, "how long the notebook took to execute, for the report line")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: nbcheck [-expect] [-took 12s] executed.ipynb...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	failed := false
	for _, path := range flag.Args() {
		if err := check(path, *expect, *took); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
