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
	// WhereWait: the block profile of the base: where the work waited; or,
	// in the idle split of the trace at the point, where workers slept or
	// waited in a WaitGroup, a Cond or IO.
	WhereWait
	// WhereSpin: the CPU profiles of the point and of the base: the CPU
	// per op that grew went to a mutex's spin and wake paths, by the code
	// that took the lock.
	WhereSpin
	// WhereChannels: the idle split of the trace at the point: workers
	// blocked on channels or in select, by where they blocked.
	WhereChannels
	// WhereUndecided: the idle split of the trace (or what was measured of
	// it) names no part that holds half of the idle core time: the
	// evidence cannot decide which; Parts holds what it measured.
	WhereUndecided
)

// String is the kind's stable name, as the json output gives it.
func (k WhereKind) String() string {
	return name([]string{"", "lock", "alloc", "growth", "beside", "serial", "longTask", "wait", "spin", "channels", "undecided"}, int(k), "WhereKind")
}

// Part is one part of the idle core time at a point: the pattern it
// stands for and its share of the whole.
type Part struct {
	Pattern PatternID
	Share   float64
}

// Where is the site of a limit: the largest entries of the profile that
// shows it, from package sweep's sites pass.
type Where struct {
	Kind WhereKind
	At   int // the point whose profile it read
	// Sites are the largest entries, at most 3, and Shares each one's
	// share of Total (of the growth, for WhereGrowth and WhereSpin; of the
	// idle core time, Idle, where the site was read from the idle split).
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
	// Part is the share of the idle core time at At the site's pattern
	// holds, where the trace's idle split named it (or the share of the
	// CPU growth that spun on a lock, WhereSpin); 0 where it was not read
	// from a split. Idle is the idle core time per op it split.
	Part, Idle float64
	// Parts is the whole split, largest first (WhereUndecided, and where
	// a part was named).
	Parts []Part
	// Measured says what the split was read from: "trace" (the sites
	// pass's trace at the point, split into every part), "run" (only the
	// time the benchmark's goroutine ran: no split of the rest).
	Measured string
	// Machine is the core time per op other processes took at the point
	// while its threads waited, where it was as large as half of the part
	// that held most (a serial part, one long task): WhereUndecided, since
	// the machine may have made that part.
	Machine float64
}

// maxWhere is how many sites a Where keeps.
const maxWhere = 3

func topSites(sites []sweep.Site, total float64) ([]sweep.Site, []float64) {
	// Package testing's frames are the harness's (b.Loop, ResetTimer),
	// never a site of the work.
	sites = slices.DeleteFunc(slices.Clone(sites), func(s sweep.Site) bool { return strings.HasPrefix(s.Func, "testing.") })
	slices.SortStableFunc(sites, func(a, b sweep.Site) int { return cmp.Compare(b.Value, a.Value) })
	if len(sites) > maxWhere {
		sites = sites[:maxWhere]
	}
	// A site under 1% of the whole is no evidence of anything: it is
	// left out, but for the first.
	for i := 1; i < len(sites); i++ {
		if total > 0 && sites[i].Value/total < 0.01 {
			sites = sites[:i]
			break
		}
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
		if p.X == x && p.Sites != nil && p.Sites.Ops > 0 {
			return p.Sites
		}
	}
	return nil
}

