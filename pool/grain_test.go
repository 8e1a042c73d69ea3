package pool_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/futuresbench/futures/sweep"
)

// grainSizes are the task sizes of BenchmarkGrain: iterations of a dependent
// xorshift chain, about 1.6 ns each on the machine this was written on
// (AMD EPYC); the label is that estimate, and cmd/benchreport reads the
// real cost per task from the one-worker time of each sweep.
var grainSizes = []struct {
	label string
	iters int
}{
	{"10ns", 6},
	{"100ns", 60},
	{"1us", 600},
	{"10us", 6_000},
	{"100us", 60_000},
}

// xorshiftTask returns a task of iters iterations of CPU work.
func xorshiftTask(iters int) func(context.Context, int) (int, error) {
	return func(_ context.Context, n int) (int, error) {
		x := uint64(n) | 1
		for range iters {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
		return int(x), nil
	}
}

// BenchmarkGrain is where futures pay off: for task sizes from ~10 ns to
// ~100 µs, each executor (ours, a channel pool, errgroup, conc's iter.Map,
// an atomic-counter loop) over the worker
// sweep. Every op runs about 2 ms of work at one worker (at least 64 tasks),
// so sec/op is comparable across workers; the report says from which task
// size each executor reaches 90% efficiency at GOMAXPROCS workers.
func BenchmarkGrain(b *testing.B) {
	for _, g := range grainSizes {
		tasks := max(64, 2_000_000/(g.iters*16/10))
		inputs := make([]int, tasks)
		for i := range inputs {
			inputs[i] = i
		}
		fn := xorshiftTask(g.iters)
		for _, e := range costExecutors {
			if !slices.Contains([]string{"channel", "errgroup", "conc", "atomic", "pool.Collect"}, e.name) {
				continue
			}
			name := fmt.Sprintf("work=%s/tasks=%d/exec=%s", g.label, tasks, e.name)
			b.Run(name, func(b *testing.B) {
				sweep.Workers(b, func(b *testing.B, w int) {
					sweep.ReportTasks(b, tasks)
					for b.Loop() {
						e.run(b.Context(), w, inputs, fn)
					}
				})
			})
		}
	}
}
