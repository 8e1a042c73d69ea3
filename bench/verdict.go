package bench

import (
	"cmp"
	"math"
	"slices"
)

// judge decides, from the model, how far the sweep scales and what stops
// it. Claims about how far rest on the confidence intervals of the
// speedups: two counts whose intervals overlap cannot be told apart, and
// the verdict says so instead of ranking them by their medians.
func judge(a *Analysis) (Scaling, Finding) {
	rows := a.Rows
	nan := math.NaN()
	f := Finding{At: rows[0].X, Share: nan, Ratio: nan, Lo: nan, Hi: nan, Task: nan, PerTask: nan, Serial: nan, GC: nan}
	switch {
	case len(rows) == 1:
		f.At = 0
		return Scaling{Kind: ScalingOne, Knee: rows[0].X, Top: rows[0].X}, f
	case !rows[0].Trusted():
		return Scaling{Kind: ScalingBaseDisturbed}, a.busy(f, rows[:1])
	case len(a.Slow) > 0 && !hasIntervals(rows):
		f.Limit, f.Pattern = LimitSlowCore, PatternMachine
		return Scaling{Kind: ScalingSlowCore}, f
	}
	trusted := a.trusted()
	if len(trusted) < 2 {
		sc := Scaling{Kind: ScalingTooFew, Least: a.least()}
		if l := a.Row(sc.Least); sc.Least > 0 && a.Waits && lockShare(rows[0]) < LockShare &&
			l.SpeedupLo > float64(a.cores(l.X))/float64(a.cores(a.Base)) {
			// More than the cores can give, though the machine slowed it:
			// only overlapping waits do that.
			f.Limit, f.At, f.Share, f.Worst, f.Pattern = LimitWaiting, l.X, a.BaseRunShare, l.X, PatternWaiting
			return sc, f
		}
		return sc, a.busy(f, rows[1:])
	}
	return a.scaling(trusted), a.locate(diagnose(a, trusted, f))
}

// least is the point past the base with the highest lower end of its
// speedup interval above 1 among those disturbed only by a busy machine
// (DisturbBusy: run-queue evidence says other processes took its cores),
// which can only have slowed it: that lower end is still a lower bound of
// its speedup. 0 where there is none.
func (a *Analysis) least() int {
	x, lo := 0, 1.0
	for _, r := range a.Rows[1:] {
		if r.Trusted() || slices.ContainsFunc(r.Disturbed, func(d Disturbance) bool { return d.Kind != DisturbBusy }) {
			continue
		}
		if r.SpeedupLo > lo {
			x, lo = r.X, r.SpeedupLo
		}
	}
	return x
}

// busy names the limit of a sweep whose disturbed points leave nothing to
// judge: the machine, at the point it took most from, where the run-queue
// evidence says so; unknown where it cannot.
func (a *Analysis) busy(f Finding, disturbed []Row) Finding {
	f.Limit, f.At, f.Cause = LimitUnknown, disturbed[0].X, CauseBusyOrWait
	worst := -1.0
	for _, r := range disturbed {
		if r.Shares.Machine >= BusyShare && r.Shares.Machine > worst {
			worst = r.Shares.Machine
			f.Limit, f.At, f.Worst, f.Pattern = LimitMachine, r.X, r.X, PatternMachine
			f.Share = r.Evidence.Others / (r.Median * float64(a.cores(r.X)))
		}
	}
	if worst < 0 && slices.ContainsFunc(disturbed, func(r Row) bool {
		return hasKind(r, DisturbPastBest) && !hasKind(r, DisturbLowShare)
	}) {
		f.Cause = CauseBaseSlowed
	}
	return f
}

func hasKind(r Row, k DisturbKind) bool {
	return slices.ContainsFunc(r.Disturbed, func(d Disturbance) bool { return d.Kind == k })
}

func (a *Analysis) trusted() []Row {
	var out []Row
	for _, r := range a.Rows {
		if r.Trusted() {
			out = append(out, r)
		}
	}
	return out
}

// Row returns the point at x (the zero Row if there is none).
func (a *Analysis) Row(x int) Row {
	if i := slices.IndexFunc(a.Rows, func(r Row) bool { return r.X == x }); i >= 0 {
		return a.Rows[i]
	}
	return Row{}
}

// hasIntervals reports whether every row has a speedup interval.
func hasIntervals(rows []Row) bool {
	return !slices.ContainsFunc(rows, func(r Row) bool { return math.IsNaN(r.SpeedupLo) })
}

// same reports whether r cannot be told apart from t: their speedup
// intervals overlap (without intervals: medians within 5%).
func same(r, t Row, intervals bool) bool {
	if !intervals {
		return math.Abs(r.Speedup-t.Speedup) <= 0.05*math.Max(r.Speedup, t.Speedup)
	}
	return r.SpeedupLo <= t.SpeedupHi && t.SpeedupLo <= r.SpeedupHi
}

