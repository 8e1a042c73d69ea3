package benchrun

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/futuresbench/futures/bench"
)

// Knobs are make bench's and make bench-ab's settings, from the
// environment (the Makefile exports them): never pasted into a command
// line, so that a value (a revision, a path) is passed as it is.
type Knobs struct {
	Go string // the go command (GO)
	// Count is the rounds of a fixed run (COUNT); 0: make bench looks
	// after the rounds of Looks and stops measuring settled suites, within
	// Budget. make bench-ab runs a fixed count, 6 unless set.
	Count           int
	Budget          time.Duration // BUDGET: the measuring time past which make bench starts no look's rounds
	Benchtime       string        // BENCHTIME: the CPU-bound sweeps' -benchtime
	GrainBenchtime  string        // GRAIN_BENCHTIME: the pool's granularity sweep's
	FlagsN          int           // FLAGS_N: codes per op of the download sweep
	FlagsDelay      time.Duration // FLAGS_DELAY: the server's delay a code
	FlagsBenchtime  string        // FLAGS_BENCHTIME: the download sweep's -benchtime
	CanaryBenchtime string        // CANARY_BENCHTIME
	Suites          string        // SUITES: ids, comma-separated; empty: all
	Threshold       string        // THRESHOLD: bench-ab's smallest change that counts
	Old, New        string        // OLD, NEW: bench-ab's revisions (NEW empty: the working tree)
}

// Bounds of the knobs: past them a run would take hours, or ask for
// codes the flag server does not have.
const (
	maxFlagsN     = 26 * 26
	maxFlagsDelay = time.Second
	maxBudget     = 24 * time.Hour
	maxProcs      = 1024 // the most cores GOMAXPROCS=N make bench measures as if on
	maxRevision   = 1024 // the longest OLD or NEW: a ref name, or a revision expression
)

// Looks are the rounds after which make bench looks at its suites by
// default: the first is the fixed count's 6 (benchmath's fewest runs for
// a 95% interval), and each later one leaves the medians' intervals an
// order statistic narrower at the level left (bench.Level).
var Looks = []int{6, 12, 20}

// Defaults of the knobs.
var defaults = map[string]string{
	"GO": "go", "BUDGET": "2m", "BENCHTIME": "150ms", "GRAIN_BENCHTIME": "20ms",
	"FLAGS_N": "16", "FLAGS_DELAY": "20ms", "FLAGS_BENCHTIME": "1x", "CANARY_BENCHTIME": "100ms",
	"THRESHOLD": "5%",
}

// ReadKnobs reads the knobs from getenv (os.Getenv); a value that cannot be
// one is an error naming the variable, for a usage error.
func ReadKnobs(getenv func(string) string) (Knobs, error) {
	get := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return defaults[name]
	}
	k := Knobs{Go: get("GO"), Benchtime: get("BENCHTIME"), GrainBenchtime: get("GRAIN_BENCHTIME"),
		FlagsBenchtime: get("FLAGS_BENCHTIME"), CanaryBenchtime: get("CANARY_BENCHTIME"),
		Suites: getenv("SUITES"), Threshold: get("THRESHOLD"), Old: getenv("OLD"), New: getenv("NEW")}
	if c := getenv("COUNT"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 1000 {
			return k, fmt.Errorf("COUNT %s: want a number of rounds from 1 to 1000", quote(c))
		}
		k.Count = n
	}
	var err error
	if k.Budget, err = time.ParseDuration(get("BUDGET")); err != nil || k.Budget < 0 {
		return k, fmt.Errorf("BUDGET %s: want a duration (2m)", quote(get("BUDGET")))
	}
	if k.FlagsDelay, err = time.ParseDuration(get("FLAGS_DELAY")); err != nil || k.FlagsDelay < 0 {
		return k, fmt.Errorf("FLAGS_DELAY %s: want a duration (20ms)", quote(get("FLAGS_DELAY")))
	}
	if k.FlagsN, err = strconv.Atoi(get("FLAGS_N")); err != nil || k.FlagsN < 1 || k.FlagsN > maxFlagsN {
		return k, fmt.Errorf("FLAGS_N %s: want a number of codes from 1 to %d (AA..ZZ)", quote(get("FLAGS_N")), maxFlagsN)
	}
	if k.FlagsDelay > maxFlagsDelay {
		return k, fmt.Errorf("FLAGS_DELAY %s: want a duration from 0 to %s (20ms)", quote(get("FLAGS_DELAY")), maxFlagsDelay)
	}
	if k.Budget > maxBudget {
		return k, fmt.Errorf("BUDGET %s: want a duration up to %s (2m)", quote(get("BUDGET")), maxBudget)
	}
	// bench-ab hands THRESHOLD to benchreport compare -threshold: read as
	// it reads it, here, before anything is built.
	_, err = bench.ParseThresholds([]string{k.Threshold}, 0.05)
	if bare := (*bench.BareThresholdError)(nil); errors.As(err, &bare) {
		return k, fmt.Errorf("THRESHOLD %s", bare)
	}
	if err != nil {
		return k, fmt.Errorf("THRESHOLD %s: want a percentage like 5%%, a fraction like 0.05, or UNIT=PCT like allocs/op=0%%", quote(k.Threshold))
	}
	// In a fixed order: of two bad ones, the message names the same.
	for _, b := range []struct{ name, v string }{{"BENCHTIME", k.Benchtime}, {"GRAIN_BENCHTIME", k.GrainBenchtime},
		{"FLAGS_BENCHTIME", k.FlagsBenchtime}, {"CANARY_BENCHTIME", k.CanaryBenchtime}} {
		if ParseBenchtime(b.v) != nil {
			return k, fmt.Errorf("%s: benchtime %s: want a duration (500ms) or a count of ops (20x)", b.name, quote(b.v))
		}
	}
	// GOMAXPROCS=8 make bench measures as if on 8 cores: a value the
	// runtime would ignore is no such setting, nor is a machine of more
	// than maxProcs cores.
	if v := getenv("GOMAXPROCS"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxProcs {
			return k, fmt.Errorf("GOMAXPROCS %s: want a number of cores from 1 to %d", quote(v), maxProcs)
		}
	}
	for _, r := range []struct{ name, v string }{{"OLD", k.Old}, {"NEW", k.New}} {
		if len(r.v) > maxRevision {
			return k, fmt.Errorf("%s %s: want a revision (a commit, a branch or a tag), not %d bytes", r.name, quote(r.v), len(r.v))
		}
	}
	if k.Go == "" || strings.ContainsAny(k.Go, "\x00\n\r") {
		return k, fmt.Errorf("GO %s: want a command", quote(k.Go))
	}
	// Looked up as exec will run it, before anything is built: a GO
	// that is no command ("/nonexistent/go", "go version", one word of a
	// command line) exited 1 from the build, after a temp folder was made.
	if _, err := exec.LookPath(k.Go); err != nil {
		return k, fmt.Errorf("GO %s: want the go command, a path or a name found in PATH: %s", quote(k.Go), lookPathWhy(err))
	}
	return k, nil
}

// lookPathWhy is why exec.LookPath refused a command, without the command
// (the message quotes it already).
func lookPathWhy(err error) string {
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return "not found"
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "not executable"
	}
	var e *exec.Error
	if errors.As(err, &e) {
		return e.Err.Error()
	}
	return err.Error()
}

// quote is a knob's value as a message says it: quoted, as Go quotes a
// string (a newline or a terminal's escape is escaped), and cut to its
// first 80 bytes, so that the message stays a short line.
func quote(v string) string {
	if len(v) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return strconv.Quote(v[:cut]) + "..."
	}
	return strconv.Quote(v)
}