// locate finds the site of the limit f names, from the sites pass, and
// lets the more direct evidence of the profiles and the trace name a lock
// the sampled counters missed: the mutex profile (lockFromProfile), the
// CPU that grew spinning on a mutex (spinWhere), the idle core time spent
// blocked on a mutex or woken by its Unlock (idleWhere). Without sites, f
// is as it was.
func (a *Analysis) locate(f Finding) Finding {
	if len(a.Rows) < 2 || !a.Rows[0].Trusted() {
		return f
	}
	b, at := a.Rows[0], a.Row(f.At)
	f, overrode := a.lockFromProfile(f, b, at)
	if overrode != LimitUnknown {
		f.Pattern = PatternLock
	}
	var w *Where
	switch f.Limit {
	case LimitLock:
		w = a.lockWhere(f)
	case LimitGC:
		w = a.allocWhere(at.X)
		// The collector is named from its share of the CPU; where the
		// trace shows a lock holding half of the idle core time, and the
		// lock then accounts for more of the lost speedup than any other
		// pattern, the lock limits it (a cache whose Unlock wakes a
		// waiter that waits to be scheduled, while it also allocates).
		if iw := a.idleWhere(at); iw != nil && iw.Kind == WhereLock {
			if acs := a.refine(f.Accounts, b, at); len(acs) > 0 && acs[0].Pattern == PatternLock {
				overrode, w = f.Limit, iw
				f.Limit, f.Share, f.Worst, f.Ratio, f.GC = LimitLock, lockShare(at), at.X, spinRatio(at), math.NaN()
			}
		}
	case LimitWork:
		w = a.growthWhere(b.X, at.X)
		if sw := a.spinWhere(b.X, at.X); sw != nil {
			overrode, w = f.Limit, sw
			f.Limit, f.Pattern, f.Share, f.Worst = LimitLock, PatternLock, lockShare(at), at.X
		}
	case LimitSurplus:
		w = a.besideWhere(b.X)
	case LimitParallelism:
		w = a.idleWhere(at)
		if w != nil && w.Kind == WhereLock {
			overrode = f.Limit
			f.Limit, f.Share, f.Worst, f.Ratio = LimitLock, lockShare(at), at.X, spinRatio(at)
		}
	case LimitExecutor:
		// Tiny tasks whose added core time went to a lock (a convoy: each
		// task takes one mutex) are held by the lock, not the executor:
		// the idle cores' part of the trace, or the CPU that grew spinning.
		if iw := a.idleWhere(at); iw != nil && iw.Kind == WhereLock && at.Factors.Idle < MinLoss {
			overrode, w = f.Limit, iw
			f.Limit, f.Share, f.Worst, f.Ratio = LimitLock, lockShare(at), at.X, spinRatio(at)
		} else if sw := a.spinWhere(b.X, at.X); sw != nil && at.Factors.Work < MinLoss {
			overrode, w = f.Limit, sw
			f.Limit, f.Share, f.Worst = LimitLock, lockShare(at), at.X
		}
	case LimitWaiting:
		w = a.waitWhere(b.X)
	}
	if w != nil {
		w.Overrode = overrode
		if p := w.pattern(); p != PatternNone {
			f.Pattern = p
		}
	}
	f.Where = w
	f.Accounts = a.refine(f.Accounts, b, at)
	return f
}

// refine splits the accounts of the lost speedup by what the sites pass
// measured at the point: the idle cores' share by the trace's idle split
// (a serial part, one long task, the lock, channels, waiting; the rest
// stays idle cores), and the growth's by the share that spun on a lock.
// The parts of one pattern are summed; the result is largest first.
func (a *Analysis) refine(acs []Account, b, at Row) []Account {
	st := a.sitesAt(at.X)
	if st == nil || len(acs) == 0 {
		return acs
	}
	by := map[PatternID]float64{}
	for _, ac := range acs {
		switch {
		case ac.Pattern == PatternIdle && st.Idle != nil && st.Idle.Total > 0:
			// As idleWhere reads it: a serial part or a tail the machine
			// may have made stays idle cores.
			w := a.idleWhere(at)
			rest := 1.0
			for _, p := range w.Parts {
				if w.Machine > 0 && (p.Pattern == PatternSerial || p.Pattern == PatternLongTask) {
					continue
				}
				by[p.Pattern] += ac.Share * p.Share
				rest -= p.Share
			}
			by[PatternIdle] += ac.Share * math.Max(rest, 0)
		case ac.Pattern == PatternGrowth:
			if sw := a.spinWhere(b.X, at.X); sw != nil {
				by[PatternLock] += ac.Share * sw.Part
				by[PatternGrowth] += ac.Share * (1 - sw.Part)
			} else {
				by[PatternGrowth] += ac.Share
			}
		default:
			by[ac.Pattern] += ac.Share
		}
	}
	out := make([]Account, 0, len(by))
	for _, p := range Catalog {
		if v, ok := by[p.ID]; ok && v > 0 {
			out = append(out, Account{p.ID, v})
		}
	}
	sortAccounts(out)
	return out
}

