package main

import (
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
		assert.Contains(t, stdout, `Lock\x1b[31m`, args)
	}
	stdout, stderr, code := runCmd(t, "", hostile+"sites.txt")
	assert.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "1e+300")
	assert.Equal(t, "benchreport: left out of the sites (not a finite number from 0): "+hostile+"sites.txt:7: sites of BenchmarkSpin/workers=2-2: serialCPU 1e+300\n", stderr)
}
