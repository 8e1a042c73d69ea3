package bench

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// verdict says in plain words how far the sweep scales and what stops it.
// Claims about how far rest on the confidence intervals of the speedups: two
// counts whose intervals overlap cannot be told apart, and the verdict says
// so instead of ranking them by their medians. What stops it is named by
// diagnose from the model.
func verdict(a *Analysis) string {
	rows := a.Rows
	if len(rows) == 1 {
		r := rows[0]
		if math.IsNaN(r.OfBest) {
			return fmt.Sprintf("only %s=%d measured: %s per op", a.Key, r.X, fmtSec(r.Median))
		}
		return fmt.Sprintf("only %s=%d measured: %s per op, %s of the best allowed", a.Key, r.X, fmtSec(r.Median), pct(r.OfBest))
	}
	if rows[0].Disturbed != "" {
		a.busy(rows[:1])
		return fmt.Sprintf("cannot tell how it scales: %s=%d, the base of every speedup, was disturbed (%s); limit: %s", a.Key, rows[0].X, rows[0].Disturbed, a.Diagnosis)
	}
	trusted := a.trusted()
	if len(trusted) < 2 {
		a.busy(rows[1:])
		return fmt.Sprintf("cannot tell how it scales: every point but %s=%d was disturbed; limit: %s", a.Key, rows[0].X, a.Diagnosis)
	}
	s := a.scaling(trusted)
	a.Limit, a.At, a.Diagnosis = diagnose(a, trusted)
	return s + "; limit: " + a.Diagnosis
}

// busy sets the limit of a sweep whose disturbed points leave nothing to
// judge: the machine, named at the point it took most from, where the
// run-queue evidence says so; unknown where it cannot.
func (a *Analysis) busy(disturbed []Row) {
	a.Limit, a.At = LimitUnknown, disturbed[0].X
	a.Diagnosis = "cannot tell what stops it: the evidence cannot tell a busy machine from work that waits; run again on a quieter machine"
	worst := -1.0
	for _, r := range disturbed {
		if r.Shares.Machine >= BusyShare && r.Shares.Machine > worst {
			worst = r.Shares.Machine
			a.Limit, a.At = LimitMachine, r.X
			a.Diagnosis = fmt.Sprintf("a busy machine: other processes took %s of the cores' time at %s=%d while its threads waited to run: run again on a quieter machine",
				pct(r.Evidence.Others/(r.Median*float64(a.cores(r.X)))), a.Key, r.X)
		}
	}
	if worst < 0 && slices.ContainsFunc(disturbed, func(r Row) bool {
		return strings.Contains(r.Disturbed, "best allowed") && !strings.Contains(r.Disturbed, "CPU share")
	}) {
		a.Diagnosis = "cannot tell what stops it: a point faster than the best allowed means the base was slowed; run again"
	}
}

