package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/cli/clitest"
)

const (
	real    = "../../testdata/bench/"
	hostile = real + "hostile/"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, strings.NewReader(stdin), &stdout, &stderr)
	code := cli.Report(&stderr, "benchreport", err) // before reading stderr: Report writes to it
	return stdout.String(), stderr.String(), code
}

func TestReport(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "speedup.svg")
	page := filepath.Join(t.TempDir(), "report.html")
	stdout, stderr, code := runCmd(t, "", "-svg", svg, "-html", page, "-note", "interrupted after round 2 of 6", real+"cpu.txt", real+"primes.txt")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "interrupted after round 2 of 6\n"), "the note opens the report")
	assert.Contains(t, stdout, "arcfour: Jobs-2")
	assert.Contains(t, stdout, "primes: Map-2")
	assert.Contains(t, stdout, "verdict: scales to 2 workers")
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Equal(t, 5, strings.Count(string(b), `class="speedup"`), "a plot each: arcfour, sha, qsort; primes at GOMAXPROCS=1 and 2")
	b, err = os.ReadFile(page)
	require.NoError(t, err)
	assert.Equal(t, 5, strings.Count(string(b), `class="card"`))
	assert.Contains(t, string(b), "interrupted after round 2 of 6")
	assert.Contains(t, string(b), "The chapter's table")

	stdout, _, code = runCmd(t, "", "-format", "markdown", real+"downloads.txt")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "| concurrency |")

	stdout, _, code = runCmd(t, "", "-format", "csv", real+"cpu.txt")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "pkg,name,key,x,"))

	cpu, _ := os.ReadFile(real + "cpu.txt")
	stdout, _, code = runCmd(t, string(cpu), "-")
	assert.Equal(t, 0, code, "standard input")
	assert.Contains(t, stdout, "sha: Jobs-2")
}

// TestResultsFolder: a folder of make bench is read through its raw.txt.
func TestResultsFolder(t *testing.T) {
	dir := t.TempDir()
	cpu, _ := os.ReadFile(real + "cpu.txt")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw.txt"), cpu, 0o644))
	_, _, code := runCmd(t, "", dir)
	assert.Equal(t, 0, code)
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"noise", []string{"compare", real + "noise_a.txt", real + "noise_b.txt"}, 0, ""},
		{"same file", []string{"compare", real + "cpu.txt", real + "cpu.txt"}, 0, ""},
		{"20% slower", []string{"compare", real + "cpu.txt", "testdata/slower.txt"}, 1, "regression: arcfour Jobs/workers=1-2 time/op: 8.35ms -> 10ms, +20.0%"},
		{"20% slower, threshold 25%", []string{"compare", "-threshold", "25%", real + "cpu.txt", "testdata/slower.txt"}, 0, ""},
		{"faster", []string{"compare", "testdata/slower.txt", real + "cpu.txt"}, 0, ""},
		{"one input", []string{"compare", real + "cpu.txt"}, 2, "two inputs"},
		{"bad threshold", []string{"compare", "-threshold", "lots", "a", "b"}, 2, "threshold"},
		{"bad alpha", []string{"compare", "-alpha", "2", "a", "b"}, 2, "-alpha"},
		{"malformed", []string{"compare", real + "malformed.txt", real + "cpu.txt"}, 2, "malformed.txt:4"},
		{"nothing in common", []string{"compare", real + "cpu.txt", real + "downloads.txt"}, 2, "no benchmark is in both"},
		{"missing file", []string{"compare", real + "cpu.txt", "nope.txt"}, 2, "nope.txt"},
		{"unreadable (a folder without raw.txt)", []string{"compare", real + "cpu.txt", "testdata"}, 2, "raw.txt"},
		{"threshold 5x", []string{"compare", "-threshold", "5x", "a", "b"}, 2, "threshold"},
		// A bare number of 1 or more is a percent meant: taken as a
		// fraction (500%) it passed a 20% regression.
		{"threshold 5 (bare)", []string{"compare", "-threshold", "5", real + "cpu.txt", "testdata/slower.txt"}, 2, "-threshold 5: write 5% (a bare number is a fraction: 0.05)"},
		{"threshold 1 (bare)", []string{"compare", "-threshold", "1", real + "cpu.txt", "testdata/slower.txt"}, 2, "-threshold 1: write 1% (a bare number is a fraction: 0.01)"},
		{"threshold 30 for a unit (bare)", []string{"compare", "-threshold", "5%", "-threshold", "sec/op=30", real + "cpu.txt", "testdata/slower.txt"}, 2, "-threshold sec/op=30: write sec/op=30% (a bare number is a fraction: sec/op=0.3)"},
		// A unit threshold for a unit no run has (a typo of allocs/op)
		// would turn its gate off without a word.
		{"threshold for a unit in no run", []string{"compare", "-threshold", "alloc/op=0%", real + "cpu.txt", "testdata/slower.txt"}, 2,
			`-threshold: the unit "alloc/op" is in no run of ../../testdata/bench/cpu.txt or testdata/slower.txt, whose units are sec/op, B/s, jobs/s, slices/s`},
		{"threshold for an escape unit", []string{"compare", "-threshold", "\x1b[2J" + strings.Repeat("u", 200) + "=1%", real + "cpu.txt", "testdata/slower.txt"}, 2,
			`-threshold: the unit "\x1b[2Juuu`},
		{"threshold for ns/op (sec/op)", []string{"compare", "-threshold", "ns/op=30%", real + "cpu.txt", "testdata/slower.txt"}, 0, ""},
		{"threshold for a unit of one side", []string{"compare", "-threshold", "slices/s=30%", real + "cpu.txt", "testdata/slower.txt"}, 1, "+20.0%"},
		{"threshold 0.5 (a fraction)", []string{"compare", "-threshold", "0.5", real + "cpu.txt", "testdata/slower.txt"}, 0, ""},
		{"threshold 0.1 (a fraction)", []string{"compare", "-threshold", "0.1", real + "cpu.txt", "testdata/slower.txt"}, 1, "+20.0%"},
		{"threshold 10 percent", []string{"compare", "-threshold", "10 percent", "a", "b"}, 2, "threshold"},
		{"NaN in NEW", []string{"compare", real + "cpu.txt", hostile + "nan.txt"}, 1, "hostile/nan.txt:11: BenchmarkJobs/workers=2-2: NaN sec/op"},
		{"Inf and 0 in NEW", []string{"compare", real + "cpu.txt", hostile + "inf_zero.txt"}, 1, "inf_zero.txt:23: BenchmarkJobs/workers=4-2: 0 ns/op"},
		{"NaN in OLD only", []string{"compare", hostile + "nan.txt", real + "cpu.txt"}, 0, "left out of OLD"},
		{"a benchmark missing from NEW", []string{"compare", real + "cpu.txt", hostile + "missing_qsort.txt"}, 1, "missing from NEW: qsort SortMany/workers=1-2"},
		{"a benchmark failed in NEW", []string{"compare", real + "cpu.txt", hostile + "failed_jobs.txt"}, 1, "failed in NEW: BenchmarkJobs/workers=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			if code == 2 {
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
				assert.NotContains(t, stderr, "\x1b")
				assert.Less(t, len(stderr), 400, "a short line")
			}
			if tt.stderr != "" {
				assert.Contains(t, stderr, tt.stderr)
			} else {
				assert.Empty(t, stderr)
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", nil, 2, "no input"},
		{"bad format", []string{"-format", "pdf", real + "cpu.txt"}, 2, "unknown format"},
		{"unknown flag", []string{"-x", real + "cpu.txt"}, 2, "-x"},
		{"malformed", []string{real + "malformed.txt"}, 2, "malformed.txt:4"},
		{"no results", []string{real + "no_results.txt"}, 2, "no benchmark results"},
		{"no sweep", []string{"testdata/README.md"}, 2, "no benchmark results"},
		{"missing file", []string{"nope.txt"}, 2, "nope.txt"},
		{"only bad values", []string{hostile + "all_nan.txt"}, 2, "all_nan.txt:2: BenchmarkA/workers=1-2: NaN sec/op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.msg)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		})
	}
}

