package bench

import (
	"fmt"
)

// Evidence is what a point's runs measured beside their time: medians per
// op, in seconds (tasks in tasks). A value not reported is NaN.
type Evidence struct {
	Others float64 // CPU time the rest of the machine took meanwhile
	Runq   float64 // time the process's threads waited on a run queue, summed over threads
	Lock   float64 // time goroutines were blocked on locks, summed over goroutines
	GC     float64 // the collector's CPU time (an estimate, runtime/metrics), each run's at most its CPU
	// GCInflated is how many runs' collector estimate exceeded their CPU
	// (a busy machine inflates it; see gcInflated).
	GCInflated int
	Sched      float64 // time goroutines waited for a P, summed over goroutines
	Steal      float64 // CPU time the hypervisor gave other guests, the whole machine's
	Tasks      float64 // tasks per op, as the sweep declared them
}

// Shares split the core time a point could use (its time per op times
// min(X, Bound)) into what the process used and three kinds of loss; they
// add up to 1. A process that used more than its cores (the collector
// beside one worker) has Used 1, no loss, and its surplus in Surplus.
type Shares struct {
	Used    float64 // the process ran on the cores
	Machine float64 // other processes ran while the process's threads waited to run
	Lock    float64 // idle while goroutines waited on locks
	Idle    float64 // idle for any other reason: IO, sleep, channels, a serial part, a long task
	Surplus float64 // CPU share above 1: work beside the workers (the collector)
}

// Factors decompose a point's speedup over the base into parts that
// multiply to it:
//
//	Speedup = Ideal × Surplus × Machine × Lock × Idle × Work
//
// Ideal is min(X, Bound) / min(Base, Bound), what more cores give; Surplus,
// Machine, Lock and Idle are each share of the point over the same share of
// the base (below 1: more of the time lost that way than at the base); Work
// is the CPU per op of the base over that of the point (below 1: each op
// costs more CPU, by contention, the collector or memory). NaN where the
// point or the base has no CPU time.
type Factors struct {
	Ideal, Surplus, Machine, Lock, Idle, Work float64
	// WorkLo and WorkHi bound Work from the intervals of the two CPU
	// times (NaN with fewer than 6 runs).
	WorkLo, WorkHi float64
}

// Product multiplies the factors: the speedup they explain.
func (f Factors) Product() float64 {
	return f.Ideal * f.Surplus * f.Machine * f.Lock * f.Idle * f.Work
}

// Row is one worker count of an analysed sweep. Times are in seconds; a
// value that cannot be computed (an interval from too few runs) is NaN.
type Row struct {
	X              int
	Runs           int
	Median, Lo, Hi float64 // time per op and its confidence interval
	Speedup        float64 // base median / this median
	SpeedupLo      float64 // base Lo / this Hi
	SpeedupHi      float64 // base Hi / this Lo
	Efficiency     float64 // speedup per worker, relative to the base count
	Best           float64 // the best time the workload allows at X; NaN if no bound applies
	OfBest         float64 // Best / Median: 1 is as good as it gets
	// CPU is the median CPU time per op (cpu-sec/op), NaN where not
	// reported; CPUShare is CPU / (Median x min(X, Bound)): the share of
	// the cores the work could use that it got.
	CPU, CPULo, CPUHi, CPUShare float64
	Evidence                    Evidence
	Shares                      Shares  // NaN fields without CPU time
	Factors                     Factors // NaN fields without CPU time
	// Disturbed says why this point is not to be trusted (empty if it is).
	Disturbed []Disturbance
}

// Trusted reports whether nothing disturbed the point.
func (r Row) Trusted() bool { return len(r.Disturbed) == 0 }

// DisturbKind is why a point is not to be trusted.
type DisturbKind int

const (
	// DisturbBusy: other processes took BusyShare or more of the point's
	// core time while its threads waited to run (run-queue evidence).
	DisturbBusy DisturbKind = iota + 1
	// DisturbLowShare: CPU-bound work got less than LowShare of its
	// cores, and no run-queue evidence tells a busy machine from waits.
	DisturbLowShare
	// DisturbPastBest: faster than the best allowed, beyond its interval.
	DisturbPastBest
)