func fastest(rows []Row) Row {
	return slices.MaxFunc(rows, func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
}

// knee is the fewest workers that cannot be told apart from the fastest
// trusted point. The base is the knee only if the top gains nothing over
// it: the top's speedup interval already holds the base's noise, and
// comparing the base's own interval with it again would count that noise
// twice.
func (a *Analysis) knee(trusted []Row) (knee, top Row) {
	intervals := hasIntervals(trusted)
	top = fastest(trusted)
	for _, r := range trusted {
		if same(r, top, intervals) && (r.X != a.Base || !gains(top)) {
			return r, top
		}
	}
	return top, top
}

// scaling is how far the sweep scales over its trusted points.
func (a *Analysis) scaling(trusted []Row) Scaling {
	intervals := hasIntervals(trusted)
	knee, top := a.knee(trusted)
	s := Scaling{Kind: ScalingScales, Knee: knee.X, Top: top.X, Intervals: intervals}
	switch {
	case knee.X == a.Base:
		s.Kind = ScalingNone
		return s
	case knee.X > a.Bound && !a.Waits && !a.Declared:
		s.Kind = ScalingPastCores
	}
	for _, r := range trusted {
		if r.X <= knee.X {
			continue
		}
		if same(r, knee, intervals) || r.Speedup > knee.Speedup {
			s.Beyond = append(s.Beyond, r.X)
		} else {
			s.Slower = append(s.Slower, r.X)
		}
	}
	switch {
	case knee.X == a.Rows[len(a.Rows)-1].X:
		s.Tail = TailStill
	case len(s.Slower) > 0:
		s.Tail = TailSlower
	case len(s.Beyond) > 0:
		s.Tail = TailFlat
	}
	return s
}

// diagnose names the one limit the evidence shows, and where it read it: at
// the trusted point with as many workers as cores (or the nearest below),
// where more cores would help most; where that would be the base itself
// on more than one core (the points between were disturbed), at the
// nearest trusted point above it, since the base alone runs nothing in
// parallel. It asks the patterns of the Catalog (catalog.go) in order,
// each by its rule below; the first whose rule holds names it.
func diagnose(a *Analysis, trusted []Row, f Finding) Finding {
	at := trusted[0]
	for _, r := range trusted {
		if r.X <= a.Bound {
			at = r
		}
	}
	if at.X == a.Rows[0].X && slices.ContainsFunc(a.Rows, func(r Row) bool { return r.X > at.X && r.X <= a.Bound && !r.Trusted() }) {
		for _, r := range trusted {
			if r.X > at.X {
				at = r
				break
			}
		}
	}
	f.At = at.X
	b := a.Rows[0]
	if math.IsNaN(b.CPU) || math.IsNaN(at.CPU) {
		f.Cause = CauseNoCPU
		return f
	}
	f.Accounts = accounts(at)
	for _, p := range Catalog {
		if p.rule != nil && p.rule(a, b, at, &f) {
			f.Pattern = p.ID
			return f
		}
	}
	f.Limit, f.Cause = LimitUnknown, CauseNoLoss
	return f
}

// waitLimit: the base used less than WaitShare of the time its threads
// could run (RunShare: the run-queue delay is the machine's, not a wait),
// with no lock to blame: the work waits, and more workers than cores
// overlap the waits.
func waitLimit(a *Analysis, b, at Row, f *Finding) bool {
	if !(a.BaseRunShare < WaitShare) || lockShare(b) >= LockShare {
		return false
	}
	f.Limit, f.Share, f.Worst = LimitWaiting, a.BaseRunShare, fastest(a.trusted()).X
	return true
}

// lockShare is the time goroutines waited on locks over the wall time.
func lockShare(r Row) float64 { return r.Evidence.Lock / r.Median }

// lockLimit: goroutines waited on locks for LockShare or more of the wall
// time at a point past the base, which lost speedup.
func lockLimit(a *Analysis, b, at Row, f *Finding) bool {
	if at.X == b.X || near(at) {
		return false
	}
	worst := at
	for _, r := range a.trusted() {
		if r.X > b.X && r.X <= at.X && lockShare(r) > lockShare(worst) {
			worst = r
		}
	}
	if !(lockShare(worst) >= LockShare) {
		return false
	}
	f.Limit, f.Share, f.Worst, f.Ratio = LimitLock, lockShare(worst), worst.X, spinRatio(at)
	return true
}

// spinRatio is how much the CPU per op rose at a point held by a lock
// (spinning on it), where it rose 1/0.9 or more; NaN otherwise.
func spinRatio(at Row) float64 {
	if at.Factors.Work < 0.9 {
		return 1 / at.Factors.Work
	}
	return math.NaN()
}

// near reports whether r reached Near of its ideal speedup, or cannot be
// told from it: its speedup interval holds the ideal.
func near(r Row) bool {
	return r.Speedup >= Near*r.Factors.Ideal || r.SpeedupHi >= r.Factors.Ideal
}

// coresReached: the point's median reached Near of the ideal speedup.
func coresReached(a *Analysis, b, at Row, f *Finding) bool {
	return at.Speedup >= Near*at.Factors.Ideal && coresLimit(a, b, at, f)
}

// coresLimit: the point reached Near of the ideal speedup, or its interval
// holds the ideal and its cores were busy (Used Near or more): a wide
// interval does not name the cores where a tenth of them sat idle.
//
// The cores are a claim like any other: named only where the point's
// speedup interval shows it reached them, its lower end within
// SettleMargin of the ideal. An interval that cannot show it (1.59x [0.93,
// 2.83] on 2 cores) names no limit yet (CauseCoresOpen).
func coresLimit(a *Analysis, b, at Row, f *Finding) bool {
	if !near(at) || at.Speedup < Near*at.Factors.Ideal && at.Shares.Used < Near {
		return false
	}
	if at.X != b.X && at.SpeedupLo < at.Factors.Ideal/(1+SettleMargin) {
		f.Limit, f.Cause = LimitUnknown, CauseCoresOpen
		return true
	}
	f.Limit, f.Share = LimitCores, at.Speedup/at.Factors.Ideal
	return true
}

// gcShare is the collector's share of the CPU time, at most all of it:
// gc-sec/op is the runtime's estimate (/cpu/classes/gc), GOMAXPROCS x the
// wall time of its stop-the-world phases and its workers' time, which a
// busy machine inflates past the CPU the process got (gcInflated).
func gcShare(r Row) float64 { return math.Min(r.Evidence.GC, r.CPU) / r.CPU }

// gcInflated says the collector's estimate at r exceeded the CPU the
// process used, in a run or at the median: the machine's, not the collector's, so no limit is named
// from it.
func gcInflated(r Row) bool { return r.Evidence.GCInflated > 0 || r.Evidence.GC > r.CPU }

// gcEvidence is gcShare where the estimate can be read, NaN where it is
// inflated (gcInflated).
func gcEvidence(r Row) float64 {
	if gcInflated(r) {
		return math.NaN()
	}
	return gcShare(r)
}

// gcLimit: the collector took GCShare or more of the CPU at the point or at
// the base, read only where its estimate is within the CPU (never where it
// is inflated at the point).
func gcLimit(a *Analysis, b, at Row, f *Finding) bool {
	if gcInflated(at) || !(gcShare(at) >= GCShare || gcEvidence(b) >= GCShare) {
		return false
	}
	f.Limit, f.Share, f.GC = LimitGC, gcShare(at), gcEvidence(b)
	return true
}

// taskTime is the time per task at the base, where the sweep declares its
// tasks per op; NaN elsewhere.
func taskTime(b Row) float64 { return b.Median / b.Evidence.Tasks }

// executorLimit: tasks smaller than TinyTask, and speedup lost.
func executorLimit(a *Analysis, b, at Row, f *Finding) bool {
	t := taskTime(b)
	if !(t < TinyTask) {
		return false
	}
	f.Limit, f.Task = LimitExecutor, t
	f.PerTask = math.Max((at.Median*float64(a.cores(at.X))-b.Median*float64(a.cores(b.X)))/b.Evidence.Tasks, 0)
	return true
}

// MinLoss is how far below 1 a factor must be for its loss to be named.
const MinLoss = 0.95

// largestLoss names the factor that lost the most of what remains: work
// beside the workers at the base (Surplus), more CPU per op (Work, where
// its interval rules out no change or it lost clearly more), or cores
// idle with nothing to run (Idle). A loss smaller than MinLoss is no evidence: nothing is named
// on it.
func largestLoss(a *Analysis, b, at Row, f *Finding) bool {
	fs := at.Factors
	// More CPU per op whose interval holds no change is named only where
	// it lost clearly more than the other two (by a margin of 3%).
	work := fs.Work
	if fs.WorkHi >= 1 && !(fs.Work < 0.97*min(fs.Surplus, fs.Idle)) {
		work = 1
	}
	loss := min(fs.Surplus, work, fs.Idle)
	if !(loss < MinLoss) {
		return false
	}
	switch loss {
	case fs.Surplus:
		f.Limit, f.Share, f.GC = LimitSurplus, b.CPUShare, gcEvidence(b)
	case work:
		f.Limit, f.Ratio = LimitWork, 1/fs.Work
		f.Lo, f.Hi = 1/fs.WorkHi, 1/fs.WorkLo
	default:
		f.Limit, f.Share, f.Serial = LimitParallelism, at.Shares.Idle, a.fitSerial()
	}
	return true
}

// amdahl is the speedup a serial fraction f allows on n cores.
func amdahl(f float64, n int) float64 { return 1 / (f + (1-f)/float64(n)) }

// fitSerial fits Amdahl's serial fraction to the trusted points' Idle
// factors: a serial fraction f leaves n cores busy 1/(1 + f(n-1)) of the
// time, so 1/Idle - 1 = f(n-1), fitted by least squares through the origin.
func (a *Analysis) fitSerial() float64 {
	var sxy, sxx float64
	for _, r := range a.trusted() {
		n := float64(a.cores(r.X)) / float64(a.cores(a.Base))
		if n <= 1 || math.IsNaN(r.Factors.Idle) || r.Factors.Idle <= 0 {
			continue
		}
		y := 1/r.Factors.Idle - 1
		sxy += y * (n - 1)
		sxx += (n - 1) * (n - 1)
	}
	if sxx == 0 {
		return math.NaN()
	}
	return math.Min(math.Max(sxy/sxx, 0), 1)
}
