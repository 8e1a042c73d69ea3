package bench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/futuresbench/futures/internal/plural"
	"github.com/futuresbench/futures/sweep"
)

// This file is where the model becomes sentences: every writer (text,
// markdown, csv, json, html) reads these, and nothing decides by reading
// them back.

// Verdict is how far the sweep scales, then what stops it.
func (a *Analysis) Verdict() string {
	sc := a.Scaling
	switch sc.Kind {
	case ScalingOne:
		r := a.Rows[0]
		if math.IsNaN(r.OfBest) {
			return fmt.Sprintf("only %s=%d measured: %s per op", a.Key, r.X, fmtSec(r.Median))
		}
		return fmt.Sprintf("only %s=%d measured: %s per op, %s of the best allowed", a.Key, r.X, fmtSec(r.Median), pct(r.OfBest))
	case ScalingBaseDisturbed:
		r := a.Rows[0]
		return fmt.Sprintf("cannot tell how it scales: %s=%d, the base of every speedup, was disturbed (%s); limit: %s", a.Key, r.X, a.disturbedWords(r), a.Diagnosis())
	case ScalingSlowCore:
		return fmt.Sprintf("cannot tell how it scales yet: %s, on a slower core, left out, leave fewer than 6 runs at some counts, too few for an interval; limit: %s", a.slowList(), a.Diagnosis())
	case ScalingTooFew:
		if sc.Least > 0 {
			l := a.Row(sc.Least)
			return fmt.Sprintf("cannot tell how far it scales: every point but %s=%d was disturbed, but a busy machine only slows a point down: it scales to at least %.2fx at %d %s (the lower end of %s); limit: %s",
				a.Key, a.Rows[0].X, l.SpeedupLo, l.X, a.Key, ci(l), a.Diagnosis())
		}
		return fmt.Sprintf("cannot tell how it scales: every point but %s=%d was disturbed; limit: %s", a.Key, a.Rows[0].X, a.Diagnosis())
	}
	return a.scalingWords() + "; limit: " + a.Diagnosis()
}

func ci(r Row) string {
	if math.IsNaN(r.SpeedupLo) {
		return fmt.Sprintf("%.2fx", r.Speedup)
	}
	return fmtRatio(r.Speedup, r.SpeedupLo, r.SpeedupHi)
}

