package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeRuns writes 6 runs of BenchmarkParse: time per op 1ms (±0.25%, median exactly 1ms), and
// the given allocs/op, B/op, MB/s and widgets/s, after the header lines.
func writeRuns(t *testing.T, header string, allocs, bytes, mbs, widgets float64) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(header + "pkg: example.com/m\n")
	for i := range 6 {
		j := 1 + 0.001*(float64(i)-2.5) // median exactly 1
		fmt.Fprintf(&b, "BenchmarkParse-2 1000 %.0f ns/op %.2f MB/s %.0f B/op %.0f allocs/op %.3f widgets/s\n",
			1e6*j, mbs*j, bytes, allocs, widgets*j)
	}
	path := filepath.Join(t.TempDir(), "runs.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGateEveryUnit: with the time flat, allocations tripled, B/op
// quadrupled and MB/s down a third each fail the gate and are named; a
// custom unit marked better=higher fails on a drop and passes on a rise; a
// unit whose runs are all equal is compared exactly (10 -> 11 allocs is a
// change); thresholds can be set per unit; a file compared with itself
// passes.
func TestGateEveryUnit(t *testing.T) {
	const higher = "Unit widgets/s better=higher\n"
	old := writeRuns(t, higher, 10, 1000, 300, 50)
	tests := []struct {
		name  string
		new   string
		args  []string
		code  int
		named []string
	}{
		{"allocations, bytes and throughput", writeRuns(t, higher, 30, 4000, 200, 50), nil, 1, []string{
			"regression: m Parse-2 allocs/op: 10 allocs/op -> 30 allocs/op, +200.0% (every run the same)",
			"regression: m Parse-2 B/op: 1000 B/op -> 4000 B/op, +300.0%",
			"regression: m Parse-2 B/s: 3e+08 B/s -> 2e+08 B/s, -33.3%",
		}},
		{"one more alloc is a change", writeRuns(t, higher, 11, 1000, 300, 50), nil, 1, []string{"allocs/op: 10 allocs/op -> 11 allocs/op, +10.0%"}},
		{"one more alloc under allocs/op=20%", writeRuns(t, higher, 11, 1000, 300, 50), []string{"-threshold", "allocs/op=20%"}, 0, nil},
		{"fewer allocs", writeRuns(t, higher, 5, 500, 300, 50), nil, 0, nil},
		{"custom unit better=higher drops", writeRuns(t, higher, 10, 1000, 300, 40), nil, 1, []string{"widgets/s: 50 widgets/s -> 40 widgets/s, -20.0%"}},
		{"custom unit better=higher rises", writeRuns(t, higher, 10, 1000, 300, 60), nil, 0, nil},
		{"the same file", old, nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"compare"}, tt.args...), old, tt.new)
			stdout, stderr, code := runCmd(t, "", args...)
			assert.Equal(t, tt.code, code, "%s%s", stdout, stderr)
			for _, n := range tt.named {
				assert.Contains(t, stderr, n)
			}
			if tt.code == 0 {
				assert.NotContains(t, stderr, "regression")
			}
		})
	}

	// Without the metadata line the custom unit has no direction: named as
	// not judged, never a failure.
	plainOld, plainNew := writeRuns(t, "", 10, 1000, 300, 50), writeRuns(t, "", 10, 1000, 300, 10)
	stdout, stderr, code := runCmd(t, "", "compare", plainOld, plainNew)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "not judged, no direction")
	assert.Contains(t, stdout, "widgets/s")
}

// TestThresholdFlags: every value is parsed strictly; a bad one is a usage
// error (exit 2) naming it.
func TestThresholdFlags(t *testing.T) {
	old := writeRuns(t, "", 10, 1000, 300, 50)
	for _, bad := range []string{"", "5%%", "allocs/op=", "=5%", "allocs/op=5x", "B op=5%", "-1%", "allocs/op=2000%"} {
		t.Run(bad, func(t *testing.T) {
			_, stderr, code := runCmd(t, "", "compare", "-threshold", bad, old, old)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, "threshold")
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
		})
	}
	_, stderr, code := runCmd(t, "", "compare", "-threshold", "10%", "-threshold", "allocs/op=0%", "-threshold", "MB/s=50%", old, old)
	assert.Equal(t, 0, code, stderr)
}

// TestMachineFormats: -format bmf takes any benchmark output, sweeps or
// not, and is JSON; -format json needs sweeps, as the other reports do.
func TestMachineFormats(t *testing.T) {
	plain := writeRuns(t, "", 10, 1000, 300, 50)
	stdout, stderr, code := runCmd(t, "", "-format", "bmf", plain)
	assert.Equal(t, 0, code, stderr)
	var bmf map[string]map[string]map[string]float64
	if assert.NoError(t, json.Unmarshal([]byte(stdout), &bmf), stdout) {
		assert.Contains(t, bmf["m.BenchmarkParse-2"], "latency")
		assert.Contains(t, bmf["m.BenchmarkParse-2"], "allocs/op")
	}
	_, stderr, code = runCmd(t, "", "-format", "json", plain)
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "no sweep")

	stdout, stderr, code = runCmd(t, "", "-format", "json", filepath.Join("..", "..", "testdata", "bench", "cpu.txt"))
	assert.Equal(t, 0, code, stderr)
	var rep struct{ Schema string }
	assert.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, "futuresbench/report/v2", rep.Schema)

	_, stderr, code = runCmd(t, "", "-format", "yaml", plain)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "bmf")
}

// TestOutputErrors: an output that is a folder is a usage error, and bmf
// of output with no usable result is an input error; neither writes.
func TestOutputErrors(t *testing.T) {
	dir := t.TempDir()
	cpu := filepath.Join("..", "..", "testdata", "bench", "cpu.txt")
	for _, flagName := range []string{"-html", "-svg"} {
		_, stderr, code := runCmd(t, "", flagName, dir, cpu)
		assert.Equal(t, 2, code, stderr)
		assert.Contains(t, stderr, "a folder")
	}
	stdout, stderr, code := runCmd(t, "BenchmarkX-2 10 NaN ns/op\n", "-format", "bmf", "-")
	assert.Equal(t, 2, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "no usable result")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
