package bench

import (
	"cmp"
	"math"
	"slices"
)

// This file is the catalog of patterns: every rule that names what limits
// a sweep, in one table that is both its documentation and its code,
// modeled on Scalasca's catalog of performance properties (each property:
// its definition, the evidence it reads, its threshold and the share of
// the loss it accounts for). It sits between the model (model.go: rows,
// shares, factors) and the words (words.go): diagnose (verdict.go) asks
// the catalog, in order, which limit the counters show; locate (where.go)
// asks it which pattern the profiles and the trace show, and at which
// call path.

// PatternID names an entry of the catalog.
type PatternID int

const (
	// PatternNone: no pattern named.
	PatternNone PatternID = iota
	// PatternWaiting: the work waits (IO, sleep) even one at a time; or, in
	// the idle split, workers were blocked in sleep, IO, a WaitGroup or a
	// Cond.
	PatternWaiting
	// PatternLock: goroutines wait for a lock, asleep or spinning.
	PatternLock
	// PatternCores: the work uses every core it can.
	PatternCores
	// PatternExecutor: tasks so small that the executor's cost decides.
	PatternExecutor
	// PatternGC: the collector and allocation.
	PatternGC
	// PatternBeside: work beside the workers at the base.
	PatternBeside
	// PatternGrowth: more CPU per op with more workers.
	PatternGrowth
	// PatternIdle: cores idle with nothing to run (not enough parallel
	// work), before the trace splits it into the next four.
	PatternIdle
	// PatternSerial: the benchmark's own goroutine ran alone.
	PatternSerial
	// PatternLongTask: the other workers were done while one ran its last
	// input (the tail).
	PatternLongTask
	// PatternChannels: workers blocked on a channel or in select.
	PatternChannels
	// PatternMachine: other processes took the cores (a busy machine), or
	// a core got slower.
	PatternMachine
)

// String is the pattern's stable name, as the json output gives it.
func (p PatternID) String() string {
	return name([]string{"", "waiting", "lock", "cores", "executor", "gc", "beside", "growth", "idle", "serial", "longTask", "channels", "machine"}, int(p), "PatternID")
}

// Pattern is one entry of the catalog.
type Pattern struct {
	ID PatternID
	// Name is the pattern in a few words, as the report names it.
	Name string
	// Limit is the limit the verdict names where the pattern holds.
	Limit Limit
	// Definition says what the pattern is; Evidence what it reads;
	// Threshold from when it holds; Share how its share of the lost
	// speedup is computed; Site where its call path comes from.
	Definition, Evidence, Threshold, Share, Site string
	// rule decides the pattern from the counters of the base b and the
	// point at, filling f; nil for a pattern only the profiles or the trace
	// name (a part of the idle split), or one decided elsewhere (the
	// machine, from the points' disturbances).
	rule func(a *Analysis, b, at Row, f *Finding) bool
}

