package benchrun

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProfilesBySuite: each suite keeps its profiles in a folder of its
// own under the run's profiles/: arcfour's and sha's BenchmarkJobs were
// one set of files, sha's written over arcfour's.
func TestProfilesBySuite(t *testing.T) {
	k := knobs(t, nil)
	suites := Table(k, 2)
	profiles := filepath.Join(t.TempDir(), "profiles")
	folder := map[string]string{} // by suite
	for _, s := range suites {
		for _, procs := range s.Procs {
			env := Step{Suite: s, Procs: procs, Sites: "5x"}.Env(profiles)
			var got string
			for _, e := range env {
				if v, ok := strings.CutPrefix(e, "SWEEP_PROFILES="); ok {
					got = v
				}
			}
			require.NotEmpty(t, got, s.ID)
			assert.Equal(t, filepath.Join(profiles, s.ID), got)
			if prev, ok := folder[s.ID]; ok {
				assert.Equal(t, prev, got, "one folder a suite, at every GOMAXPROCS")
			}
			folder[s.ID] = got
		}
	}
	seen := map[string]string{}
	for id, f := range folder {
		if other, ok := seen[f]; ok {
			t.Errorf("%s and %s share %s", id, other, f)
		}
		seen[f] = id
	}
	assert.Contains(t, folder, "arcfour")
	assert.Contains(t, folder, "sha")
	// The pass off: no folder at all.
	for _, e := range (Step{Suite: suites[0], Procs: 1, Sites: "off"}).Env(profiles) {
		assert.False(t, strings.HasPrefix(e, "SWEEP_PROFILES="), e)
	}
}