// scalingWords is the first clause of the verdict: how far the sweep scales.
func (a *Analysis) scalingWords() string {
	sc := a.Scaling
	knee, top := a.Row(sc.Knee), a.Row(sc.Top)
	procs := a.Bound
	var open []Undecided
	if sc.Intervals {
		open = a.openKnee(top)
	}
	var s string
	switch sc.Kind {
	case ScalingNone:
		switch {
		case len(open) > 0 && a.oneCore():
			s = fmt.Sprintf("does not scale, as one core cannot gain, but cannot tell yet what taking turns costs: %s cannot be shown within %.0f%% of %s=%d (%s); more runs would decide",
				a.openPoints(open), 100*SettleMargin, a.Key, top.X, ci(top))
		case len(open) > 0 && slices.ContainsFunc(open, func(u Undecided) bool { return u.X == a.Base }):
			s = fmt.Sprintf("cannot tell yet whether it scales: best %s at %d %s; %s", ci(top), top.X, a.admits(top), decideWords(top))
		case len(open) > 0:
			s = fmt.Sprintf("cannot tell yet whether it scales: %s can neither be told apart from %s=%d, the fastest (%s), nor shown within %.0f%% of it; more runs would decide",
				a.openPoints(open), a.Key, top.X, ci(top), 100*SettleMargin)
		default:
			s = fmt.Sprintf("does not scale: no count is faster than %s=%d beyond the noise (best %s at %d, ", a.Key, a.Base, ci(top), top.X)
			if a.oneCore() {
				s += "one core's work cannot be done faster on one core)"
			} else {
				s += fmt.Sprintf("none can be %.0f%% faster)", 100*SettleMargin)
			}
		}
		if procs == 1 {
			s += "; one at a time (GOMAXPROCS=1), as Python threads under the GIL"
		}
		return s
	case ScalingPastCores:
		s = fmt.Sprintf("reaches %s at %s=%d, past its %d %s", ci(knee), a.Key, knee.X, procs, plural.Of(procs, "core", "cores"))
		if r := a.Row(procs); r.X == procs && r.Trusted() {
			s += fmt.Sprintf(" (%s at %d)", ci(r), procs)
		}
	default:
		unit := a.Key
		if knee.X == 1 {
			unit = singular(a.Key)
		}
		s = fmt.Sprintf("scales to %d %s (%s", knee.X, unit, ci(knee))
		if !math.IsNaN(knee.OfBest) {
			s += fmt.Sprintf(", %s of the best allowed", pct(knee.OfBest))
		}
		s += ")"
	}
	if len(open) > 0 {
		// The points past the knee were held to the knee, the rest to
		// the fastest: name them all, with both.
		xs := []int{}
		if knee.X != top.X {
			xs = append(xs, knee.X)
		}
		for _, u := range open {
			if !slices.Contains(xs, u.X) {
				xs = append(xs, u.X)
			}
		}
		slices.Sort(xs)
		return strings.Replace(s, "scales to ", "scales to at least ", 1) + fmt.Sprintf("; where it stops, cannot tell yet: %s=%s and %d, the fastest (%s), can neither be told apart nor shown within %.0f%% of one another; more runs would decide",
			a.Key, joinInts(xs), top.X, ci(top), 100*SettleMargin)
	}
	switch sc.Tail {
	case TailStill:
		s += ", still scaling at the largest count measured"
	case TailSlower:
		var slower []string
		for _, x := range sc.Slower {
			slower = append(slower, fmt.Sprintf("%d (%.2fx)", x, a.Row(x).Speedup))
		}
		s += fmt.Sprintf(", slower beyond, at %s", strings.Join(slower, ", "))
	case TailFlat:
		s += fmt.Sprintf(", flat beyond (%s cannot be told apart from %d)", joinInts(sc.Beyond), knee.X)
	}
	if !sc.Intervals {
		s += " (no intervals: fewer than 6 runs; medians within 5% counted as equal)"
	}
	return s
}

// openPoints lists the points left open, with their speedups.
func (a *Analysis) openPoints(open []Undecided) string {
	var pts []string
	for _, u := range open {
		pts = append(pts, fmt.Sprintf("%s=%d (%s)", a.Key, u.X, ci(a.Row(u.X))))
	}
	return strings.Join(pts, ", ")
}

// admits says what r's speedup interval, which cannot show "no gain", admits:
// both no gain and the gain the bound allows (the cores' 2x, or the best
// the sweep declares), or, where nothing bounds it, its upper end. Of work
// on one core, which cannot gain, it says that the counts cannot be shown
// within SettleMargin of one another.
func (a *Analysis) admits(r Row) string {
	if a.oneCore() {
		return fmt.Sprintf("cannot show the counts within %.0f%% of one another", 100*SettleMargin)
	}
	ideal := float64(a.cores(r.X)) / float64(a.cores(a.Base))
	switch {
	case a.Declared && !math.IsNaN(r.Best) && r.SpeedupHi >= a.Rows[0].Median/r.Best && a.Rows[0].Median/r.Best > 1+SettleMargin:
		return fmt.Sprintf("admits both no gain and the best allowed's %.2fx", a.Rows[0].Median/r.Best)
	case !a.Waits && !a.Declared && r.SpeedupHi >= ideal && ideal > 1:
		return fmt.Sprintf("admits both no gain and the cores' %.0fx", ideal)
	}
	return fmt.Sprintf("admits both no gain and a gain of %.2fx", r.SpeedupHi)
}

// decideWords says what would decide a speedup interval that admits both
// no gain and a gain: more runs, about as many as its spread says.
func decideWords(r Row) string {
	n := runsToDecide(r.Runs, r.Speedup, r.SpeedupLo, r.SpeedupHi)
	if n <= r.Runs || n > 200 {
		return "more runs would decide"
	}
	return fmt.Sprintf("more runs would decide (likely about %d in all, from its spread)", n)
}

