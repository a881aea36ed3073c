package gan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkpointOptions checkpoint every step into dir.
func checkpointOptions(dir string) Options {
	return Options{Seed: 3, CheckpointDir: dir, CheckpointEvery: 1, KeepCheckpoints: 3}
}

func TestResumeSkipsACorruptNewestCheckpoint(t *testing.T) {
	g, d := tinyPair()
	b := newBackend(t)
	dir := t.TempDir()
	first, err := NewTrainer(b, g, d, randomData(g, 4), checkpointOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Train(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	older, newest := filepath.Join(dir, checkpoint.Name(1)), filepath.Join(dir, checkpoint.Name(2))
	data, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-5] ^= 0x21
	if err := os.WriteFile(newest, data, 0o644); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	o := checkpointOptions(dir)
	o.Log = &log
	resumed, err := NewTrainer(b, g, d, randomData(g, 4), o)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := resumed.Resume()
	if !ok || err != nil {
		t.Fatalf("Resume() = %v, %v; want true, nil (the older checkpoint is valid)", ok, err)
	}
	if resumed.Steps() != 1 {
		t.Errorf("resumed at step %d, want 1 (from %s)", resumed.Steps(), older)
	}
	skipped := resumed.SkippedCheckpoints()
	if len(skipped) != 1 || skipped[0].Path != newest || skipped[0].MovedTo != newest+".corrupt" ||
		!strings.Contains(skipped[0].Err.Error(), "checksum") || !strings.Contains(skipped[0].Err.Error(), newest) {
		t.Fatalf("SkippedCheckpoints() = %+v, want %s with its checksum error", skipped, newest)
	}
	t.Logf("log: %s", log.String())
	if !strings.Contains(log.String(), newest) || !strings.Contains(log.String(), "checksum") || !strings.Contains(log.String(), older) {
		t.Errorf("log %q does not name the skipped file, its problem and the checkpoint resumed from", log.String())
	}
	if _, err := os.Stat(newest + ".corrupt"); err != nil {
		t.Errorf("the corrupt checkpoint was not kept aside: %v", err)
	}
	// Training goes on without anyone deleting a file, and writes a valid
	// checkpoint of step 2 again.
	if err := resumed.Train(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	again, err := NewTrainer(b, g, d, randomData(g, 4), checkpointOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := again.Resume(); !ok || err != nil || again.Steps() != 3 || len(again.SkippedCheckpoints()) != 0 {
		t.Errorf("second Resume() = %v, %v at step %d, skipped %v; want step 3, nothing skipped", ok, err, again.Steps(), again.SkippedCheckpoints())
	}
	if _, _, err := checkpoint.Read(newest, checkpointFormat); err != nil {
		t.Errorf("the rewritten checkpoint of step 2: %v", err)
	}
}

func TestStaleCheckpointTemporariesAreRemoved(t *testing.T) {
	g, d := tinyPair()
	b := newBackend(t)
	root := t.TempDir()
	dir := filepath.Join(root, "ckpt")
	first, err := NewTrainer(b, g, d, randomData(g, 4), checkpointOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Train(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	write := func(path string) {
		t.Helper()
		if err := os.WriteFile(path, bytes.Repeat([]byte{7}, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stale := func(step int) string {
		return filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", checkpoint.Name(step), 1234567+step))
	}
	// Files the trainer did not write, which must stay.
	keep := []string{
		filepath.Join(dir, ".other.tmp"),
		filepath.Join(dir, "notes.txt"),
		filepath.Join(dir, ".ckpt-000000003.safetensors.tmp"),
		filepath.Join(root, fmt.Sprintf(".%s.99.tmp", checkpoint.Name(3))), // not the checkpoint directory
	}
	for _, p := range keep {
		write(p)
	}
	checkpoints, err := checkpoint.List(dir)
	if err != nil || len(checkpoints) != 2 {
		t.Fatalf("checkpoints %v, %v", checkpoints, err)
	}
	before := map[string][]byte{}
	for _, c := range checkpoints {
		before[c.Path], _ = os.ReadFile(c.Path)
	}
	assertGone := func(when string, paths ...string) {
		t.Helper()
		for _, p := range paths {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s: stale temporary %s still there (stat: %v)", when, p, err)
			}
		}
		for _, p := range keep {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: removed %s, which is not a checkpoint temporary: %v", when, p, err)
			}
		}
	}

	write(stale(3))
	write(stale(12))
	resumed, err := NewTrainer(b, g, d, randomData(g, 4), checkpointOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := resumed.Resume(); !ok || err != nil {
		t.Fatalf("Resume() = %v, %v", ok, err)
	}
	assertGone("Resume", stale(3), stale(12))
	for p, data := range before {
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, data) {
			t.Errorf("Resume changed checkpoint %s (%v)", p, err)
		}
	}

	write(stale(5))
	if err := resumed.Train(t.Context(), 2); err != nil { // Already there: nothing to train, but Train starts.
		t.Fatal(err)
	}
	assertGone("Train's start", stale(5))

	// Pruning, after a write of its own.
	write(stale(6))
	if _, err := resumed.Save(); err != nil {
		t.Fatal(err)
	}
	assertGone("pruning", stale(6))
}

// Crash consistency: a child process trains with a checkpoint every step and
// is killed with SIGKILL at random moments; each restart resumes.

const crashHelperEnv = "NEURALART_GAN_CRASH_HELPER_DIR"

const (
	crashSteps = 30
	crashBatch = 4
)

func crashOptions(dir string) Options {
	return Options{Seed: 21, CheckpointDir: dir, CheckpointEvery: 1, KeepCheckpoints: 3}
}

// TestCrashHelper is the child of TestCrashConsistency; it does nothing in
// a normal test run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashHelperEnv)
	if dir == "" {
		t.Skip("helper process of TestCrashConsistency")
	}
	g, d := tinyPair()
	o := crashOptions(dir)
	o.ReportEvery = 1
	o.Log = os.Stdout // One line per step: the parent's sign that training runs.
	tr, err := NewTrainer(newBackend(t), g, d, randomData(g, crashBatch), o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Resume(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("resumed at step %d\n", tr.Steps())
	if err := tr.Train(t.Context(), crashSteps); err != nil {
		t.Fatal(err)
	}
}

func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a training process a few times")
	}
	start := time.Now()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2026, 12))
	kills, interruptedWrites, resumedAt := 0, 0, []int{}
	for run := 0; ; run++ {
		if run > 40 {
			t.Fatal("the child did not finish after 40 runs")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.v")
		cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		var output strings.Builder
		// Wait for two steps, to know how long one takes here.
		var stepTimes []time.Time
		for len(stepTimes) < 2 && lines.Scan() {
			line := lines.Text()
			output.WriteString(line + "\n")
			if s, ok := strings.CutPrefix(line, "resumed at step "); ok {
				n, _ := strconv.Atoi(s)
				resumedAt = append(resumedAt, n)
			}
			if strings.HasPrefix(line, "step ") {
				stepTimes = append(stepTimes, time.Now())
			}
		}
		killed := false
		if len(stepTimes) == 2 && kills < 8 {
			// Kill within the next two steps, at a random moment: some
			// kills land during a checkpoint write, some between.
			step := stepTimes[1].Sub(stepTimes[0])
			time.Sleep(time.Duration(rng.Int64N(int64(2*step) + 1)))
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			killed = true
		}
		rest, _ := io.ReadAll(stdout)
		output.Write(rest)
		err = cmd.Wait()
		if killed {
			if err == nil { // It finished before the signal.
				break
			}
			kills++
			if tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmps) > 0 {
				interruptedWrites++
			}
			continue
		}
		if err != nil {
			t.Fatalf("child run %d: %v\n%s", run, err, output.String())
		}
		break
	}
	t.Logf("%d kills (%d during a checkpoint write), resumed at steps %v, %v", kills, interruptedWrites, resumedAt, time.Since(start))
	if kills < 3 {
		t.Errorf("only %d kills landed; the test does not exercise crashes", kills)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := checkpoint.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.ContainsFunc(kept, func(c checkpoint.Checkpoint) bool { return filepath.Base(c.Path) == e.Name() }) {
			t.Errorf("%s left in the checkpoint directory", e.Name())
		}
	}
	g, d := tinyPair()
	b := newBackend(t)
	straight, err := NewTrainer(b, g, d, randomData(g, crashBatch), crashOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := straight.Train(t.Context(), crashSteps); err != nil {
		t.Fatal(err)
	}
	checker, err := NewTrainer(b, g, d, nil, crashOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	kept, err = checkpoint.List(dir)
	if err != nil || len(kept) == 0 || kept[len(kept)-1].Step != crashSteps {
		t.Fatalf("checkpoints %v (%v), want ones ending at step %d", kept, err, crashSteps)
	}
	for _, c := range kept {
		if err := checker.Load(c.Path); err != nil {
			t.Errorf("checkpoint does not load: %v", err)
		}
	}
	// checker now holds the last one.
	want, got := variableValues(t, straight.Context()), variableValues(t, checker.Context())
	if len(got) != len(want) {
		t.Errorf("the interrupted run has %d variables, the uninterrupted one %d", len(got), len(want))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("variable %s differs between the interrupted and the uninterrupted run", name)
		}
	}
}
