package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
)

// knobNames are every setting benchrun reads.
var knobNames = []string{"GOMAXPROCS", "GO", "COUNT", "BUDGET", "BENCHTIME", "GRAIN_BENCHTIME", "FLAGS_N", "FLAGS_DELAY",
	"FLAGS_BENCHTIME", "CANARY_BENCHTIME", "SUITES", "THRESHOLD", "OLD", "NEW"}

// TestHostileKnobs: every knob that cannot be one, bench-ab's THRESHOLD
// among them, exits 2 with one line on stderr, nothing on stdout, before
// anything is built or a results folder is made.
func TestHostileKnobs(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	t.Chdir(root)
	results := filepath.Join(root, "bench", "results")
	before, _ := os.ReadDir(results)
	tests := []struct {
		cmd, knob, value, says string
	}{
		{"ab", "THRESHOLD", "abc", `THRESHOLD "abc": want a percentage like 5%`},
		{"ab", "THRESHOLD", "-5%", `THRESHOLD "-5%"`},
		{"ab", "THRESHOLD", "5%%", `THRESHOLD "5%%"`},
		{"ab", "THRESHOLD", "NaN", `THRESHOLD "NaN"`},
		{"ab", "THRESHOLD", "allocs/op=", `THRESHOLD "allocs/op="`},
		{"ab", "THRESHOLD", "5%\n-x", `THRESHOLD "5%\n-x"`},
		{"bench", "THRESHOLD", "lots", `THRESHOLD "lots"`},
		{"ab", "THRESHOLD", "5", `THRESHOLD 5: write 5% (a bare number is a fraction: 0.05)`},
		{"ab", "THRESHOLD", "allocs/op=2", `THRESHOLD allocs/op=2: write allocs/op=2% (a bare number is a fraction: allocs/op=0.02)`},
		{"bench", "FLAGS_N", "1000000000", `FLAGS_N "1000000000": want a number of codes from 1 to 676`},
		{"bench", "FLAGS_DELAY", "1000h", `FLAGS_DELAY "1000h"`},
		{"bench", "BUDGET", "100000h", `BUDGET "100000h"`},
		{"bench", "BUDGET", "-1s", `BUDGET "-1s"`},
		{"bench", "COUNT", "1e3", `COUNT "1e3"`},
		{"bench", "COUNT", " 6", `COUNT " 6"`},
		{"bench", "GO", "go\r", `GO "go\r"`},
		{"bench", "GO", "/nonexistent/go", `GO "/nonexistent/go": want the go command, a path or a name found in PATH: no such file`},
		{"bench", "GO", "go version", `GO "go version": want the go command`},
		{"ab", "GO", "/nonexistent/go", `GO "/nonexistent/go"`},
		{"bench", "GO", "/", `GO "/"`},
		{"bench", "BENCHTIME", "99999999999999999999x", `BENCHTIME: benchtime "99999999999999999999x"`},
		{"bench", "SUITES", "arcfour,,sha", `unknown suite ""`},
		{"bench", "GOMAXPROCS", "abc", `GOMAXPROCS "abc": want a number of cores from 1 to 1024`},
		{"bench", "GOMAXPROCS", "0", `GOMAXPROCS "0"`},
		{"ab", "GOMAXPROCS", "100000", `GOMAXPROCS "100000"`},
		{"ab", "OLD", strings.Repeat("a", 1<<20), `OLD "aaaa`},
		{"ab", "NEW", strings.Repeat("b", 2000), `NEW "bbbb`},
		{"bench", "SUITES", "arcfour\x1b[2J", `unknown suite "arcfour\x1b[2J"`},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+" "+tt.knob+"="+tt.value[:min(len(tt.value), 20)], func(t *testing.T) {
			for _, k := range knobNames {
				t.Setenv(k, "")
			}
			t.Setenv(tt.knob, tt.value)
			var stdout, stderr bytes.Buffer
			args := []string{tt.cmd}
			name := nameOf(args)
			code := cli.Report(&stderr, name, command(name)(context.Background(), args, nil, &stdout, &stderr))
			assert.Equal(t, cli.ExitUsage, code, "%s%s", stdout.String(), stderr.String())
			assert.Contains(t, stderr.String(), tt.says)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
			assert.NotContains(t, stderr.String(), "\x1b", "escaped")
			assert.Less(t, stderr.Len(), 400, "a short line")
			assert.Empty(t, stdout.String())
		})
	}
	after, _ := os.ReadDir(results)
	assert.Equal(t, len(before), len(after), "a usage error made a results folder")
}

// TestHelpExitStatuses: -h names every exit status, as the others' do.
func TestHelpExitStatuses(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli.Report(&stderr, "benchrun", command("benchrun")(context.Background(), []string{"-h"}, nil, &stdout, &stderr))
	assert.Equal(t, 0, code)
	for _, s := range []string{"exit status:", "\n  0 ", "\n  1 ", "\n  2 ", "\n  3 ", "\n  4 ", "130/143", "THRESHOLD"} {
		assert.Contains(t, stdout.String(), s)
	}
}

// TestLongKnobValue: a knob's value of a megabyte is named by its start,
// in a line of its own.
func TestLongKnobValue(t *testing.T) {
	for _, k := range knobNames {
		t.Setenv(k, "")
	}
	for _, knob := range []string{"COUNT", "BENCHTIME", "THRESHOLD", "BUDGET", "FLAGS_N"} {
		t.Run(knob, func(t *testing.T) {
			t.Setenv(knob, strings.Repeat("9", 1<<20)+"z")
			var stdout, stderr bytes.Buffer
			code := cli.Report(&stderr, "bench", command("bench")(context.Background(), []string{"bench"}, nil, &stdout, &stderr))
			assert.Equal(t, cli.ExitUsage, code)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"))
			assert.Less(t, stderr.Len(), 300, stderr.String()[:min(300, stderr.Len())])
			assert.Contains(t, stderr.String(), knob)
		})
	}
}