// pattern is the catalog's entry the site was read for.
func (w *Where) pattern() PatternID {
	switch w.Kind {
	case WhereLock, WhereSpin:
		return PatternLock
	case WhereSerial:
		return PatternSerial
	case WhereLongTask:
		return PatternLongTask
	case WhereChannels:
		return PatternChannels
	case WhereUndecided:
		return PatternIdle
	case WhereWait:
		return PatternWaiting
	}
	return PatternNone
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
	case LimitWork, LimitParallelism, LimitGC, LimitUnknown, LimitExecutor:
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

// cpuPeriod is the CPU profile's sampling period of st, in seconds.
func cpuPeriod(st *sweep.Sites) float64 {
	if st.CPUPeriod > 0 {
		return st.CPUPeriod
	}
	return 0.01
}

// growthWhere is the functions whose CPU per op grew most from the base to
// x, each with its share of the growth. CPU in a mutex's spin and wake
// paths is the lock's (spinWhere), not a function's growth.
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
	// only where it exceeds twice its standard error.
	variance := func(v float64, st *sweep.Sites) float64 { return v * cpuPeriod(st) / float64(st.Ops) }
	var grown []sweep.Site
	total := 0.0
	for _, s := range s1.CPU {
		before := was[s.Func+"\x00"+s.User]
		g := s.Value - before
		if g <= 0 || isSpin(s.Func) {
			continue
		}
		total += g
		if g > 2*math.Sqrt(variance(s.Value, s1)+variance(before, s0)) {
			s.Value = g
			grown = append(grown, s)
		}
	}
	if !(total > 0) {
		return nil
	}
	w := &Where{Kind: WhereGrowth, At: x, Total: total, Samples: s1.Samples}
	w.Sites, w.Shares = topSites(grown, total)
	if sp := a.spinShare(base, x); len(w.Sites) == 0 && sp >= SpinPart {
		// No function stands out, nor the lock's spin (else spinWhere
		// had named it), but the spin holds half of what grew: said.
		w.Part = math.Min(sp, 1)
	}
	return w
}

// spinCPU is the CPU per op of st in a mutex's spin and wake paths, by the
// site that took the lock: LockCPU, where the pass split it out, plus any
// spin functions left in CPU (a file from before LockCPU: there the site
// is the runtime's spin function, from the user's frame).
func spinCPU(st *sweep.Sites) (total float64, sites []sweep.Site) {
	total = st.LockCPUTotal
	if !(total > 0) {
		total = sum(st.LockCPU)
	}
	sites = append(sites, st.LockCPU...)
	for _, s := range st.CPU {
		if isSpin(s.Func) {
			total += s.Value
			sites = append(sites, s)
		}
	}
	return total, sites
}

// SpinPart is the share of the CPU per op that grew from which, where it
// grew in a mutex's spin and wake paths, the growth is the lock's.
const SpinPart = 0.5

// spinWhere names the lock where the CPU per op that grew from the base to
// x went, SpinPart of it or more and beyond its noise, to a mutex's spin
// and wake paths (a lock is a lock, spinning or asleep); nil otherwise.
// Its sites are the code that took the lock, by the growth of each.
func (a *Analysis) spinWhere(base, x int) *Where {
	s0, s1 := a.sitesAt(base), a.sitesAt(x)
	if s0 == nil || s1 == nil || s1.Ops == 0 || s0.Ops == 0 {
		return nil
	}
	spin0, _ := spinCPU(s0)
	spin1, _ := spinCPU(s1)
	grew := s1.CPUTotal - s0.CPUTotal
	spin := spin1 - spin0
	noise := 2 * math.Sqrt(spin1*cpuPeriod(s1)/float64(s1.Ops)+spin0*cpuPeriod(s0)/float64(s0.Ops))
	if !(grew > 0) || !(spin > noise) || spin < SpinPart*grew {
		return nil
	}
	return a.spinSites(base, x, spin, grew, s1)
}

// spinShare is the share of the CPU per op that grew from base to x that
// went to a mutex's spin and wake paths, whether or not it stands out of
// the noise (NaN where it cannot be computed).
func (a *Analysis) spinShare(base, x int) float64 {
	s0, s1 := a.sitesAt(base), a.sitesAt(x)
	if s0 == nil || s1 == nil {
		return math.NaN()
	}
	spin0, _ := spinCPU(s0)
	spin1, _ := spinCPU(s1)
	grew := s1.CPUTotal - s0.CPUTotal
	if !(grew > 0) {
		return math.NaN()
	}
	return (spin1 - spin0) / grew
}

