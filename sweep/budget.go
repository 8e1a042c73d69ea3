package sweep

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// passShare is the most of a sweep's wall time its sites passes take.
const passShare = 0.05

// passCPU is the CPU time a pass's profile wants: at passHz, some 200
// samples, enough for a growth of a fifth of the op to stand out of the
// samples' noise (a Poisson count's standard error is its square root).
const passCPU = 200 * time.Millisecond

// passFixed is what a pass costs beside its ops, before one has been
// measured, on top of the collections it makes (five, timed before the
// plan: a large live heap makes them the larger part): starting and
// reading the profiles and the trace, 20-40 ms measured on a busy 2-core
// machine.
const passFixed = 40 * time.Millisecond

// passGCs is the collections a pass makes.
const passGCs = 5

// passPlan is where a sweep's sites passes run, and for how long.
type passPlan struct {
	budget time.Duration // what the passes may take in all
	spent  time.Duration
	// ratio is the wall time a pass's ops take over the time the timed
	// samples say they take (the profiles and the trace slow them), and
	// fixed what a pass costs beside its ops: each the largest measured.
	ratio float64
	fixed time.Duration
	order []int // the points, in the order they get the budget
	op    map[int]time.Duration
	procs int
}

// planPasses plans a sweep's passes over counts, given each point's time
// per op from the timed samples and the wall time the sweep's timed
// samples took in this process (timed: go test runs each point -count
// times within the one call of Over, so it holds them all). The budget is
// passShare of the sweep's wall time: timed, times runs where the sweep
// runs in that many processes of which this one takes the passes
// (EnvSites "runs:K", make bench's rounds). It goes to the
// points the verdict reads, in this order: GOMAXPROCS (where the cores
// run out: the knee, where most limits are named and the idle cores are
// split), the base (workers=1: growth, work beside the workers and
// waiting are read against it), and the largest count (beyond the
// cores). Each pass runs whole ops, one at least; one op at each point
// is planned before more at any; a point whose one op does not fit what
// is left gets none.
func planPasses(counts []int, op map[int]time.Duration, timed time.Duration, runs int) *passPlan {
	p := &passPlan{op: op, ratio: 1.25, procs: runtime.GOMAXPROCS(0)}
	p.budget = time.Duration(passShare * float64(timed) * float64(max(runs, 1)))
	t0 := time.Now()
	runtime.GC()
	p.fixed = passFixed + passGCs*time.Since(t0)
	if len(counts) == 0 {
		return p
	}
	sorted := slices.Sorted(slices.Values(counts))
	knee := sorted[len(sorted)-1]
	for _, c := range sorted {
		if c >= p.procs {
			knee = c
			break
		}
	}
	for _, c := range []int{knee, sorted[0], sorted[len(sorted)-1]} {
		if !slices.Contains(p.order, c) {
			p.order = append(p.order, c)
		}
	}
	return p
}

// next is the window of the pass at point n, the i-th of the order; ok
// is false where the budget left does not hold one op.
func (p *passPlan) next(i int) (w window, ok bool) {
	n := p.order[i]
	op := p.op[n]
	if op <= 0 {
		return window{}, false
	}
	left := p.budget - p.spent
	cost := func(d time.Duration) time.Duration { return p.fixed + time.Duration(p.ratio*float64(d)) }
	if cost(op) > left {
		return window{}, false
	}
	want := max(op, passCPU/time.Duration(max(min(n, p.procs), 1)))
	// One op at each point after this one is kept for them (those whose
	// one op fits at all); what is beyond is shared evenly.
	extra := left - cost(op)
	for _, m := range p.order[i+1:] {
		if c := cost(p.op[m]); p.op[m] > 0 && c <= p.budget-p.spent {
			extra -= c
		}
	}
	share := cost(op) + max(extra, 0)/time.Duration(len(p.order)-i)
	d := want
	for d > op && cost(d) > share {
		d = max(op, d*3/4)
	}
	// A count of ops: b.Loop runs it exactly, where a duration of a few
	// ops would overshoot by its ramp.
	return window{n: max(int(d/op), 1)}, true
}

// done records what the pass at point n, of window w, cost in wall
// time, of which ops for its ops.
func (p *passPlan) done(n int, w window, cost, ops time.Duration) {
	p.spent += cost
	if d := time.Duration(w.n) * p.op[n]; d > 0 && ops > 0 {
		p.ratio = max(p.ratio, float64(ops)/float64(d))
	}
	if ops > 0 {
		p.fixed = max(p.fixed, cost-ops)
	}
}

// envWindow is the pass's length EnvSites sets (sitesSetting reads it,
// and says a value it cannot use): ok false where it sets none (unset, or
// "runs:K": the budget decides), off true where it turns the pass off.
// runs is K of "runs:K" (0 otherwise): the sweep runs K times in
// processes of their own, of which this one runs the passes (make bench's
// rounds), so that the budget is of all K.
func envWindow() (w window, ok, off bool, runs int) {
	w, on, set := sitesSetting()
	switch {
	case set && !on:
		return window{}, false, true, 0
	case set:
		return w, true, false, 0
	}
	if k, found := strings.CutPrefix(strings.TrimSpace(os.Getenv(EnvSites)), "runs:"); found {
		if n, err := strconv.Atoi(k); err == nil && n > 0 {
			runs = n
		}
	}
	return window{}, false, false, runs
}
