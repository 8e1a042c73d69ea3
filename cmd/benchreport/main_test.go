package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
)

const real = "../../bench/testdata/"

func runCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, strings.NewReader(stdin), &stdout, &stderr)
	code := cli.Report(&stderr, "benchreport", err) // before reading stderr: Report writes to it
	return stdout.String(), stderr.String(), code
}

func TestReport(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "speedup.svg")
	stdout, stderr, code := runCmd(t, "", "-svg", svg, real+"cpu.txt", real+"primes.txt")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "arcfour: Jobs-2")
	assert.Contains(t, stdout, "primes: Map-2")
	assert.Contains(t, stdout, "verdict: scales to 2 workers")
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(b), "<polyline"))

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
		{"20% slower", []string{"compare", real + "cpu.txt", "testdata/slower.txt"}, 1, "regression: arcfour Jobs/workers=1-2: +20.0%"},
		{"20% slower, threshold 25%", []string{"compare", "-threshold", "25%", real + "cpu.txt", "testdata/slower.txt"}, 0, ""},
		{"faster", []string{"compare", "testdata/slower.txt", real + "cpu.txt"}, 0, ""},
		{"one input", []string{"compare", real + "cpu.txt"}, 2, "two inputs"},
		{"bad threshold", []string{"compare", "-threshold", "lots", "a", "b"}, 2, "threshold"},
		{"bad alpha", []string{"compare", "-alpha", "2", "a", "b"}, 2, "-alpha"},
		{"malformed", []string{"compare", real + "malformed.txt", real + "cpu.txt"}, 2, "malformed.txt:4"},
		{"nothing in common", []string{"compare", real + "cpu.txt", real + "downloads.txt"}, 2, "no benchmark is in both"},
		{"missing file", []string{"compare", real + "cpu.txt", "nope.txt"}, 1, "nope.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code, stderr)
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
		{"missing file", []string{"nope.txt"}, 1, "nope.txt"},
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
