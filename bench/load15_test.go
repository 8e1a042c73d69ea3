package bench

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// load15 reads testdata/real_libs_load15.txt.gz: a real recording, the
// result lines (sites left out) of four sweeps of /tmp/realsweep's
// libs_test.go, run by an outside engineer on 2026-12-07 at a 1-minute
// load of 9 to 17 on 2 cores, 6 rounds each: Goldmark (github.com/yuin/
// goldmark v1.8.7, 64 docs an op), Logrus (github.com/sirupsen/logrus
// v1.10.2, 2000 JSON lines to io.Discard), YAML (gopkg.in/yaml.v3 v3.0.1,
// 64 Unmarshal) and SleepRemote (32 sleeps of 2 ms). Logrus and YAML are
// CPU-bound (their CPU profiles: JSON encoding, the YAML scanner and the
// allocator; no blocking); SleepRemote waits.
func load15(t *testing.T) map[string]*Analysis {
	t.Helper()
	as := readGz(t, "real_libs_load15.txt.gz")
	require.Len(t, as, 4)
	m := map[string]*Analysis{}
	for _, a := range as {
		m[a.Title()] = a
	}
	return m
}

func load15Get(t *testing.T, m map[string]*Analysis, name string) *Analysis {
	t.Helper()
	if a, ok := m["realsweep: "+name+"-2"]; ok {
		return a
	}
	require.Failf(t, "no sweep", "%s among %v", name, m)
	return nil
}

// TestRunQueueIsNotWaiting: CPU-bound work starved by other processes
// used its core 24-35% of the wall time at workers=1 only because its
// threads waited on a run queue (runq-sec/op above the wall time); that is
// not waiting, so the cores still bound it. Before the fix the base's CPU
// share over the wall time decided, and the report said "best allowed:
// none: ... so it waits, and the cores do not bound it" for both. The
// sleeps still wait: their run-queue delay is a tenth of the wall.
func TestRunQueueIsNotWaiting(t *testing.T) {
	m := load15(t)
	for _, name := range []string{"Logrus", "YAML"} {
		a := load15Get(t, m, name)
		b := a.Rows[0]
		require.Less(t, b.CPUShare, WaitShare, "%s: the recording's wall-time share is low", name)
		assert.False(t, a.Waits, "%s: share %v of the time it could run", name, a.BaseRunShare)
		assert.GreaterOrEqual(t, a.BaseRunShare, WaitShare, name)
		assert.NotContains(t, a.BestRule(), "waits", name)
		assert.Contains(t, a.BestRule(), "min(w, 2 cores)", name)
		assert.NotEqual(t, LimitWaiting, a.Limit, "%s: %s", name, a.Verdict())
	}
	s := load15Get(t, m, "SleepRemote")
	assert.True(t, s.Waits, "sleeps wait: share %v", s.BaseRunShare)
	assert.Less(t, s.BaseRunShare, 0.1)
	assert.Contains(t, s.BestRule(), "so it waits")
}

// TestGCEstimateBoundedByCPU: the runtime's collector estimate
// (gc-sec/op) exceeded cpu-sec/op on runs of every sweep of the load-15
// recording (Goldmark at workers=3: cpu 0.043 s, gc 0.149 s an op); the
// collector cannot have used more CPU than the process. Its share is at
// most 1 at every point, a note says where the machine inflated it, and
// the collector is never named at such a point, even as if it were
// trusted. Before the fix the share was gc/cpu unbounded, and gcLimit
// named the collector from it.
func TestGCEstimateBoundedByCPU(t *testing.T) {
	m := load15(t)
	inflated := 0
	for name, a := range m {
		for _, r := range a.Rows {
			assert.LessOrEqual(t, gcShare(r), 1.0, "%s workers=%d", name, r.X)
			if gcInflated(r) {
				inflated++
				f := Finding{}
				assert.False(t, gcLimit(a, r, r, &f), "%s workers=%d: the collector named from an inflated estimate", name, r.X)
			}
		}
	}
	g := load15Get(t, m, "Goldmark")
	w3 := g.Row(3)
	assert.True(t, gcInflated(w3), "Goldmark workers=3: gc 0.149 > cpu 0.043 in a run")
	assert.GreaterOrEqual(t, inflated, 4)
	assert.True(t, slices.ContainsFunc(g.Notes, func(n Note) bool { return n.Kind == NoteGCInflated }), "Goldmark: a note on the inflated estimate")
	assert.True(t, slices.ContainsFunc(g.notes(), func(s string) bool { return strings.Contains(s, "exceeded the CPU the process used") }))
}

// TestBusyOnlySlows: SleepRemote's base is trusted (3% CPU, run-queue
// delay a tenth of the wall) and every other point was disturbed by the
// busy machine; a busy machine can only slow a point down, so the lower
// end of 4 workers' interval (3.04x on 2 cores) still shows the waits
// overlap beyond the cores. Before the fix: "cannot tell how it scales ...
// limit: a busy machine". The CPU-bound sweeps of the same recording,
// whose bases were disturbed, still claim nothing.
func TestBusyOnlySlows(t *testing.T) {
	m := load15(t)
	s := load15Get(t, m, "SleepRemote")
	require.Equal(t, ScalingTooFew, s.Scaling.Kind)
	assert.Equal(t, 4, s.Scaling.Least)
	assert.Greater(t, s.Row(4).SpeedupLo, 3.0)
	assert.Equal(t, LimitWaiting, s.Limit, s.Verdict())
	assert.Contains(t, s.Verdict(), "at least 3.04x at 4 workers")
	for _, name := range []string{"Goldmark", "Logrus", "YAML"} {
		a := load15Get(t, m, name)
		assert.Zero(t, a.Scaling.Least, name)
		assert.Equal(t, LimitMachine, a.Limit, "%s: %s", name, a.Verdict())
		assert.NotContains(t, a.Verdict(), "at least", name)
	}
}