// Disturbance is one reason a point is not to be trusted, with its numbers.
type Disturbance struct {
	Kind DisturbKind
	// Others is the share of the point's core time other processes took,
	// Runq its threads' run-queue delay over the wall time, Steal the share
	// of the machine's time the hypervisor gave other guests (DisturbBusy;
	// NaN where not measured).
	Others, Runq, Steal float64
	// CPUShare is the point's CPU share (DisturbLowShare).
	CPUShare float64
	// OfBest is best / median (DisturbPastBest); Declared says the best
	// was the sweep's own (else min(workers, cores), so the base was slowed).
	OfBest   float64
	Declared bool
}

// NoteKind is a remark on a sweep beside its verdict.
type NoteKind int

const (
	// NoteNoBase: no workers=1; speedups are relative to Base.
	NoteNoBase NoteKind = iota + 1
	// NoteFewerCores: GOMAXPROCS above the machine's cores (N: the cores).
	NoteFewerCores
	// NoteWrongProcs: N runs left out, measured at another GOMAXPROCS.
	NoteWrongProcs
	// NoteFailed: the sub-benchmark Name failed.
	NoteFailed
	// NoteFewRuns: fewer than 6 runs at some counts: no interval there.
	NoteFewRuns
	// NoteLevel: the sweep ran N rounds, past a run's first look: its
	// intervals are at Level (see Level).
	NoteLevel
	// NoteAboveBest: the point at X has a median faster than the best
	// allowed (OfBest above 1) that its interval does not rule out: a
	// word, not a distrust.
	NoteAboveBest
	// NoteSlowCore: N rounds ran on a slower core (Analysis.Slow): the
	// machine's, left out of every claim.
	NoteSlowCore
	// NoteGCInflated: at N points, the first at X, the collector's CPU
	// estimate (gc-sec/op) exceeded the CPU the process used: the machine
	// inflated it; its share is bounded by the CPU and names no limit there.
	NoteGCInflated
)

// Note is one remark on a sweep.
type Note struct {
	Kind   NoteKind
	X      int     // the point (NoteAboveBest; NoteGCInflated: the first)
	N      int     // a count (NoteFewerCores: cores; NoteWrongProcs: runs; NoteGCInflated: points)
	Name   string  // NoteFailed
	OfBest float64 // NoteAboveBest
}

// Thresholds of the verdict.
const (
	// BoundSlack is how far past 100% of the best allowed a median may be
	// before its point is called disturbed, where the runs give no interval.
	BoundSlack = 0.05
	// LowShare is the CPU share under which a point of CPU-bound work
	// ran while something else held the cores or its work waited, where
	// the OS gives no run-queue evidence to tell which.
	LowShare = 0.80
	// BusyShare is the share of a point's core time that other processes
	// must have taken, while its threads waited to run, for the point to
	// be called disturbed.
	BusyShare = 0.10
	// WaitShare is the CPU share at the base under which the work waits
	// (IO, sleep, channels): more workers than cores help it.
	WaitShare = 0.5
	// LockShare is the time goroutines waited on locks, over the wall
	// time, from which a lock is named.
	LockShare = 0.10
	// GCShare is the collector's share of the CPU from which it is named.
	GCShare = 0.15
	// Near is the share of the ideal speedup from which a point is said
	// to use its cores fully.
	Near = 0.90
	// TinyTask is the time per task under which a loss is the executor's
	// own cost per task, where the sweep declares its tasks (tasks/op).
	TinyTask = 10e-6
)

// Limit is what stops a sweep from scaling further.
type Limit int

const (
	// LimitUnknown: the evidence cannot decide (no CPU time, or too few
	// trusted points).
	LimitUnknown Limit = iota
	// LimitCores: the work uses every core it can; more need more cores.
	LimitCores
	// LimitLock: goroutines wait on a lock.
	LimitLock
	// LimitWaiting: the work waits (IO, sleep, channels) even one at a
	// time, so more workers than cores help and the cores do not bound it.
	LimitWaiting
	// LimitGC: the garbage collector takes the CPU the workers would use.
	LimitGC
	// LimitParallelism: not enough parallel work, a serial part or one
	// long task: cores sit idle with nothing to run.
	LimitParallelism
	// LimitWork: each op costs more CPU with more workers.
	LimitWork
	// LimitExecutor: tasks so small that the executor's cost per task
	// decides.
	LimitExecutor
	// LimitMachine: other processes took the cores; the work's own limit
	// cannot be told until it runs on a quieter machine.
	LimitMachine
	// LimitSurplus: at the base the process already used more than its
	// cores' share (the collector, or goroutines of a library's own ran
	// beside the worker), so more workers find less idle core to use.
	LimitSurplus
	// LimitSlowCore: the machine's speed moved: rounds on a slower core
	// (Analysis.Slow), left out, leave too few runs to judge the work.
	LimitSlowCore
)

