package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/benchtest"
)

var aa = filepath.Join("..", "..", "testdata", "bench", "aa")

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "run.txt")
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// TestCompareRealAA: real pairs of make bench runs of one commit on this
// 2-core VM (testdata/bench/aa/README.md says when and how).
func TestCompareRealAA(t *testing.T) {
	// Two quiet runs, minutes apart, with the canary: no regression.
	stdout, stderr, code := runCmd(t, "", "compare", filepath.Join(aa, "quiet-a.txt"), filepath.Join(aa, "quiet-b.txt"))
	assert.Equal(t, 0, code, "%s%s", stdout, stderr)
	assert.Contains(t, stdout, "the canary is steady")
	assert.NotContains(t, stderr, "regression")

	// The pair the gate failed on (../shared/aa-runs): no canary, but one
	// clean commit on both sides: every difference is the machine's, and
	// the status says "cannot judge", not "regression".
	stdout, stderr, code = runCmd(t, "", "compare", filepath.Join(aa, "shared-a-0223.txt"), filepath.Join(aa, "shared-b-0231-host-slower.txt"))
	assert.Equal(t, 3, code, "%s%s", stdout, stderr)
	assert.Contains(t, stdout, "no canary")
	assert.Contains(t, stdout, "the same commit (4540213)")
	assert.Contains(t, stderr, "the machine's: arcfour Jobs/workers=3-2 time/op")
	assert.Contains(t, stderr, "cannot judge")
	assert.NotContains(t, stderr, "regression:")
}

// TestCompareSlowerMachine: NEW made from a real run as if on a machine
// 25% slower (every benchmark, canary included) and from another commit:
// the machine's, exit 3. The same plus one benchmark 50% slower again:
// that one is a regression, exit 1. The code alone slower (canary
// steady): exit 1, named, as without a canary.
func TestCompareSlowerMachine(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(aa, "quiet-a.txt"))
	require.NoError(t, err)
	old := writeFile(t, base)
	other := func(data []byte) string { return writeFile(t, benchtest.Recommit(data, "0123abc")) }

	slower := benchtest.Slowed(base, 1.25, benchtest.All)
	stdout, stderr, code := runCmd(t, "", "compare", old, other(slower))
	assert.Equal(t, 3, code, "%s%s", stdout, stderr)
	assert.Contains(t, stdout, "the machine changed: the canary ran +25.0%")
	assert.Contains(t, stderr, "cannot judge: the machine changed")
	assert.NotContains(t, stderr, "regression")

	worse := benchtest.Slowed(slower, 1.5, benchtest.Named("BenchmarkJobs/workers=2-2"))
	stdout, stderr, code = runCmd(t, "", "compare", old, other(worse))
	assert.Equal(t, 1, code, "%s%s", stdout, stderr)
	assert.Contains(t, stderr, "Jobs/workers=2-2 time/op")
	assert.Contains(t, stderr, "beyond the machine's change")

	code1 := benchtest.Slowed(base, 1.5, benchtest.Named("BenchmarkJobs/workers=2-2"))
	stdout, stderr, code = runCmd(t, "", "compare", old, other(code1))
	assert.Equal(t, 1, code, "%s%s", stdout, stderr)
	assert.Contains(t, stdout, "the canary is steady")
	assert.Contains(t, stderr, "regression: arcfour Jobs/workers=2-2 time/op")
}