// TestLeftOut: a report over results with NaN, +Inf and 0 ns/op reports the
// rest and names each bad line, in text and markdown (csv: on stderr).
func TestLeftOut(t *testing.T) {
	for _, format := range []string{"text", "markdown", "csv"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, "", "-format", format, hostile+"inf_zero.txt")
			require.Equal(t, 0, code, stderr)
			out := stdout
			if format == "csv" {
				out = stderr
			}
			assert.Equal(t, 14, strings.Count(out, "inf_zero.txt:"), "2 +Inf, 12 zeros: %s", out)
			assert.Contains(t, out, "BenchmarkJobs/workers=3-2: +Inf ns/op")
			assert.Contains(t, stdout, "SortMany-2", "the rest is reported")
			assert.NotContains(t, stdout, "NaN")
		})
	}
}

// TestWriteFailure: a report that cannot be written is an error in every
// format (here /dev/full: no space left on device).
func TestWriteFailure(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	for _, format := range []string{"text", "markdown", "csv"} {
		err := run(t.Context(), []string{"-format", format, real + "cpu.txt"}, strings.NewReader(""), full, io.Discard)
		assert.Error(t, err, format)
		assert.Equal(t, cli.ExitFailure, cli.Code(err), format)
	}
}

// TestStdinInterrupted: waiting on standard input that never ends, a
// cancelled context (SIGINT) stops the command at once.
func TestStdinInterrupted(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := run(ctx, []string{"-"}, r, io.Discard, io.Discard)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, cli.ExitInterrupted, cli.Code(err))
	assert.Less(t, time.Since(start), time.Second)
}

// TestDoc keeps the doc comment (the manual on pkg.go.dev) and -h in step.
func TestDoc(t *testing.T) { clitest.CheckDoc(t, "main.go", run) }

// TestGateBusyMachine: real runs of arcfour and sha jobs on this 2-core
// machine, quiet and then beside a CPU hog. The busy run is 44-82% slower
// at 2 to 4 workers, with the same CPU per op and 3-4x the preemptions: the
// gate names each slowdown as the machine's and passes.
func TestGateBusyMachine(t *testing.T) {
	_, stderr, code := runCmd(t, "", "compare", real+"real_gate_quiet.txt", real+"real_gate_busy.txt")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, 6, strings.Count(stderr, "time/op: +"), stderr)
	assert.Equal(t, 12, strings.Count(stderr, "not counted:"), "the time and the B/s that follows from it: %s", stderr)
	assert.Contains(t, stderr, "the machine was busier")
	assert.NotContains(t, stderr, "regression:")
}