var limitNames = [...]string{"unknown", "cores", "lock", "waiting", "gc", "parallelism", "work", "executor", "machine", "surplus", "slowCore"}

// String is the limit's stable name, as the csv and json outputs give it.
func (l Limit) String() string {
	if int(l) < len(limitNames) {
		return limitNames[l]
	}
	return fmt.Sprintf("Limit(%d)", int(l))
}

// Phrase is the limit in a few words, as the chapter's table gives it.
func (l Limit) Phrase() string {
	switch l {
	case LimitCores:
		return "the cores"
	case LimitLock:
		return "a lock"
	case LimitWaiting:
		return "waiting (IO, sleep, channels)"
	case LimitGC:
		return "the garbage collector"
	case LimitParallelism:
		return "not enough parallel work"
	case LimitWork:
		return "more CPU per op"
	case LimitExecutor:
		return "the executor's own cost per task"
	case LimitMachine:
		return "a busy machine (run again)"
	case LimitSurplus:
		return "work beside the workers at the base"
	case LimitSlowCore:
		return "a slower core in some rounds (the machine's: more rounds)"
	}
	return "cannot tell what stops it"
}

// ScalingKind is how far a sweep scales, in kind.
type ScalingKind int

const (
	// ScalingOne: only one count measured.
	ScalingOne ScalingKind = iota + 1
	// ScalingBaseDisturbed: the base, of every speedup, was disturbed.
	ScalingBaseDisturbed
	// ScalingTooFew: every point but the base was disturbed.
	ScalingTooFew
	// ScalingNone: no count is faster than the base beyond the noise.
	ScalingNone
	// ScalingPastCores: it reaches its top only past its cores (work that
	// is not bound by the cores it is known to run on).
	ScalingPastCores
	// ScalingScales: it scales to Knee.
	ScalingScales
	// ScalingSlowCore: rounds that ran on a slower core (Analysis.Slow),
	// left out, leave too few runs for an interval: nothing to judge yet.
	ScalingSlowCore
)

// TailKind is what the counts past the knee do.
type TailKind int

const (
	TailNone   TailKind = iota // nothing measured past the knee, or no knee
	TailStill                  // the knee is the largest count: still scaling
	TailSlower                 // some counts past it are slower
	TailFlat                   // the counts past it cannot be told apart from it
)

// Scaling is how far a sweep scales: the fewest workers that cannot be told
// apart from the fastest trusted point (the knee), and what lies past it.
type Scaling struct {
	Kind      ScalingKind
	Knee, Top int // X of the knee and of the fastest trusted point
	Tail      TailKind
	Beyond    []int // past the knee, not told apart from it (TailFlat)
	Slower    []int // past the knee, slower than it (TailSlower)
	// Intervals says the claims rest on confidence intervals (6 runs or
	// more at every trusted point); without, medians within 5% are equal.
	Intervals bool
	// Least is the disturbed point (ScalingTooFew) whose speedup
	// interval's lower end is highest above 1, where the machine only
	// slowed it (run-queue evidence) and the base is trusted: a busy
	// machine can only slow a point down, so the sweep scales to at least
	// that lower end there. 0 where there is none.
	Least int
}

// Cause says why the evidence cannot name a limit (LimitUnknown), or that
// the machine hides it.
type Cause int

const (
	CauseNone       Cause = iota
	CauseNoCPU            // the runs carry no CPU time per op
	CauseBusyOrWait       // disturbed points whose evidence cannot tell a busy machine from waits
	CauseBaseSlowed       // a point faster than the best allowed: the base was slowed
	CauseNoLoss           // nothing the evidence measures was lost
	// CauseCoresOpen: the point's median is near the cores' ideal, but its
	// speedup interval cannot show it reached them: no limit named yet.
	CauseCoresOpen
)