// runsToDecide estimates the runs after which an interval [lo, hi] about
// center, from n runs, would decide between "no change" (within
// SettleMargin of 1 at both ends) and "a change" (its lower end above 1.05,
// as gains), whichever is nearer: an interval's width shrinks about as
// 1/sqrt(runs). 0 where neither can be reached from this center.
func runsToDecide(n int, center, lo, hi float64) int {
	if !(lo > 0) || !(hi > lo) || !(center > 0) {
		return 0
	}
	half := math.Log(hi/lo) / 2
	c := math.Log(center)
	need := math.Max(c-math.Log(1.05), math.Log(1+SettleMargin)-math.Abs(c))
	if !(need > 0) {
		return 0
	}
	return int(math.Ceil(float64(n) * (half / need) * (half / need)))
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// Diagnosis is the limit in words, with its evidence and, where the
// profiles show it, its site.
func (a *Analysis) Diagnosis() string {
	d := a.diagnosis()
	if w := a.Where; w != nil {
		d += "; " + a.whereWords(w)
	}
	if l := a.lossWords(); l != "" {
		d += "; " + l
	}
	return d
}

func (a *Analysis) diagnosis() string {
	f := a.Finding
	at := a.Row(f.At)
	b := a.Rows[0]
	switch f.Limit {
	case LimitSlowCore:
		return "the machine, whose speed moved (a slower core in some rounds, named below); more rounds would give enough on a steady core"
	case LimitMachine:
		return fmt.Sprintf("a busy machine: other processes took %s of the cores' time at %s=%d while its threads waited to run: run again on a quieter machine", pct(f.Share), a.Key, f.At)
	case LimitWaiting:
		top := a.Row(f.Worst)
		s := fmt.Sprintf("waiting (IO, sleep, channels): at %s=%d the work used the CPU %s of the time%s, so the waits overlap and more workers than cores help (%s at %d on %d %s)",
			a.Key, b.X, pct(f.Share), a.couldRun(), ci(top), top.X, a.Bound, plural.Of(a.Bound, "core", "cores"))
		if a.Declared {
			worst := b
			for _, r := range a.trusted() {
				if r.OfBest < worst.OfBest {
					worst = r
				}
			}
			s += fmt.Sprintf("; every count within %.2fx of the best allowed (worst at %d)", 1/worst.OfBest, worst.X)
		}
		return s
	case LimitLock:
		if w := f.Where; w != nil && w.Kind == WhereSpin {
			return fmt.Sprintf("a lock, spinning: CPU per op rose %.2fx at %s=%d what it costs at %d, and %s of what grew went to a mutex's spin and wake paths (the lock-wait counter read %s of the wall time)",
				1/at.Factors.Work, a.Key, at.X, b.X, pct(w.Part), pct(lockShare(at)))
		}
		if w := f.Where; w != nil && w.Kind == WhereLock && w.Measured == "trace" {
			why := "it samples"
			if woken := wokenShare(w); woken >= 0.5 {
				why = fmt.Sprintf("%s of it is goroutines woken by an Unlock that waited to be scheduled, which it does not count", pct(woken))
			}
			return fmt.Sprintf("a lock: the cores sat idle %s of the time at %s=%d, and the trace puts %s of that idle core time on a mutex (the lock-wait counter read %s of the wall time: %s)",
				pct(1-at.Shares.Used), a.Key, at.X, pct(w.Part), pct(lockShare(at)), why)
		}
		s := fmt.Sprintf("a lock: goroutines waited on locks for %s of the wall time at %s=%d (summed over them), and the cores sat idle %s of the time",
			pct(f.Share), a.Key, f.Worst, pct(1-at.Shares.Used))
		if !math.IsNaN(f.Ratio) {
			s += fmt.Sprintf("; CPU per op rose %.2fx (spinning on it)", f.Ratio)
		}
		return s
	case LimitCores:
		if at.X == b.X {
			return fmt.Sprintf("the cores: one at a time (GOMAXPROCS=%d), nothing runs beside it", a.Bound)
		}
		return fmt.Sprintf("the cores: CPU-bound on %d %s (%s of min(w, cores) at %s=%d, CPU share %s)",
			a.Bound, plural.Of(a.Bound, "core", "cores"), pct(f.Share), a.Key, at.X, pct(at.CPUShare))
	case LimitGC:
		s := fmt.Sprintf("the garbage collector: it took %s of the CPU at %s=%d", pct(f.Share), a.Key, at.X)
		if b.Shares.Surplus > 0.05 {
			s += fmt.Sprintf(", and at %s=%d it already ran beside the worker (CPU share %s), so more workers find no idle core", a.Key, b.X, pct(b.CPUShare))
		}
		return s
	case LimitExecutor:
		return fmt.Sprintf("the executor's own cost per task: a task takes %s at %s=%d, the executor's share included, and %s of core time more at %s=%d",
			fmtSec(f.Task), a.Key, b.X, fmtSec(f.PerTask), a.Key, at.X)
	case LimitSurplus:
		s := fmt.Sprintf("work beside the workers: at %s=%d the process already used %s cores' worth of CPU (CPU share %s of %s), so at %s=%d the extra cores were already in use (surplus factor %.2f)",
			a.Key, b.X, fmtCores(f.Share*float64(a.cores(b.X))), pct(f.Share), plural.Count(a.cores(b.X), "core", "cores"), a.Key, at.X, at.Factors.Surplus)
		if !math.IsNaN(f.GC) {
			used := f.GC * b.CPU / b.Median
			if excess := f.Share*float64(a.cores(b.X)) - float64(a.cores(b.X)); used >= 0.5*excess {
				s += fmt.Sprintf("; the collector ran beside the worker: it took %s of the CPU", pct(f.GC))
			} else {
				s += fmt.Sprintf("; not the collector (it took %s of the CPU): goroutines other than the workers, such as a library's own", pct(f.GC))
			}
		}
		return s
	case LimitWork:
		s := fmt.Sprintf("more CPU per op: %.2fx at %s=%d what it costs at %d", f.Ratio, a.Key, at.X, b.X)
		if !math.IsNaN(f.Lo) {
			s += fmt.Sprintf(" [%.2f, %.2f]", f.Lo, f.Hi)
			if f.Lo <= 1 {
				s += ", its interval holding no change, but the largest loss"
			}
		}
		return s + " (contention for shared memory or a shared cache line, or work that grows with the workers)"
	case LimitParallelism:
		s := fmt.Sprintf("not enough parallel work: the cores sat idle %s of the time at %s=%d with no lock waits and a quiet machine", pct(f.Share), a.Key, at.X)
		told := f.Where != nil && f.Where.Kind != WhereUndecided
		if f.Where == nil {
			s += ": a serial part or one long task (" + a.noSites(at.X) + ")"
		}
		if !math.IsNaN(f.Serial) && f.Serial > 0 {
			s += fmt.Sprintf("; a serial fraction of %.2f fits the points: at most %.2fx on %d %s", f.Serial, amdahl(f.Serial, a.Bound), a.Bound, plural.Of(a.Bound, "core", "cores"))
			switch {
			case !told:
				s += fmt.Sprintf(", and, if it is a serial part, %.2fx on any number", 1/f.Serial)
			case f.Where.Kind == WhereSerial && f.Where.Part >= IdlePart:
				s += fmt.Sprintf(", and %.2fx on any number", 1/f.Serial)
			}
		}
		if a.Declared && !math.IsNaN(at.OfBest) {
			s += fmt.Sprintf("; %s of the best its work allows", pct(at.OfBest))
		}
		return s
	}
	switch f.Cause {
	case CauseNoCPU:
		return "cannot tell what stops it: the runs carry no CPU time per op (measure with package sweep)"
	case CauseBusyOrWait:
		return "cannot tell what stops it: the evidence cannot tell a busy machine from work that waits; run again on a quieter machine"
	case CauseBaseSlowed:
		return "cannot tell what stops it: a point faster than the best allowed means the base was slowed; run again"
	case CauseCoresOpen:
		at := a.Row(f.At)
		return fmt.Sprintf("cannot tell yet whether the cores: at %s=%d, %s cannot show it reached them (its lower end within %.0f%% of the cores' %.0fx)", a.Key, at.X, ci(at), 100*SettleMargin, at.Factors.Ideal)
	case CauseNoLoss:
		return fmt.Sprintf("cannot tell what stops it: at %s=%d no loss the evidence measures (idle, lock, machine, work beside the workers, CPU per op) reaches %.0f%%", a.Key, at.X, 100*(1-MinLoss))
	}
	return "cannot tell what stops it"
}

// site is a site as its call path, "summarize (report_test.go:210) →
// encoding/json.Marshal": the user's call into the library, then the
// library's function; where the runs carry no path (a file from before
// it), "F (file:line), from U (file:line)", the user's frame that leads
// there where it is another.
func site(s sweep.Site) string {
	if len(s.Path) > 0 {
		parts := make([]string, len(s.Path))
		for i, f := range s.Path {
			parts[i] = shortFunc(f.Func)
			if i < len(s.Path)-1 || len(s.Path) == 1 {
				parts[i] = frameWhere(f.Func, f.File, f.Line)
			}
		}
		return strings.Join(parts, " → ")
	}
	out := frameWhere(s.Func, s.File, s.Line)
	if s.User != "" && s.User != s.Func {
		out += ", from " + frameWhere(s.User, s.UserFile, s.UserLine)
	}
	return out
}

// sitesWords lists sites with their shares: "F (file:line) 80%, G ...".
func sitesWords(w *Where) string {
	var parts []string
	for i, s := range w.Sites {
		parts = append(parts, fmt.Sprintf("%s %s", site(s), pct(w.Shares[i])))
	}
	return strings.Join(parts, "; ")
}

// whereWords is the site of the limit in words.
func (a *Analysis) whereWords(w *Where) string {
	at := fmt.Sprintf("%s=%d", a.Key, w.At)
	var s string
	switch w.Kind {
	case WhereLock:
		if w.Measured == "trace" {
			s = fmt.Sprintf("where: the lock, %s of the idle core time at %s: %s", pct(w.Part), at, lockSplitWords(w))
			break
		}
		s = fmt.Sprintf("where: the mutex profile at %s charges %s of waiting per op to these critical sections (the callers of Unlock): %s", at, fmtSec(w.Total), sitesWords(w))
		if len(w.Waiters) > 0 {
			s += fmt.Sprintf("; goroutines waited for it in %s", site(w.Waiters[0]))
		}
	case WhereAlloc:
		s = fmt.Sprintf("where: at %s the op allocates %s, most at %s", at, fmtBytes(w.Total), sitesWords(w))
	case WhereGrowth:
		s = fmt.Sprintf("where: the CPU per op that grew from %s=%d to %s (%s more in the profile, %d samples) went to %s", a.Key, a.Base, at, fmtSec(w.Total), w.Samples, sitesWords(w))
		if len(w.Sites) == 0 {
			s = fmt.Sprintf("where: the profiles cannot tell which functions' CPU grew from %s=%d to %s: %d samples are too few for any one's growth to stand out of the noise", a.Key, a.Base, at, w.Samples)
			if w.Part > 0 {
				s += fmt.Sprintf(" (%s of what grew was in a mutex's spin and wake paths, which would make it a lock, but not beyond the noise either)", pct(w.Part))
			}
			s += "; a longer sites pass (SWEEP_SITES=1s) would"
		}
	case WhereBeside:
		s = fmt.Sprintf("where: at %s, beside the worker, %s of CPU per op ran in goroutines that started in %s", at, fmtSec(w.Total), sitesWords(w))
	case WhereSerial:
		s = fmt.Sprintf("where: a serial part, %s of the idle core time at %s: the benchmark's own goroutine ran %s per op alone, around the executor", pct(w.Part), at, fmtSec(w.Total))
		if len(w.Sites) > 0 {
			s += ", in " + sitesWords(w)
		} else {
			s += " (the CPU profile caught none of it: a longer pass, SWEEP_SITES=1s, would name its function)"
		}
	case WhereLongTask:
		s = fmt.Sprintf("where: one long task, %s of the idle core time at %s: the other workers were done while one ran its last input", pct(w.Part), at)
		if len(w.Sites) > 0 {
			s += fmt.Sprintf(", in %s", site(w.Sites[0]))
		}
	case WhereWait:
		if w.Measured == "trace" {
			s = fmt.Sprintf("where: waiting, %s of the idle core time at %s: workers waited, in %s", pct(w.Part), at, waitWords(w))
		} else {
			s = fmt.Sprintf("where: at %s goroutines waited %s per op, in %s", at, fmtSec(w.Total), waitWords(w))
		}
	case WhereChannels:
		s = fmt.Sprintf("where: blocking on channels, %s of the idle core time at %s: workers blocked, in %s", pct(w.Part), at, waitWords(w))
	case WhereSpin:
		s = fmt.Sprintf("where: the CPU that spun and woke on it at %s (%s per op more than at %s=%d, %d samples) was taken in %s", at, fmtSec(w.Total), a.Key, a.Base, w.Samples, spinWords(w))
		if len(w.Waiters) > 0 {
			s += fmt.Sprintf("; the mutex profile's critical section: %s", site(w.Waiters[0]))
		}
	case WhereUndecided:
		s = a.undecidedWords(w)
	}
	if w.Overrode != LimitUnknown {
		by := "the profile, more direct,"
		switch {
		case w.Measured == "trace":
			by = "the trace, more direct,"
		case w.Kind == WhereSpin:
			by = "the profiles, more direct,"
		}
		s += fmt.Sprintf(" (%s overrides the counters, which read %s)", by, w.Overrode.Phrase())
	}
	return s
}

func waitWords(w *Where) string {
	var parts []string
	for i, s := range w.Sites {
		what := s.Wait
		if what == "" {
			what = "a wait"
		}
		parts = append(parts, fmt.Sprintf("%s at %s %s", what, site(s), pct(w.Shares[i])))
	}
	return strings.Join(parts, "; ")
}

// fmtBytes is a size with a binary unit prefix, 3 significant digits.
func fmtBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return strconv.FormatFloat(b/(1<<30), 'g', 3, 64) + " GiB"
	case b >= 1<<20:
		return strconv.FormatFloat(b/(1<<20), 'g', 3, 64) + " MiB"
	case b >= 1<<10:
		return strconv.FormatFloat(b/(1<<10), 'g', 3, 64) + " KiB"
	}
	return strconv.FormatFloat(b, 'g', 3, 64) + " B"
}