// Catalog is every pattern, in the order diagnose asks them: the first
// whose rule holds names the limit. The patterns without a rule are parts
// of the idle core time (PatternIdle), named from the trace of the sites
// pass at the point (locate, idleWhere).
var Catalog = []Pattern{
	{
		ID: PatternMachine, Name: "the machine", Limit: LimitMachine,
		Definition: "other processes took the cores while the work's threads waited to run (a busy machine); or a core got slower while it ran (named by the machine-speed detection)",
		Evidence:   "others-sec/op and runq-sec/op (the least of the two is the machine's share of the core time); CPU per op at the same points across rounds; the canary at both ends of each round",
		Threshold:  "BusyShare (10%) of a point's core time: the point is disturbed, and where no trusted point is left the machine is the limit; a core that got slower: a round whose CPU per op is SlowCore (25%) above the sweep's median at the same points (slowcore.go) is left out, and where too few runs are left for an interval the machine is the limit (both in judge, before the catalog is asked)",
		Share:      "others' CPU over the core time",
		Site:       "none: no call path is blamed for another process or a slower core",
	},
	{
		ID: PatternWaiting, Name: "waiting", Limit: LimitWaiting,
		Definition: "the work waits (IO, sleep, channels) even one at a time, so more workers than cores overlap the waits; in the idle split, workers blocked in sleep, IO, a WaitGroup or a Cond",
		Evidence:   "cpu-sec/op over the time the base's threads could run, wall x cores less runq-sec/op (RunShare; the CPU share where there is no run-queue evidence); lockwait-sec/op; the trace of the sites pass at the base: goroutines' waits by site and reason (sleep and IO too)",
		Threshold:  "RunShare at the base under WaitShare (50%), with lock waits under LockShare (10%) of the wall time; in the idle split, half of the idle core time or more",
		Share:      "the base's RunShare; in the idle split, the blocked time over the idle core time",
		Site:       "where goroutines waited, by reason (trace), else the block profile: the call path from the user's call to the wait",
		rule:       waitLimit,
	},
	{
		ID: PatternLock, Name: "the lock", Limit: LimitLock,
		Definition: "goroutines wait for a lock: asleep (blocked in Lock), runnable after the Unlock that woke them, or spinning in the mutex's spin and wake paths",
		Evidence:   "lockwait-sec/op (runtime/metrics, sampled); the mutex profile of the sites pass (contention by critical section); the trace's idle split (blocked on sync.Mutex, runnable charged to its Unlock); the CPU that grew in a lock's spin and wake paths (package sweep's LockCPU: lockSlow, procyield, osyield, futex, runtime.lock2, semacquire, by the caller that took the lock; in older files, the flat functions only a lock runs)",
		Threshold:  "lock waits LockShare (10%) of the wall time or more at a point that lost speedup (counters or mutex profile); or half of the idle core time (trace), over the counters' idle cores, tiny tasks, or the collector where the lock then accounts for the largest part of the lost speedup; or half of the CPU growth in the spin and wake paths",
		Share:      "lock waits over the wall time; the blocked and woken time over the idle core time; the spin CPU over the growth",
		Site:       "the critical section (the caller of Unlock, mutex profile), where the waiters took it (block profile), the code that spun: the library's function and the user's call",
		rule:       lockLimit,
	},
	{
		ID: PatternCores, Name: "the cores", Limit: LimitCores,
		Definition: "the work uses every core it can: more need more cores",
		Evidence:   "speedup against min(workers, cores), its interval, the used share of the core time",
		Threshold:  "Near (90%) of the ideal speedup; or, where tasks are not tiny, an interval that holds the ideal with Near of the cores used",
		Share:      "none lost: the speedup over the ideal",
		Site:       "none: the cores have no call path",
		rule:       coresRule,
	},
	{
		ID: PatternExecutor, Name: "the executor's cost per task", Limit: LimitExecutor,
		Definition: "tasks so small that handing them out costs as much as running them",
		Evidence:   "tasks/op (sweep.ReportTasks) and the time per op at the base",
		Threshold:  "a task under TinyTask (10µs), speedup lost; unless the sites pass shows the added core time went to a lock (a convoy: the mutex profile, the idle split or the spin CPU name the lock)",
		Share:      "the core time per task added at the point",
		Site:       "none: the executor's own code",
		rule:       executorLimit,
	},
	{
		ID: PatternGC, Name: "the collector and allocation", Limit: LimitGC,
		Definition: "the garbage collector takes the CPU the workers would use",
		Evidence:   "gc-sec/op (runtime/metrics) over cpu-sec/op; the allocs profile of the sites pass",
		Threshold:  "the collector's share of the CPU GCShare (15%) or more, at the point or the base",
		Share:      "the collector's CPU over the CPU",
		Site:       "the allocation sites (allocs profile), the user's call first",
		rule:       gcLimit,
	},
	{
		ID: PatternBeside, Name: "work beside the workers", Limit: LimitSurplus,
		Definition: "at the base the process already used more than its cores' share: goroutines of a library's own, or the collector, ran beside the worker, so more workers find less idle core",
		Evidence:   "CPU share above 100% at the base (the surplus factor); the CPU profile of the base by the function each goroutine started in",
		Threshold:  "the surplus factor the largest loss, under MinLoss (0.95)",
		Share:      "ln(surplus) over the log of the lost speedup",
		Site:       "the goroutines that hold none of the user's frames, by the function each started in",
		rule:       lossRule(PatternBeside),
	},
	{
		ID: PatternGrowth, Name: "more CPU per op", Limit: LimitWork,
		Definition: "each op costs more CPU with more workers: contention for shared memory, work that grows with the workers",
		Evidence:   "cpu-sec/op at the point over the base's, with its interval; the CPU profiles of both: the functions whose CPU grew",
		Threshold:  "the work factor the largest loss, under MinLoss, its interval ruling out no change (or 3% clearer than the others); a function's growth past twice its standard error",
		Share:      "ln(work) over the log of the lost speedup; a function's growth over the whole growth",
		Site:       "the functions whose CPU grew, each with the call path from the user's call; growth in a mutex's spin and wake paths is the lock's",
		rule:       lossRule(PatternGrowth),
	},
	{
		ID: PatternIdle, Name: "not enough parallel work", Limit: LimitParallelism,
		Definition: "cores idle with nothing to run; the trace of the sites pass splits the idle core time into the parts below",
		Evidence:   "the idle share of the core time (what is neither the process's CPU, nor lock waits, nor others' CPU); the trace's idle split",
		Threshold:  "the idle factor the largest loss, under MinLoss; a part is named where it holds half of the idle core time or more (IdlePart), else the report says it cannot decide",
		Share:      "ln(idle) over the log of the lost speedup; each part's idle core time over the whole",
		Site:       "the named part's",
		rule:       lossRule(PatternIdle),
	},
	{
		ID: PatternSerial, Name: "a serial part", Limit: LimitParallelism,
		Definition: "the benchmark's own goroutine, the code around the executor, ran alone while the other cores sat idle",
		Evidence:   "the trace: the time the benchmark's goroutine ran while no worker did, times the cores it left idle; without the split, its running time from the trace or the CPU profile",
		Threshold:  "half of the idle core time or more (IdlePart)",
		Share:      "its idle core time over the whole idle core time",
		Site:       "the CPU profile of the benchmark's goroutine: the user's function and the library function it called",
	},
	{
		ID: PatternLongTask, Name: "one long task", Limit: LimitParallelism,
		Definition: "the tail: the other workers were done while one ran its last input",
		Evidence:   "the trace: the time from the first worker's last task to the op's end, times the cores left idle; never inferred from what did not run",
		Threshold:  "half of the idle core time or more (IdlePart)",
		Share:      "the tail's idle core time over the whole idle core time",
		Site:       "the function of the task that ran last, with the user's call (and its input, where the executor labels it)",
	},
	{
		ID: PatternChannels, Name: "blocking on channels", Limit: LimitParallelism,
		Definition: "workers blocked on a channel or in select: a stage that feeds or drains them is slower",
		Evidence:   "the trace: time workers were blocked in chan send, chan receive or select, by site",
		Threshold:  "half of the idle core time or more (IdlePart)",
		Share:      "the blocked time over the idle core time",
		Site:       "where they blocked: the user's call, then the channel operation",
	},
}