func (a *Analysis) trusted() []Row {
	var out []Row
	for _, r := range a.Rows {
		if r.Disturbed == "" {
			out = append(out, r)
		}
	}
	return out
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

// knee is the fewest workers that cannot be told apart from the fastest
// trusted point. The base is the knee only if the top gains nothing over
// it: the top's speedup interval already holds the base's noise, and
// comparing the base's own interval with it again would count that noise
// twice.
func (a *Analysis) knee(trusted []Row) (knee, top Row) {
	intervals := hasIntervals(trusted)
	top = slices.MaxFunc(trusted, func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
	knee = top
	for _, r := range trusted {
		if same(r, top, intervals) && (r.X != a.Base || !gains(top)) {
			return r, top
		}
	}
	return knee, top
}

func ci(r Row) string {
	if math.IsNaN(r.SpeedupLo) {
		return fmt.Sprintf("%.2fx", r.Speedup)
	}
	return fmt.Sprintf("%.2fx [%.2f, %.2f]", r.Speedup, r.SpeedupLo, r.SpeedupHi)
}

// scaling is the first clause of the verdict: how far the sweep scales.
func (a *Analysis) scaling(trusted []Row) string {
	intervals := hasIntervals(trusted)
	knee, top := a.knee(trusted)
	procs := a.Bound
	last := a.Rows[len(a.Rows)-1]
	unit := func(x int) string {
		if x == 1 {
			return singular(a.Key)
		}
		return a.Key
	}
	var s string
	switch {
	case knee.X == a.Base:
		s = fmt.Sprintf("does not scale: no count is faster than %s=%d beyond the noise (best %s at %d)", a.Key, a.Base, ci(top), top.X)
		if procs == 1 {
			s += "; one at a time (GOMAXPROCS=1), as Python threads under the GIL"
		}
	case knee.X > procs && !a.Waits && !a.Declared:
		s = fmt.Sprintf("reaches %s at %s=%d, past its %d %s", ci(knee), a.Key, knee.X, procs, plural("core", procs))
		if i := slices.IndexFunc(trusted, func(r Row) bool { return r.X == procs }); i >= 0 {
			s += fmt.Sprintf(" (%s at %d)", ci(trusted[i]), procs)
		}
	default:
		s = fmt.Sprintf("scales to %d %s (%s", knee.X, unit(knee.X), ci(knee))
		if !math.IsNaN(knee.OfBest) {
			s += fmt.Sprintf(", %s of the best allowed", pct(knee.OfBest))
		}
		s += ")"
	}
	if knee.X == a.Base {
		return s
	}
	var beyond, slower []string
	for _, r := range trusted {
		if r.X <= knee.X {
			continue
		}
		if same(r, knee, intervals) || r.Speedup > knee.Speedup {
			beyond = append(beyond, strconv.Itoa(r.X))
		} else {
			slower = append(slower, fmt.Sprintf("%d (%.2fx)", r.X, r.Speedup))
		}
	}
	switch {
	case knee.X == last.X && knee.X > a.Base:
		s += ", still scaling at the largest count measured"
	case len(slower) > 0:
		s += fmt.Sprintf(", slower beyond, at %s", strings.Join(slower, ", "))
	case len(beyond) > 0:
		s += fmt.Sprintf(", flat beyond (%s cannot be told apart from %d)", strings.Join(beyond, ", "), knee.X)
	}
	if !intervals {
		s += " (no intervals: fewer than 6 runs; medians within 5% counted as equal)"
	}
	return s
}

// diagnose names the one limit the evidence shows, and where it read it: at
// the trusted point with as many workers as cores (or the nearest below),
// where more cores would help most. Each rule below is one limit; the first
// whose evidence holds names it.
func diagnose(a *Analysis, trusted []Row) (Limit, int, string) {
	at := trusted[0]
	for _, r := range trusted {
		if r.X <= a.Bound {
			at = r
		}
	}
	b := a.Rows[0]
	if math.IsNaN(b.CPU) || math.IsNaN(at.CPU) {
		return LimitUnknown, at.X, "cannot tell what stops it: the runs carry no CPU time per op (measure with package sweep)"
	}
	for _, rule := range []func(*Analysis, Row, Row) (Limit, string){
		waitLimit, lockLimit, coresReached, executorLimit, coresLimit, gcLimit, workOrParallelism,
	} {
		if l, s := rule(a, b, at); s != "" {
			return l, at.X, s
		}
	}
	return LimitUnknown, at.X, "cannot tell what stops it"
}

// waitLimit: the base used less than WaitShare of its core, with no lock to
// blame: the work waits, and more workers than cores overlap the waits.
func waitLimit(a *Analysis, b, at Row) (Limit, string) {
	if !(b.CPUShare < WaitShare) || lockShare(b) >= LockShare {
		return 0, ""
	}
	top := slices.MaxFunc(a.trusted(), func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
	s := fmt.Sprintf("waiting (IO, sleep, channels): at %s=%d the work used the CPU %s of the time, so the waits overlap and more workers than cores help (%s at %d on %d %s)",
		a.Key, b.X, pct(b.CPUShare), ci(top), top.X, a.Bound, plural("core", a.Bound))
	if a.Declared {
		worst := slices.MinFunc(a.trusted(), func(x, y Row) int { return cmp.Compare(x.OfBest, y.OfBest) })
		s += fmt.Sprintf("; every count within %.2fx of the best allowed (worst at %d)", 1/worst.OfBest, worst.X)
	}
	return LimitWaiting, s
}

// lockShare is the time goroutines waited on locks over the wall time.
func lockShare(r Row) float64 { return r.Evidence.Lock / r.Median }

// lockLimit: goroutines waited on locks for LockShare or more of the wall
// time at a point past the base, which lost speedup.
func lockLimit(a *Analysis, b, at Row) (Limit, string) {
	if at.X == b.X || near(at) {
		return 0, ""
	}
	worst := at
	for _, r := range a.trusted() {
		if r.X > b.X && r.X <= at.X && lockShare(r) > lockShare(worst) {
			worst = r
		}
	}
	if !(lockShare(worst) >= LockShare) {
		return 0, ""
	}
	s := fmt.Sprintf("a lock: goroutines waited on locks for %s of the wall time at %s=%d (summed over them), and the cores sat idle %s of the time",
		pct(lockShare(worst)), a.Key, worst.X, pct(1-at.Shares.Used))
	if at.Factors.Work < 0.9 {
		s += fmt.Sprintf("; CPU per op rose %.2fx (spinning on it)", 1/at.Factors.Work)
	}
	return LimitLock, s
}

// near reports whether r reached Near of its ideal speedup, or cannot be
// told from it: its speedup interval holds the ideal.
func near(r Row) bool {
	return r.Speedup >= Near*r.Factors.Ideal || r.SpeedupHi >= r.Factors.Ideal
}

// coresReached: the point's median reached Near of the ideal speedup.
func coresReached(a *Analysis, b, at Row) (Limit, string) {
	if at.Speedup < Near*at.Factors.Ideal {
		return 0, ""
	}
	return coresLimit(a, b, at)
}

// coresLimit: the point reached Near of the ideal speedup, or its interval
// holds the ideal.
func coresLimit(a *Analysis, b, at Row) (Limit, string) {
	if !near(at) {
		return 0, ""
	}
	if at.X == b.X {
		return LimitCores, fmt.Sprintf("the cores: one at a time (GOMAXPROCS=%d), nothing runs beside it", a.Bound)
	}
	return LimitCores, fmt.Sprintf("the cores: CPU-bound on %d %s (%s of min(w, cores) at %s=%d, CPU share %s)",
		a.Bound, plural("core", a.Bound), pct(at.Speedup/at.Factors.Ideal), a.Key, at.X, pct(at.CPUShare))
}

// gcShare is the collector's share of the CPU time.
func gcShare(r Row) float64 { return r.Evidence.GC / r.CPU }

// gcLimit: the collector took GCShare or more of the CPU at the point or at
// the base.
func gcLimit(a *Analysis, b, at Row) (Limit, string) {
	if !(math.Max(gcShare(at), gcShare(b)) >= GCShare) {
		return 0, ""
	}
	s := fmt.Sprintf("the garbage collector: it took %s of the CPU at %s=%d", pct(gcShare(at)), a.Key, at.X)
	if b.Shares.Surplus > 0.05 {
		s += fmt.Sprintf(", and at %s=%d it already ran beside the worker (CPU share %s), so more workers find no idle core", a.Key, b.X, pct(b.CPUShare))
	}
	return LimitGC, s
}

// taskTime is the time per task at the base, where the sweep declares its
// tasks per op; NaN elsewhere.
func taskTime(b Row) float64 { return b.Median / b.Evidence.Tasks }

// executorLimit: tasks smaller than TinyTask, and speedup lost.
func executorLimit(a *Analysis, b, at Row) (Limit, string) {
	t := taskTime(b)
	if !(t < TinyTask) {
		return 0, ""
	}
	perTask := (at.Median*float64(a.cores(at.X)) - b.Median*float64(a.cores(b.X))) / b.Evidence.Tasks
	return LimitExecutor, fmt.Sprintf("the executor's own cost per task: a task takes %s at %s=%d, the executor's share included, and %s of core time more at %s=%d",
		fmtSec(t), a.Key, b.X, fmtSec(math.Max(perTask, 0)), a.Key, at.X)
}

// workOrParallelism names the larger of the two losses that remain: more
// CPU per op (Work), or cores idle with nothing to run (Idle).
func workOrParallelism(a *Analysis, b, at Row) (Limit, string) {
	f := at.Factors
	if f.Work < f.Idle*f.Surplus {
		s := fmt.Sprintf("more CPU per op: %.2fx at %s=%d what it costs at %d", 1/f.Work, a.Key, at.X, b.X)
		if !math.IsNaN(f.WorkLo) {
			s += fmt.Sprintf(" [%.2f, %.2f]", 1/f.WorkHi, 1/f.WorkLo)
		}
		s += " (contention for shared memory or a shared cache line, or work that grows with the workers)"
		return LimitWork, s
	}
	serial := a.fitSerial()
	a.Serial = serial
	s := fmt.Sprintf("not enough parallel work: the cores sat idle %s of the time at %s=%d with no lock waits and a quiet machine: a serial part or one long task (these metrics cannot tell which; a trace of one op, go test -trace, would)", pct(at.Shares.Idle), a.Key, at.X)
	if !math.IsNaN(serial) && serial > 0 {
		s += fmt.Sprintf("; a serial fraction of %.2f fits the points: at most %.2fx on %d %s, and, if it is a serial part, %.2fx on any number",
			serial, amdahl(serial, a.Bound), a.Bound, plural("core", a.Bound), 1/serial)
	}
	if a.Declared && !math.IsNaN(at.OfBest) {
		s += fmt.Sprintf("; %s of the best its work allows", pct(at.OfBest))
	}
	return LimitParallelism, s
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