// fmtCores is a number of cores, "1.96 cores".
func fmtCores(n float64) string { return fmt.Sprintf("%.2f", n) }

// couldRun says which time the base's share is over where leaving out
// the run-queue delay changed it (RunShare): the time its threads could
// run; else the wall time, unsaid.
func (a *Analysis) couldRun() string {
	if pct(a.BaseRunShare) == pct(a.Rows[0].CPUShare) {
		return ""
	}
	return " its threads could run (the run-queue delay left out)"
}

// BestRule is how the best allowed was set, in words.
func (a *Analysis) BestRule() string {
	switch {
	case a.Declared:
		return "declared by the sweep (best-sec/op)"
	case a.Waits:
		return fmt.Sprintf("none: at %s=%d the work used the CPU %s of the time%s, so it waits, and the cores do not bound it", a.Key, a.Base, pct(a.BaseRunShare), a.couldRun())
	}
	procs := a.Bound
	return fmt.Sprintf("min(w, %d %s) x faster than %s=%d", procs, plural.Of(procs, "core", "cores"), a.Key, a.Base)
}

// disturbedWords says why a point is not to be trusted ("" if it is).
func (a *Analysis) disturbedWords(r Row) string {
	var why []string
	for _, d := range r.Disturbed {
		switch d.Kind {
		case DisturbBusy:
			w := fmt.Sprintf("the machine was busy: other processes took %s of its cores' time while its threads waited to run (run-queue delay %s of the wall time)", pct(d.Others), pct(d.Runq))
			if d.Steal > 0.01 {
				w = fmt.Sprintf("the machine was busy: the hypervisor gave %s of the machine's time to other guests (other processes and guests %s of its cores' time, run-queue delay %s of the wall time)", pct(d.Steal), pct(d.Others), pct(d.Runq))
			}
			why = append(why, w)
		case DisturbLowShare:
			why = append(why, fmt.Sprintf("its CPU share was %.0f%%: it ran while the machine was busy, or its work waits (locks, channels, IO); without run-queue evidence (package sweep on Linux) the report cannot tell which", 100*d.CPUShare))
		case DisturbPastBest:
			if d.Declared {
				why = append(why, fmt.Sprintf("%.0f%% of the best allowed: faster than the best the sweep declared", 100*d.OfBest))
			} else {
				why = append(why, fmt.Sprintf("%.0f%% of the best allowed: impossible, so %s=%d, the base, was slowed", 100*d.OfBest, a.Key, a.Base))
			}
		}
	}
	return strings.Join(why, "; ")
}

