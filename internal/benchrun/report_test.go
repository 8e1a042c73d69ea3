package benchrun

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// TestBenchstatLevel: benchstat.txt's intervals are at the report's level:
// 95% for a fixed count or a suite judged at the first look, the level
// left (bench.Level, 99.06%) for one that measured past it; suites that
// share a table (downloads, downloads1) get the wider of theirs.
func TestBenchstatLevel(t *testing.T) {
	k := knobs(t, nil)
	suites, err := Choose(k, 2, "sha,primes,downloads,downloads1")
	require.NoError(t, err)
	all := append([]Suite{Canary(k)}, suites...)
	later := bench.Level(Looks, 12)
	require.InDelta(t, 0.990625, later, 1e-9, "the looks' level past round 6")

	// The go command is a script that prints the arguments it was given.
	bin := t.TempDir()
	fake(t, bin, "go", `shift 2; echo "$@"`+"\n")
	k.Go = filepath.Join(bin, "go")
	raw := filepath.Join(t.TempDir(), "raw.txt")
	require.NoError(t, os.WriteFile(raw, nil, 0o644))

	r := reporter{k: k, env: Env{Dir: t.TempDir()}, raw: raw, suites: all, looks: Looks,
		ran: map[string]int{"canary": 12, "sha": 12, "primes": 6, "downloads": 6, "downloads1": 12}}
	assert.Equal(t, later, r.level(suites[:1]))
	assert.Equal(t, bench.Confidence, r.level(suites[1:2]), "judged at the first look: 95%")
	assert.Equal(t, later, r.level(suites[2:4]), "one table, two levels: the wider")
	assert.Equal(t, bench.Confidence, r.level(all[:1]), "the canary is not judged at the looks")

	var out bytes.Buffer
	require.NoError(t, r.benchstat(context.Background(), &out))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n\n")
	require.Len(t, lines, 4, "canary, sha, primes, the downloads' one table")
	for i, want := range []string{"0.95", "0.990625", "0.95", "0.990625"} {
		assert.True(t, strings.HasPrefix(lines[i], "-confidence "+want+" "), "table %d: %s", i, lines[i])
	}

	r.looks = nil // a fixed count: every table at 95%
	out.Reset()
	require.NoError(t, r.benchstat(context.Background(), &out))
	assert.Equal(t, 4, strings.Count(out.String(), "-confidence 0.95 "))
}