// Finding is the one limit the evidence names, with that evidence as
// numbers. Which fields hold numbers depends on the limit; the rest are NaN
// (or 0 for counts).
type Finding struct {
	Limit Limit
	At    int   // the point the diagnosis reads
	Cause Cause // why LimitUnknown (or LimitMachine) was named
	// Share is the limit's own share: goroutines' lock waits over the
	// wall time at Worst (lock); the collector's share of the CPU at At
	// (gc); the base's CPU share (waiting, surplus); the idle share of the
	// cores at At (parallelism); the speedup over the ideal (cores);
	// others' share of the cores' time (machine).
	Share float64
	// Worst is the count the lock waited most at (lock); the count the
	// machine took most from (machine); the fastest count (waiting).
	Worst int
	// Ratio is the CPU per op at At over the base's, Lo and Hi its
	// interval (work; lock, where it rose).
	Ratio, Lo, Hi float64
	// Task is the time per task at the base, PerTask the core time per
	// task added at At (executor).
	Task, PerTask float64
	// Serial is the fitted serial fraction (parallelism).
	Serial float64
	// GC is the collector's share of the CPU at the base (surplus, gc).
	GC float64
	// Where is the limit's site, from package sweep's profiles (nil where
	// the runs carry none, or the limit has no site: the cores, the
	// machine, the executor).
	Where *Where
	// Pattern is the entry of the Catalog that named the limit: a part of
	// the idle split (a serial part, one long task, blocking on channels)
	// where the trace named one (PatternNone where none did).
	Pattern PatternID
	// Accounts split the speedup lost at At among the patterns whose
	// factors lost it, largest first.
	Accounts []Account
}

// Analysis is a sweep with its statistics, its model and its verdict.
type Analysis struct {
	*Sweep
	Base int // the X speedups are relative to (1 unless missing)
	// Level is the confidence of its intervals: Confidence, or less
	// error where the run looked at it more than once (see Level).
	Level float64
	// Looked says the run looked at its sweeps as it went, and stopped
	// measuring those it found settled (a "looks:" line): the report
	// then names the claims that stayed undecided.
	Looked bool
	// Bound is how many workers can run at once: GOMAXPROCS, or the
	// machine's cores where the input says they are fewer.
	Bound int
	// Rounds is the most runs any point had as measured, the slow rounds
	// included.
	Rounds int
	// Slow are the rounds that ran on a slower core (see SlowCore): the
	// machine's, left out of the Rows and of every claim.
	Slow []SlowRound
	// Declared says Best comes from the sweep's own best-sec/op metric,
	// not from min(workers, cores).
	Declared bool
	// Waits says the base used less than WaitShare of the time its threads
	// could run (RunShare): the work waits, and the cores do not bound it.
	Waits bool
	// BaseRunShare is the base's RunShare: its CPU share with the time its
	// threads waited on a run queue left out.
	BaseRunShare float64
	Rows         []Row
	// Scaling is how far it scales; Finding (Limit, At, ...) what
	// stops it, named from the evidence. Verdict, Diagnosis and Distrust
	// say them in words.
	Scaling Scaling
	Finding
	Notes []Note
}

func name(names []string, i int, kind string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", kind, i)
}

// String is the kind's stable name, as the json output gives it.
func (k ScalingKind) String() string {
	return name([]string{"", "one", "baseDisturbed", "tooFew", "none", "pastCores", "scales", "slowCore"}, int(k), "ScalingKind")
}

// String is the tail's stable name, as the json output gives it.
func (t TailKind) String() string {
	return name([]string{"none", "still", "slower", "flat"}, int(t), "TailKind")
}

// String is the cause's stable name ("" for CauseNone).
func (c Cause) String() string {
	return name([]string{"", "noCPU", "busyOrWait", "baseSlowed", "noLoss", "coresOpen"}, int(c), "Cause")
}

// String is the kind's stable name, as the json output gives it.
func (k DisturbKind) String() string {
	return name([]string{"", "busy", "lowShare", "pastBest"}, int(k), "DisturbKind")
}
