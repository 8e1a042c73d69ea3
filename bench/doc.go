// Package bench turns the output of `go test -bench` into a report of how
// each workload scales with workers: for every sweep (a benchmark whose name
// carries workers=N or concurrency=N), the time per op at each worker count
// as a median with its 95% confidence interval, the speedup against one
// worker with its interval, the parallel efficiency, the efficiency against
// the best the workload allows, the CPU time per op and the share of the
// cores the process got (from package sweep's metrics), a verdict in plain
// words, and a plot. It also compares two runs and names the benchmarks that
// got significantly slower, which benchstat prints but never fails on.
//
// The report is computed as numbers first, then words. Analyze builds a model
// of each sweep: its points with their intervals, the evidence package sweep
// measured (others' CPU, run-queue delay, lock waits, the collector's CPU),
// each point's core time split into Shares (used, machine, lock, idle) and
// its speedup decomposed into Factors that multiply to it (cores × surplus ×
// machine × lock × idle × work). The verdict is written from the model: how
// far the sweep scales, claimed only where the intervals support it, then
// the one Limit the evidence names (the cores, a lock, waiting, the
// collector, not enough parallel work, more CPU per op, the executor's own
// cost, a busy machine). Every rule that names a limit is an entry of one
// table, the Catalog (catalog.go), modeled on Scalasca's catalog of
// performance properties: each Pattern's definition, the evidence it reads,
// its threshold, how its share of the lost speedup is computed, and where
// its site comes from. Where the runs carry package sweep's sites (profiles
// and a trace of a pass of its own), the limit's site is named as a call
// path (Where: the critical section, the code that spun on a lock, the
// allocation sites, the functions whose CPU grew, what ran beside the
// workers, where goroutines waited), and idle cores are explained by the
// trace's split of the idle core time: a serial part, one long task (only
// where the trace shows the tail), the lock, blocking on channels, waiting;
// where no part holds half, the report says it cannot decide. The speedup
// lost at the point is split among the patterns (Accounts). Every sentence
// is written in words.go, from the model; the text, markdown, csv, json and
// html writers, and the gate's (WriteGate), read the model.
//
// A point is disturbed where other processes took BusyShare of its core
// time while its threads waited to run; where the runs carry no run-queue
// evidence, where CPU-bound work got less than LowShare of its cores (and
// the report says it cannot tell a busy machine from waiting); and where its
// speedup interval lies above the best allowed. Results whose time is NaN,
// infinite, zero or negative are left out and named. The same sweep
// measured at GOMAXPROCS=1 and at more makes a row of the chapter's table
// (Lessons): one at a time, like threads under the GIL, against in
// parallel, like a process pool.
//
// A claim of absence needs evidence of absence: "does not scale", "flat
// beyond", a knee and the cores as the limit are made only where the
// intervals show them, within SettleMargin (Analysis.Gain, Undecided);
// otherwise the words say what the interval admits and what would decide.
// A round whose work took SlowCore more CPU per op than the sweep's other
// rounds at the same points ran on a slower core: the machine's, named
// (Analysis.Slow) and left out of every claim. The gate (Gate) has three
// answers: pass, fail, and undecided (GateUndecided), for a unit worse
// than its threshold whose evidence cannot show it.
//
// A run that looks at its sweeps as it goes (make bench: after rounds 6,
// 12 and 20, stopping those settled) says so with a "looks:" line; the
// report then spends its 5% error among the looks (Level), and names the
// claims its intervals leave undecided (Analysis.Undecided).
//
// It is built on golang.org/x/perf: benchfmt reads the results, benchproc
// groups them by projections of their names, and benchmath gives the
// medians, intervals and Mann-Whitney U tests. The command is
// cmd/benchreport; `make bench` runs the sweeps and calls it.
//
// What "the best the workload allows" means:
//   - what the sweep declares, where every point reports best-sec/op
//     (sweep.ReportBest): a list of uneven tasks, sweep.Makespan of them; a
//     download of n items at a delay d through c connections, ceil(n/c) x d;
//   - otherwise, for work that uses its core at the base: min(workers,
//     GOMAXPROCS) times faster than one worker;
//   - for work that waits (under WaitShare of the time the base's threads
//     could run: its CPU over wall x cores less its run-queue delay, since
//     a thread on a run queue waits for the machine, not for IO): no
//     bound, since more workers than cores overlap the waits.
//
// A busy machine can only slow a point down: where the base is trusted
// and every other point was disturbed by other processes (run-queue
// evidence), the verdict still says the lower end of the best of their
// speedup intervals ("scales to at least 3.04x at 4 workers"), and names
// waiting where that lower end is more than the cores could give. The
// collector's CPU (gc-sec/op, the runtime's estimate) is bounded by the
// CPU in each run; where it exceeded it, a note says the machine inflated
// it and no collector limit is named from it there.
package bench