// PatternOf returns the catalog's entry for id (the zero Pattern if none).
func PatternOf(id PatternID) Pattern {
	for _, p := range Catalog {
		if p.ID == id {
			return p
		}
	}
	return Pattern{}
}

// IdlePart is the share of the idle core time from which one part of the
// idle split names the pattern: a part that holds less than half leaves
// others that together hold more, and the report says it cannot decide.
const IdlePart = 0.5

// coresRule is the cores' rule: the point's median reached Near of the
// ideal speedup (coresReached); or, where its tasks are not tiny (the
// executor's pattern, next), coresLimit's (verdict.go).
func coresRule(a *Analysis, b, at Row, f *Finding) bool {
	return coresReached(a, b, at, f) || !(taskTime(b) < TinyTask) && coresLimit(a, b, at, f)
}

// lossRule is the rule of a pattern named by the largest loss
// (largestLoss, verdict.go): work beside the workers, more CPU per op, or
// idle cores.
func lossRule(id PatternID) func(a *Analysis, b, at Row, f *Finding) bool {
	limit := map[PatternID]Limit{PatternBeside: LimitSurplus, PatternGrowth: LimitWork, PatternIdle: LimitParallelism}[id]
	return func(a *Analysis, b, at Row, f *Finding) bool {
		g := *f
		if !largestLoss(a, b, at, &g) || g.Limit != limit {
			return false
		}
		*f = g
		return true
	}
}

// Account is one pattern's share of the speedup a point lost.
type Account struct {
	Pattern PatternID
	// Share is its part of the lost speedup: the log of its factor over
	// the sum of the logs of the factors below 1 (the factors multiply, so
	// their logs add up to the loss).
	Share float64
}

// accounts splits the speedup the point lost (ideal over speedup) among
// the patterns whose factors are below 1, largest first: beside (surplus),
// the machine, the lock (lock waits), idle cores, more CPU per op.
func accounts(at Row) []Account {
	fs := at.Factors
	parts := []struct {
		id PatternID
		f  float64
	}{{PatternBeside, fs.Surplus}, {PatternMachine, fs.Machine}, {PatternLock, fs.Lock}, {PatternIdle, fs.Idle}, {PatternGrowth, fs.Work}}
	total := 0.0
	for _, p := range parts {
		if p.f < 1 && p.f > 0 {
			total += math.Log(p.f)
		}
	}
	if !(total < 0) {
		return nil
	}
	var out []Account
	for _, p := range parts {
		if p.f < 1 && p.f > 0 {
			out = append(out, Account{p.id, math.Log(p.f) / total})
		}
	}
	sortAccounts(out)
	return out
}

// sortAccounts orders accounts largest first (stable: the factors'
// order among equals).
func sortAccounts(as []Account) {
	slices.SortStableFunc(as, func(x, y Account) int { return cmp.Compare(y.Share, x.Share) })
}

// spinFuncs are the functions only a lock's spin and wake paths run:
// CPU that grew in them is the lock's (a goroutine spinning before it
// sleeps, or handing the lock over), not work. Package sweep's LockCPU
// charges the wider paths (futex, osyield, semacquire) by the caller that
// took the lock; here, where a profile's flat functions are all there is
// (an older file), the futex and the semaphore are left out: the
// scheduler's wakeups and channels run them too.
var spinFuncs = []string{
	"sync.(*Mutex).lockSlow", "sync.(*Mutex).unlockSlow", "sync.(*RWMutex).Lock", "sync.(*RWMutex).RLock",
	"internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).unlockSlow",
	"runtime.procyield", "runtime.procyieldAsm", "runtime.lock2", "runtime.unlock2", "runtime.lockWithRank", "runtime.unlockWithRank",
	"sync.runtime_SemacquireMutex", "internal/sync.runtime_SemacquireMutex",
	"sync.runtime_doSpin", "internal/sync.runtime_doSpin", "runtime.sync_runtime_doSpin", "runtime.internal_sync_runtime_doSpin",
	"sync.runtime_canSpin", "internal/sync.runtime_canSpin",
}

// isSpin reports whether fn is in a mutex's spin or wake path.
func isSpin(fn string) bool { return slices.Contains(spinFuncs, fn) }
