package bench

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/futuresbench/futures/sweep"
)

// WhereKind is the profile a limit's site was read from.
type WhereKind int

const (
	WhereNone WhereKind = iota
	// WhereLock: the mutex profile at the point: the critical sections
	// (the functions that unlocked a mutex others waited for).
	WhereLock
	// WhereAlloc: the allocs profile at the point: the sites that
	// allocated most.
	WhereAlloc
	// WhereGrowth: the CPU profiles of the point and of the base: the
	// functions whose CPU per op grew most.
	WhereGrowth
	// WhereBeside: the CPU profile of the base: goroutines other than the
	// workers (the collector, a library's own), by the function each
	// started in.
	WhereBeside
	// WhereSerial: the CPU profile of the point: the benchmark's own
	// goroutine, around the executor, ran alone.
	WhereSerial
	// WhereLongTask: the CPU profile of the point: the cores sat idle while
	// the work ran on the workers, not on the benchmark's own goroutine:
	// one task outlasted the others.
	WhereLongTask
	// WhereWait: the block profile of the base: where the work waited.
	WhereWait
)

// String is the kind's stable name, as the json output gives it.
func (k WhereKind) String() string {
	return name([]string{"", "lock", "alloc", "growth", "beside", "serial", "longTask", "wait"}, int(k), "WhereKind")
}

// Where is the site of a limit: the largest entries of the profile that
// shows it, from package sweep's sites pass.
type Where struct {
	Kind WhereKind
	At   int // the point whose profile it read
	// Sites are the largest entries, at most 3, and Shares each one's
	// share of Total (of the growth, for WhereGrowth).
	Sites  []sweep.Site
	Shares []float64
	// Total is the kind's whole per op: contention delay or waiting
	// (seconds), bytes allocated, CPU grown, CPU beside the workers or on
	// the benchmark's goroutine (seconds).
	Total float64
	// Waiters are where goroutines waited for the lock (WhereLock), from
	// the block profile: the user's call site.
	Waiters []sweep.Site
	// Overrode is the limit the aggregate counters named, where the
	// profile's more direct evidence named another (LimitUnknown if none).
	Overrode Limit
	// Samples is the CPU profile's samples behind a CPU-based site.
	Samples int
}

// maxWhere is how many sites a Where keeps.
const maxWhere = 3

func topSites(sites []sweep.Site, total float64) ([]sweep.Site, []float64) {
	sites = slices.Clone(sites)
	slices.SortStableFunc(sites, func(a, b sweep.Site) int { return cmp.Compare(b.Value, a.Value) })
	if len(sites) > maxWhere {
		sites = sites[:maxWhere]
	}
	shares := make([]float64, len(sites))
	for i, s := range sites {
		shares[i] = s.Value / total
	}
	return sites, shares
}

func sum(sites []sweep.Site) float64 {
	t := 0.0
	for _, s := range sites {
		t += s.Value
	}
	return t
}

// sitesAt is the sites of the point at x (nil if it has none).
func (a *Analysis) sitesAt(x int) *sweep.Sites {
	for _, p := range a.Points {
		if p.X == x {
			return p.Sites
		}
	}
	return nil
}

// locate finds the site of the limit f names, from the sites pass, and
// lets the mutex profile, more direct than the sampled lock-wait counter,
// name a lock the counters missed. Without sites, f is as it was.
func (a *Analysis) locate(f Finding) Finding {
	if len(a.Rows) < 2 || !a.Rows[0].Trusted() {
		return f
	}
	b, at := a.Rows[0], a.Row(f.At)
	f, overrode := a.lockFromProfile(f, b, at)
	var w *Where
	switch f.Limit {
	case LimitLock:
		w = a.lockWhere(f)
	case LimitGC:
		w = a.allocWhere(at.X)
	case LimitWork:
		w = a.growthWhere(b.X, at.X)
	case LimitSurplus:
		w = a.besideWhere(b.X)
	case LimitParallelism:
		w = a.idleWhere(at)
	case LimitWaiting:
		w = a.waitWhere(b.X)
	}
	if w != nil {
		w.Overrode = overrode
	}
	f.Where = w
	return f
}

// lockFromProfile names a lock where the mutex profile at the point shows
// goroutines waited LockShare or more of the wall time, the point lost
// speedup, and the counters named a limit the lock explains better (more
// CPU per op, idle cores, the collector, or none). Work beside the workers
// at the base is measured directly (a CPU share above the cores'), and
// stays: a lock that costs no idle core does not explain it. overrode is
// the limit the counters named, where the profile overrode it (LimitUnknown
// otherwise).
func (a *Analysis) lockFromProfile(f Finding, b, at Row) (_ Finding, overrode Limit) {
	st := a.sitesAt(at.X)
	if st == nil || at.X == b.X || near(at) {
		return f, LimitUnknown
	}
	share := sum(st.Mutex) / at.Median
	switch f.Limit {
	case LimitWork, LimitParallelism, LimitGC, LimitUnknown:
	default:
		return f, LimitUnknown
	}
	if f.Limit == LimitUnknown && f.Cause != CauseNoLoss || !(share >= LockShare) || f.Limit == LimitGC && share < f.Share {
		return f, LimitUnknown
	}
	overrode = f.Limit
	f.Limit, f.Cause, f.Share, f.Worst, f.Ratio = LimitLock, CauseNone, share, at.X, spinRatio(at)
	return f, overrode
}

