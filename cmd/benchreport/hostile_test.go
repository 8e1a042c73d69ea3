package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileInputs: the probes of issue #37 on benchreport, each with its
// exit status and its line on stderr.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	run := "pkg: example.com/m\nBenchmarkW/workers=1-2 1 100 ns/op\nBenchmarkW/workers=2-2 1 50 ns/op\n"
	long := write("long.txt", run+"    sweep-sites: BenchmarkW/workers=1-2 {\"ops\":1,\"cpu\":[{\"func\":\""+strings.Repeat("x", 70000)+"\",\"value\":1}]}\n")
	looks := write("looks.txt", "looks: 6 12 20\n"+run+"looks: 6 12\n"+run)
	badLooks := write("badlooks.txt", run+"looks: 6 6\n"+run)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // the one line
	}{
		{"a sites line past the readers' limit", []string{long}, 2, "benchreport: " + long + ":4: a line of 70079 bytes, longer than the 65535 that a line of benchmark output may be (benchfmt's and benchstat's limit)"},
		{"two looks lines", []string{looks}, 2, "benchreport: " + looks + `:5: looks "6 12" differs from looks "6 12 20" (` + looks + ":1): one run looks after one set of rounds; report the two runs apart"},
		{"a bad looks line names its own line", []string{badLooks}, 2, "benchreport: " + badLooks + `:4: looks "6 6": want ascending round counts from 6`},
		{"a long line in compare", []string{"compare", long, long}, 2, long + ":4: a line of 70079 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		})
	}
}

// TestHostileNamesOnTerminal: compare and the report print a name and a
// commit line holding terminal escapes escaped; a sites value that is no
// measurement is named on stderr, one line each, and the report goes on.
func TestHostileNamesOnTerminal(t *testing.T) {
	for _, args := range [][]string{
		{hostile + "forged_names.txt"},
		{"-format", "markdown", hostile + "forged_names.txt"},
		{"compare", hostile + "forged_names.txt", hostile + "forged_names.txt"},
	} {
		stdout, stderr, code := runCmd(t, "", args...)
		assert.Equal(t, 0, code, stderr)
		assert.NotContains(t, stdout+stderr, "\x1b", args)
		assert.NotContains(t, stdout+stderr, "\r", args)
		if args[0] == "-format" {
			assert.Contains(t, stdout, `Lock\\x1b[31m`, args)
		} else {
			assert.Contains(t, stdout, `Lock\x1b[31m`, args)
		}
	}
	stdout, stderr, code := runCmd(t, "", hostile+"sites.txt")
	assert.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "1e+300")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 5, stderr)
	for i, line := range []int{5, 6, 8, 9} {
		assert.True(t, strings.HasPrefix(lines[[]int{0, 1, 3, 4}[i]], fmt.Sprintf("benchreport: left out of the sites: %ssites.txt:%d: a sites line that does not read (cut short, or not sweep's): sweep-sites: Benchmark", hostile, line)), lines)
	}
	assert.Equal(t, "benchreport: left out of the sites: "+hostile+"sites.txt:7: sites of BenchmarkSpin/workers=2-2: serialCPU 1e+300, not a measurement (a finite number from 0 to 1e+12)", lines[2])
}

// TestHostileUnitOnTerminal: a unit that holds a terminal's escape (its own
// "Unit ... better=lower" line makes it judged) prints escaped in compare's
// table and lines.
func TestHostileUnitOnTerminal(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, base := range []int{0, 90} {
		var b strings.Builder
		b.WriteString("pkg: example.com/m\nUnit wid\x1b[2Jgets/op better=lower\n")
		for i := range 6 {
			fmt.Fprintf(&b, "BenchmarkW/workers=1-2 1 100 ns/op %d wid\x1b[2Jgets/op\n", base+i)
		}
		f := filepath.Join(dir, fmt.Sprint(base)+".txt")
		require.NoError(t, os.WriteFile(f, []byte(b.String()), 0o644))
		files = append(files, f)
	}
	stdout, stderr, code := runCmd(t, "", "compare", files[0], files[1])
	assert.Equal(t, 1, code, stderr)
	assert.NotContains(t, stdout+stderr, "\x1b")
	assert.Contains(t, stderr, `benchreport: regression: m W/workers=1-2 wid\x1b[2Jgets/op: 2.5 wid\x1b[2Jgets/op -> 92.5 wid\x1b[2Jgets/op`)
}

// TestHostileChapterRow: a workload of the chapter's table (one sweep at
// GOMAXPROCS=1, one at 2) whose name holds escapes and markup prints them
// escaped in its row, in text and in markdown.
func TestHostileChapterRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("cores: 2\npkg: example.com/m<b>\n")
	for i := range 6 {
		for _, procs := range []string{"", "-2"} {
			for w, ns := range map[int]int{1: 1000, 2: 510, 3: 505} {
				if procs == "" {
					ns = 1000
				}
				fmt.Fprintf(&b, "BenchmarkX\x1b[2J|y/workers=%d%s 1 %d ns/op\n", w, procs, ns+i)
			}
		}
	}
	f := filepath.Join(t.TempDir(), "chapter.txt")
	require.NoError(t, os.WriteFile(f, []byte(b.String()), 0o644))
	for _, format := range []string{"text", "markdown"} {
		stdout, stderr, code := runCmd(t, "", "-format", format, f)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, stdout, "chapter's table", format)
		assert.NotContains(t, stdout, "\x1b", format)
		if format == "markdown" {
			assert.Contains(t, stdout, `| m&lt;b&gt;: X\\x1b[2J\|y |`)
			assert.NotContains(t, stdout, "<b>")
		} else {
			assert.Contains(t, stdout, `m<b>: X\x1b[2J|y `)
		}
	}
}

// TestHostileUnitUndecided: the gate's undecided line (#36) names a unit
// that holds a terminal's escape escaped too.
func TestHostileUnitUndecided(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, base := range []int{100, 120} {
		var b strings.Builder
		b.WriteString("pkg: example.com/m\nUnit wid\x1b[2Jgets/op better=lower\n")
		for i := range 3 {
			fmt.Fprintf(&b, "BenchmarkW/workers=1-2 1 100 ns/op %d wid\x1b[2Jgets/op\n", base+10*i)
		}
		f := filepath.Join(dir, fmt.Sprint(base)+".txt")
		require.NoError(t, os.WriteFile(f, []byte(b.String()), 0o644))
		files = append(files, f)
	}
	stdout, stderr, _ := runCmd(t, "", "compare", files[0], files[1])
	require.Contains(t, stdout, "undecided: ", stderr)
	assert.NotContains(t, stdout+stderr, "\x1b")
	assert.Contains(t, stdout, `wid\x1b[2Jgets/op`)
}