// spinSites is the Where of a lock read from its spin: the code that took
// it, by the growth of each.
func (a *Analysis) spinSites(base, x int, spin, grew float64, s1 *sweep.Sites) *Where {
	s0 := a.sitesAt(base)
	_, sites1 := spinCPU(s1)
	_, sites0 := spinCPU(s0)
	was := map[string]float64{}
	for _, s := range sites0 {
		was[s.Func+"\x00"+s.Wait+"\x00"+s.User] += s.Value
	}
	var grown []sweep.Site
	for _, s := range sites1 {
		if g := s.Value - was[s.Func+"\x00"+s.Wait+"\x00"+s.User]; g > 0 {
			s.Value = g
			grown = append(grown, s)
		}
	}
	w := &Where{Kind: WhereSpin, At: x, Total: spin, Part: math.Min(spin/grew, 1), Samples: s1.Samples}
	w.Sites, w.Shares = topSites(grown, spin)
	if st := a.sitesAt(x); len(st.Mutex) > 0 {
		w.Waiters = append(w.Waiters, topOf(st.Mutex, 1)...)
	}
	return w
}

func topOf(sites []sweep.Site, n int) []sweep.Site {
	s, _ := topSites(sites, 1)
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// besideWhere is what ran beside the workers at the base: goroutines whose
// stacks hold none of the user's frames, by the function each started in.
func (a *Analysis) besideWhere(base int) *Where {
	st := a.sitesAt(base)
	if st == nil {
		return nil
	}
	// The runtime's own goroutines (the collector's workers, and stacks
	// cut short at mcall or morestack) are no library's: the collector is
	// said from gc-sec/op, and a runtime leaf is never a site alone.
	// A function that some goroutine started in and ran the user's code
	// from is the workers' (the executor's worker loop): its samples
	// without the user's frames are the executor's own code between tasks,
	// not work beside the workers.
	workers := map[string]bool{}
	for _, r := range st.Roots {
		if r.User != "" {
			workers[r.Func] = true
		}
	}
	var beside []sweep.Site
	for _, r := range st.Roots {
		if r.User == "" && !workers[r.Func] && !strings.HasPrefix(r.Func, "testing.") && !strings.HasPrefix(r.Func, "runtime.") {
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

// idleKinds are the Kinds of the idle split's waits, by the pattern they
// stand for: a mutex is the lock; a channel or select, blocking on
// channels; sleep, IO, a WaitGroup or a Cond, waiting. The rest
// (preempted, new, other) is the scheduler's or unexplained, and no
// pattern.
var idleKinds = map[string]PatternID{
	"lock": PatternLock, "chan": PatternChannels, "select": PatternChannels,
	"waitgroup": PatternWaiting, "cond": PatternWaiting, "sleep": PatternWaiting, "io": PatternWaiting, "syscall": PatternWaiting,
}

// idleWhere names the part of the idle core time at the point that holds
// IdlePart of it or more, from the trace of the sites pass: a serial part
// (the benchmark's own goroutine ran alone), one long task (the tail: the
// others done while one ran its last input), the lock (workers blocked on a
// mutex, or runnable after the Unlock that woke them), blocking on
// channels, or waiting. Where no part holds half, the Where says what was
// measured and that it cannot decide (WhereUndecided). Idle cores are
// explained by measured time only: a file whose sites hold no split (from
// before it) measures only the time the benchmark's goroutine ran, which
// can name a serial part, never one long task.
func (a *Analysis) idleWhere(at Row) *Where {
	st := a.sitesAt(at.X)
	if st == nil {
		return nil
	}
	if id := st.Idle; id != nil && id.Total > 0 {
		w := idleSplit(at.X, id, st.Samples)
		// A worker "still running its last input", or the benchmark's
		// goroutine "running alone", whose thread the OS had given to
		// another process is the machine's: where others' CPU at the
		// point is half of the part or more, the part is no evidence.
		machine := at.Shares.Machine * at.Median * float64(a.cores(at.X))
		if (w.Kind == WhereLongTask || w.Kind == WhereSerial) && machine >= 0.5*w.Part*w.Idle {
			// The part's site stays: where the time was measured.
			w.Kind, w.Total, w.Part, w.Machine = WhereUndecided, id.Total, 0, machine
		}
		return w
	}
	// Who ran: from the trace, exact, where it was taken; else from the
	// CPU profile's samples. While the benchmark's goroutine runs alone,
	// the other cores sit idle.
	serial := st.RunSerial
	if !(st.RunTotal > 0) {
		serial = st.SerialCPU
	}
	idle := at.Shares.Idle * at.Median * float64(a.cores(at.X))
	if !(idle > 0) || math.IsNaN(serial) {
		return nil
	}
	part := math.Min(serial*float64(a.cores(at.X)-1)/idle, 1)
	w := &Where{At: at.X, Idle: idle, Part: part, Samples: st.Samples, Measured: "run", Parts: []Part{{PatternSerial, part}}}
	if machine := at.Shares.Machine * at.Median * float64(a.cores(at.X)); part >= IdlePart && machine >= 0.5*part*idle {
		// As with the trace's split: the machine may have made it.
		w.Kind, w.Total, w.Machine = WhereUndecided, idle, machine
		return w
	}
	if part >= IdlePart {
		w.Kind, w.Total = WhereSerial, serial
		w.Sites, w.Shares = topSites(st.Serial, st.SerialCPU)
		return w
	}
	w.Kind, w.Total = WhereUndecided, idle
	return w
}

// idleSplit reads the trace's split of the idle core time at x.
func idleSplit(x int, id *sweep.Idle, samples int) *Where {
	by := map[PatternID][]sweep.Site{}
	val := map[PatternID]float64{PatternSerial: id.Serial, PatternLongTask: id.Tail}
	for _, list := range [][]sweep.Site{id.Blocked, id.Runnable} {
		for _, s := range list {
			if p, ok := idleKinds[s.Kind]; ok {
				val[p] += s.Value
				by[p] = append(by[p], s)
			}
		}
	}
	w := &Where{At: x, Idle: id.Total, Samples: samples, Measured: "trace"}
	best := PatternNone
	for _, p := range []PatternID{PatternSerial, PatternLongTask, PatternLock, PatternChannels, PatternWaiting} {
		share := math.Min(val[p]/id.Total, 1)
		if share > 0 {
			w.Parts = append(w.Parts, Part{p, share})
		}
		if best == PatternNone || val[p] > val[best] {
			best = p
		}
	}
	slices.SortStableFunc(w.Parts, func(x, y Part) int { return cmp.Compare(y.Share, x.Share) })
	w.Part = math.Min(val[best]/id.Total, 1)
	if !(w.Part >= IdlePart) {
		w.Kind, w.Total, w.Part = WhereUndecided, id.Total, 0
		return w
	}
	w.Total = val[best]
	switch best {
	case PatternSerial:
		w.Kind = WhereSerial
		w.Sites, w.Shares = topSites(id.SerialSites, id.Total)
		// The wall time it ran alone: the cores it left idle are the
		// rest of GOMAXPROCS.
		w.Total = id.Serial / float64(max(id.Procs-1, 1))
	case PatternLongTask:
		w.Kind = WhereLongTask
		w.Sites, w.Shares = topSites(id.TailSites, id.Total)
	case PatternLock:
		w.Kind = WhereLock
		kind := func(list []sweep.Site) []sweep.Site {
			var out []sweep.Site
			for _, s := range list {
				if idleKinds[s.Kind] == PatternLock {
					out = append(out, s)
				}
			}
			return out
		}
		blocked, woken := kind(id.Blocked), kind(id.Runnable)
		// The critical sections that woke the waiters first (the caller
		// of Unlock), then where they waited to take it.
		w.Sites, w.Shares = topSites(woken, id.Total)
		w.Waiters, _ = topSites(blocked, id.Total)
		if len(w.Sites) == 0 {
			w.Sites, w.Shares = topSites(blocked, id.Total)
			w.Waiters = nil
		}
	case PatternChannels:
		w.Kind = WhereChannels
		w.Sites, w.Shares = topSites(by[best], id.Total)
	default:
		w.Kind = WhereWait
		w.Sites, w.Shares = topSites(by[best], id.Total)
	}
	return w
}

// waitWhere is where the work waited at the base: from the trace, which
// sees sleep and IO, else from the block profile (sync and channels only).
func (a *Analysis) waitWhere(base int) *Where {
	st := a.sitesAt(base)
	if st == nil {
		return nil
	}
	// A goroutine preempted was runnable, not waiting, and one that
	// waited for the collector ("GC mark assist wait for work") waited
	// for the collector: neither is the work's wait; nor is package
	// testing's (the harness waiting for the benchmark).
	var waits []sweep.Site
	for _, s := range st.Waits {
		if s.Wait != "preempted" && s.Kind != "preempted" && !strings.HasPrefix(s.Wait, "GC ") && !strings.HasPrefix(s.Func, "testing.") {
			waits = append(waits, s)
		}
	}
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