// Distrust names the disturbed points and how to get a clean answer; ""
// when every point is trusted.
func (a *Analysis) Distrust() string {
	var names []string
	for _, r := range a.Rows {
		if !r.Trusted() {
			names = append(names, fmt.Sprintf("%s=%d (%s)", a.Key, r.X, a.disturbedWords(r)))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "distrust " + strings.Join(names, ", ") + "; for a clean answer run again on a quieter machine, with more runs (go test -count 20)"
}

// Warnings are the sweep's notes in words.
func (a *Analysis) Warnings() []string {
	out := a.notes()
	if a.Looked {
		for _, u := range a.UndecidedWords() {
			out = append(out, fmt.Sprintf("undecided after %d runs: %s", a.Rounds, u))
		}
	}
	return out
}

// UndecidedWords says the claims of Undecided, the points whose knee is
// open in one sentence.
func (a *Analysis) UndecidedWords() []string {
	var out []string
	var knee, disturbed []string
	top := 0
	for _, u := range a.Undecided() {
		switch u.Claim {
		case ClaimDisturbed:
			disturbed = append(disturbed, strconv.Itoa(u.X))
		case ClaimIntervals:
			out = append(out, "too few runs for an interval at some counts")
		case ClaimKnee:
			knee, top = append(knee, strconv.Itoa(u.X)), u.Top
		case ClaimCores:
			at := a.Row(u.X)
			out = append(out, fmt.Sprintf("at %s=%d, %s cannot show it reached the cores' %.0fx (its lower end within %.0f%%): the limit may be another", a.Key, u.X, ci(at), at.Factors.Ideal, 100*SettleMargin))
		case ClaimSlowCore:
			out = append(out, fmt.Sprintf("the %s left out (a slower core) leave fewer than 6 runs at some counts: no interval there until more rounds are measured", plural.Count(u.X, a.runWord(), a.runWord()+"s")))
		case ClaimLimit:
			out = append(out, fmt.Sprintf("the CPU per op at %s=%d grew %s, an interval that holds no change: the limit may be another", a.Key, u.X, fmtRatio(a.Ratio, u.Lo, u.Hi)))
		}
	}
	if len(disturbed) > 0 {
		out = append(out, fmt.Sprintf("%s=%s disturbed: the claims they take part in are not made", a.Key, strings.Join(disturbed, ", ")))
	}
	if len(knee) > 0 {
		out = append(out, fmt.Sprintf("%s=%s can neither be told apart from %s=%d, the fastest, nor shown within %.0f%% of it: the knee may move", a.Key, strings.Join(knee, ", "), a.Key, top, 100*SettleMargin))
	}
	return out
}

func fmtRatio(x, lo, hi float64) string {
	return fmt.Sprintf("%.2fx [%.2f, %.2f]", x, lo, hi)
}

// notes says each Note.
func (a *Analysis) notes() []string {
	var out []string
	for _, n := range a.Notes {
		switch n.Kind {
		case NoteNoBase:
			out = append(out, fmt.Sprintf("no %s=1: speedups are relative to %s=%d", a.Key, a.Key, a.Base))
		case NoteFewerCores:
			out = append(out, fmt.Sprintf("GOMAXPROCS=%d on %d cores: at most %d run at once, and the bound, the CPU share and the verdict count %d", a.Procs, n.N, n.N, n.N))
		case NoteWrongProcs:
			out = append(out, fmt.Sprintf("%d runs left out: measured at another GOMAXPROCS than their name says (go test -cpu with sub-benchmarks, golang/go#49980: set GOMAXPROCS per process)", n.N))
		case NoteFailed:
			out = append(out, fmt.Sprintf("Benchmark%s failed: its point is missing", n.Name))
		case NoteFewRuns:
			out = append(out, "fewer than 6 runs at some counts: no confidence interval there (go test -count 6 or more)")
		case NoteLevel:
			out = append(out, fmt.Sprintf("%d runs, past the run's first look: intervals at %.1f%%, so that every look together errs at most %.0f%% of the time", n.N, 100*a.Level, 100*(1-Confidence)))
		case NoteSlowCore:
			out = append(out, a.slowWords())
		case NoteGCInflated:
			more := ""
			if n.N > 1 {
				more = fmt.Sprintf(" (and at %d more %s)", n.N-1, plural.Of(n.N-1, "point", "points"))
			}
			out = append(out, fmt.Sprintf("in runs at %s=%d%s the collector's CPU estimate (gc-sec/op) exceeded the CPU the process used: the runtime counts GOMAXPROCS x the wall time of its phases, which a busy machine inflates; the collector is not named from it there", a.Key, n.X, more))
		case NoteAboveBest:
			out = append(out, fmt.Sprintf("%s=%d at %s of the best allowed: above the bound, but within its interval (noise, not a speedup the cores allow)", a.Key, n.X, pct(n.OfBest)))
		}
	}
	return out
}

func singular(key string) string {
	switch key {
	case "workers":
		return "worker"
	}
	return key
}

// runWord is what a run of the sweep is called: a round of make bench (a
// run that looked), a run otherwise.
func (a *Analysis) runWord() string {
	if a.Looked {
		return "round"
	}
	return "run"
}

// slowWords names the rounds that ran on a slower core, as the machine's.
func (a *Analysis) slowWords() string {
	s := fmt.Sprintf("the machine's speed moved: in %s the same work took %s the CPU per op of its other %ss at the same counts: a slower core, not slower code; %s left out of every claim",
		a.slowList(), a.slowRatio(), a.runWord(), plural.Of(len(a.Slow), "it is", "they are"))
	var canary []string
	moved := false
	for _, r := range a.Slow {
		if math.IsNaN(r.Start) {
			return s
		}
		canary = append(canary, fmt.Sprintf("%.2fx and %.2fx", r.Start, r.End))
		moved = moved || math.Max(r.Start, r.End) >= 1+SlowCore
	}
	ends := fmt.Sprintf("the canary at the %s's two ends ran %s its median", a.runWord(), strings.Join(canary, "; "))
	if len(a.Slow) > 1 {
		ends = fmt.Sprintf("the canary at each %s's two ends ran %s its median", a.runWord(), strings.Join(canary, "; "))
	}
	if moved {
		return s + " (" + ends + ": it was slowed too)"
	}
	return s + " (" + ends + ": steady, so the core was slower in between)"
}

// slowList names the slow rounds: "rounds 2, 5".
func (a *Analysis) slowList() string {
	var xs []int
	for _, r := range a.Slow {
		xs = append(xs, r.Run)
	}
	return plural.Of(len(xs), a.runWord(), a.runWord()+"s") + " " + joinInts(xs)
}

// slowRatio is the slow rounds' CPU per op over the others': "1.66-1.74x".
func (a *Analysis) slowRatio() string {
	lo, hi := a.SlowRatios()
	if hi-lo < 0.005 {
		return fmt.Sprintf("%.2fx", lo)
	}
	return fmt.Sprintf("%.2f-%.2fx", lo, hi)
}

// GainWhy says why Gain is GainUndecided ("" where it is decided): the
// disturbed points, the base first by name; no interval (too few runs, or
// the slow rounds left out left too few); or what the best point's
// interval admits, and what would decide.
func (a *Analysis) GainWhy() string {
	g, best := a.Gain()
	if g != GainUndecided {
		return ""
	}
	var xs []int
	for _, r := range a.Rows {
		if !r.Trusted() {
			xs = append(xs, r.X)
		}
	}
	switch {
	case len(xs) > 0 && xs[0] == a.Base:
		return fmt.Sprintf("%s=%d, the base of every speedup, was disturbed (%s)", a.Key, a.Base, a.disturbedWords(a.Rows[0]))
	case len(xs) > 0:
		return fmt.Sprintf("%s=%s disturbed (see its notes)", a.Key, joinInts(xs))
	case math.IsNaN(best.SpeedupLo) && len(a.Slow) > 0:
		return fmt.Sprintf("%s on a slower core (%s the CPU per op of the others), left out, leave too few runs for an interval; more rounds would decide", a.slowList(), a.slowRatio())
	case math.IsNaN(best.SpeedupLo):
		return "fewer than 6 runs: no interval to show it"
	}
	return fmt.Sprintf("best %s at %d %s; %s", ci(best), best.X, a.admits(best), decideWords(best))
}
