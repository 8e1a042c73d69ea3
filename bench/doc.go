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
// A verdict claims only what the intervals support: counts whose speedup
// intervals overlap cannot be told apart, and a CPU-bound sweep is never said
// to scale past its cores. A point more than BoundSlack past the best the
// workload allows, or one that got less than LowShare of the cores it could
// use, is named disturbed, with the way to a clean answer. Results whose
// time is NaN, infinite, zero or negative are left out and named. The same
// sweep measured at GOMAXPROCS=1 and at more makes a row of the chapter's
// table (Lessons): one at a time, like threads under the GIL, against in
// parallel, like a process pool.
//
// It is built on golang.org/x/perf: benchfmt reads the results, benchproc
// groups them by projections of their names, and benchmath gives the
// medians, intervals and Mann-Whitney U tests. The command is
// cmd/benchreport; `make bench` runs the sweeps and calls it.
//
// What "the best the workload allows" means:
//   - CPU-bound work: min(workers, GOMAXPROCS) times faster than one worker.
//   - A package that also reports BenchmarkTask/... (primes: one
//     sub-benchmark per task of the list): the tasks' medians scheduled on
//     min(workers, GOMAXPROCS) workers, longest first (LPT); the list can go
//     no faster than that schedule's makespan, and never faster than its
//     longest task.
//   - Sweeps whose names carry delay=D and n=N (the flag downloads): a wait
//     of D for each of ceil(N/c) rounds of c requests.
package bench
