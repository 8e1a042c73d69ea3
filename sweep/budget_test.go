package sweep

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanPasses: the budget is 5% of the sweep's wall time, spent at the
// knee first, then the base, then the largest count; an op of 200 ms gets
// a pass at go test's defaults; each pass is one op at least; the plan,
// with what each pass costs as measured, stays within the budget.
func TestPlanPasses(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 {
		t.Skip("needs two cores")
	}
	counts := CountsFor(procs)
	op := map[int]time.Duration{}
	for _, c := range counts {
		op[c] = 200 * time.Millisecond / time.Duration(min(c, procs))
	}
	// go test's defaults: 1s a point, one run.
	timed := time.Duration(len(counts)) * 1200 * time.Millisecond
	p := planPasses(counts, op, timed, 0)
	// What a pass costs beside its ops, as on a quiet machine (the plan
	// times the collections itself: a loaded one makes them longer).
	p.fixed = passFixed + 5*time.Millisecond
	require.Equal(t, procs, p.order[0], "the knee first")
	assert.Equal(t, 1, p.order[1], "then the base")
	assert.Equal(t, counts[len(counts)-1], p.order[len(p.order)-1], "then the largest count")
	ran := 0
	for i, n := range p.order {
		w, ok := p.next(i)
		if !ok {
			continue
		}
		ran++
		assert.GreaterOrEqual(t, w.n, 1, "one op at least")
		// A pass's ops run 1.5 times slower, and it costs 30 ms beside.
		ops := 3 * time.Duration(w.n) * op[n] / 2
		p.done(n, w, ops+30*time.Millisecond, ops)
	}
	assert.GreaterOrEqual(t, ran, 1, "an op of 200 ms gets a pass")

	// Where the budget holds one op at each point but not more, each
	// point gets its one op: the knee does not take the base's.
	small := map[int]time.Duration{}
	for _, c := range counts {
		small[c] = 20 * time.Millisecond
	}
	p = planPasses(counts, small, 4*time.Second, 0) // 200 ms of budget
	p.fixed = 30 * time.Millisecond                 // as measured: a pass of one op costs 60 ms
	for i, n := range p.order {
		w, ok := p.next(i)
		require.True(t, ok, "one op at %d", n)
		ops := 3 * time.Duration(w.n) * small[n] / 2
		p.done(n, w, ops+p.fixed, ops)
	}
	assert.LessOrEqual(t, p.spent, time.Duration(0.05*float64(timed)), "within 5% of the wall time")

	// An op longer than the whole budget gets none.
	p = planPasses(counts, map[int]time.Duration{1: time.Hour, procs: time.Hour}, timed, 0)
	_, ok := p.next(0)
	assert.False(t, ok)
}