func (a *Analysis) lockWhere(f Finding) *Where {
	x := f.Worst
	st := a.sitesAt(x)
	if st == nil || len(st.Mutex) == 0 {
		x = f.At
		if st = a.sitesAt(x); st == nil || len(st.Mutex) == 0 {
			return nil
		}
	}
	w := &Where{Kind: WhereLock, At: x, Total: sum(st.Mutex)}
	w.Sites, w.Shares = topSites(st.Mutex, w.Total)
	for _, s := range st.Block {
		if strings.HasSuffix(s.Wait, ").Lock") || strings.HasSuffix(s.Wait, ").RLock") || strings.HasSuffix(s.Wait, ").lockSlow") {
			w.Waiters = append(w.Waiters, s)
		}
	}
	if len(w.Waiters) > maxWhere {
		w.Waiters = w.Waiters[:maxWhere]
	}
	return w
}

func (a *Analysis) allocWhere(x int) *Where {
	st := a.sitesAt(x)
	if st == nil || len(st.Alloc) == 0 {
		return nil
	}
	w := &Where{Kind: WhereAlloc, At: x, Total: sum(st.Alloc)}
	w.Sites, w.Shares = topSites(st.Alloc, w.Total)
	return w
}

// growthWhere is the functions whose CPU per op grew most from the base to
// x, each with its share of the growth.
func (a *Analysis) growthWhere(base, x int) *Where {
	s0, s1 := a.sitesAt(base), a.sitesAt(x)
	if s0 == nil || s1 == nil || len(s1.CPU) == 0 {
		return nil
	}
	was := map[string]float64{}
	for _, s := range s0.CPU {
		was[s.Func+"\x00"+s.User] += s.Value
	}
	// A function's samples are a Poisson count: its growth per op is named
	// only where it exceeds twice its standard error. Each sample is 10 ms
	// (the CPU profile's 100 Hz).
	const period = 0.01
	variance := func(v float64, ops int) float64 { return v * period / float64(ops) }
	var grown []sweep.Site
	total := 0.0
	for _, s := range s1.CPU {
		before := was[s.Func+"\x00"+s.User]
		g := s.Value - before
		if g <= 0 {
			continue
		}
		total += g
		if g > 2*math.Sqrt(variance(s.Value, s1.Ops)+variance(before, s0.Ops)) {
			s.Value = g
			grown = append(grown, s)
		}
	}
	if !(total > 0) {
		return nil
	}
	w := &Where{Kind: WhereGrowth, At: x, Total: total, Samples: s1.Samples}
	w.Sites, w.Shares = topSites(grown, total)
	return w
}

// besideWhere is what ran beside the workers at the base: goroutines whose
// stacks hold none of the user's frames, by the function each started in.
func (a *Analysis) besideWhere(base int) *Where {
	st := a.sitesAt(base)
	if st == nil {
		return nil
	}
	var beside []sweep.Site
	for _, r := range st.Roots {
		if r.User == "" && !strings.HasPrefix(r.Func, "testing.") {
			beside = append(beside, r)
		}
	}
	if len(beside) == 0 {
		return nil
	}
	w := &Where{Kind: WhereBeside, At: base, Total: sum(beside), Samples: st.Samples}
	w.Sites, w.Shares = topSites(beside, w.Total)
	return w
}

// SerialShare is the share of the CPU profile's samples on the benchmark's
// own goroutine from which idle cores are a serial part: code around the
// executor that runs alone. With one long task instead, that goroutine only
// waits for the workers, and takes next to none.
const SerialShare = 0.15

// idleWhere tells a serial part from one long task by who ran: the
// benchmark's own goroutine (SerialShare or more of the CPU samples), or
// the workers alone. Both sides come from one profile, so its sampling
// rate cancels.
func (a *Analysis) idleWhere(at Row) *Where {
	st := a.sitesAt(at.X)
	if st == nil {
		return nil
	}
	// Who ran: from the trace, exact, where it was taken; else from the
	// CPU profile's samples.
	serial, total := st.RunSerial, st.RunTotal
	if !(total > 0) {
		serial, total = st.SerialCPU, st.CPUTotal
	}
	if !(total > 0) {
		return nil
	}
	if serial/total >= SerialShare {
		w := &Where{Kind: WhereSerial, At: at.X, Total: serial, Samples: st.Samples}
		w.Sites, w.Shares = topSites(st.Serial, st.SerialCPU)
		return w
	}
	// The work on the workers, by the user's function in it.
	byUser := map[string]sweep.Site{}
	for _, c := range st.CPU {
		if c.User == "" {
			continue
		}
		u := byUser[c.User]
		u.Func, u.File, u.Line = c.User, c.UserFile, c.UserLine
		u.Value += c.Value
		byUser[c.User] = u
	}
	var work []sweep.Site
	for _, u := range byUser {
		work = append(work, u)
	}
	slices.SortFunc(work, func(x, y sweep.Site) int { return strings.Compare(x.Func, y.Func) })
	w := &Where{Kind: WhereLongTask, At: at.X, Total: serial, Samples: st.Samples}
	w.Sites, w.Shares = topSites(work, sum(work))
	return w
}

// waitWhere is where the work waited at the base: from the trace, which
// sees sleep and IO, else from the block profile (sync and channels only).
func (a *Analysis) waitWhere(base int) *Where {
	st := a.sitesAt(base)
	if st == nil {
		return nil
	}
	waits := st.Waits
	if len(waits) == 0 {
		waits = st.Block
	}
	if len(waits) == 0 {
		return nil
	}
	w := &Where{Kind: WhereWait, At: base, Total: sum(waits)}
	w.Sites, w.Shares = topSites(waits, w.Total)
	return w
}
