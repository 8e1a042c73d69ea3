package pool_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sourcegraph/conc/iter"
	"golang.org/x/sync/errgroup"

	"github.com/futuresbench/futures/pool"
)

// The pool's own cost per input, against what a Go engineer would write by
// hand (fixed goroutines reading a buffered channel, errgroup with
// SetLimit, a loop over an atomic counter), the best Go peer (conc's
// iter.Map) and the ceiling (a static split). Each op runs 10,000 tasks on
// 2 workers.

const perTaskN = 10_000

// xorshiftTiny is about 10 ns of work: what is left is the executor's cost.
func xorshiftTiny(_ context.Context, n int) (int, error) {
	x := n | 1
	for range 8 {
		x ^= x << 7
		x ^= x >> 9
	}
	return x, nil
}

// handChannelPool is the hand-written baseline: workers goroutines read indices
// from a buffered channel, filled and closed before they start, and write
// results into a slice. (With a small buffer filled while the workers run,
// the producer waits for a worker to block before it runs again, and the
// pool scales worse: this is the stronger baseline.)
func handChannelPool(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
	out := make([]int, len(inputs))
	jobs := make(chan int, len(inputs))
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				out[i], _ = fn(ctx, inputs[i])
			}
		})
	}
	wg.Wait()
	return out
}

func handErrgroup(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
	out := make([]int, len(inputs))
	var g errgroup.Group
	g.SetLimit(workers)
	for i, in := range inputs {
		g.Go(func() (err error) {
			out[i], err = fn(ctx, in)
			return err
		})
	}
	_ = g.Wait()
	return out
}

// handAtomic is the leanest pool a Go engineer would write: workers take
// the next index from an atomic counter, one at a time, and write the
// result into the slice; no context check, no panic guard.
func handAtomic(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
	out := make([]int, len(inputs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(inputs); i = int(next.Add(1) - 1) {
				out[i], _ = fn(ctx, inputs[i])
			}
		})
	}
	wg.Wait()
	return out
}

// handStatic is the ceiling of any executor: workers each loop over a
// fixed share of the inputs, handed out before they start; nothing is
// shared while they run. (It balances nothing: one slow share and the
// others wait. A bound, not an executor.)
func handStatic(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
	out := make([]int, len(inputs))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(inputs)/workers, (w+1)*len(inputs)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i], _ = fn(ctx, inputs[i])
			}
		})
	}
	wg.Wait()
	return out
}

// concMap is conc's iter.Map (github.com/sourcegraph/conc), the best Go
// peer measured: an atomic counter, goroutines that recover panics, no
// context.
func concMap(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
	return iter.Mapper[int, int]{MaxGoroutines: workers}.Map(inputs, func(in *int) int {
		out, _ := fn(ctx, *in)
		return out
	})
}

// costExecutors are the ways to run one batch, by name.
var costExecutors = []struct {
	name string
	run  func(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int
}{
	{"loop", func(ctx context.Context, _ int, inputs []int, fn pool.Func[int, int]) []int {
		out := make([]int, len(inputs))
		for i, in := range inputs {
			out[i], _ = fn(ctx, in)
		}
		return out
	}},
	{"channel", handChannelPool},
	{"errgroup", handErrgroup},
	{"static", handStatic},
	{"atomic", handAtomic},
	{"conc", concMap},
	{"pool.Collect", func(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
		out, _ := pool.Collect(ctx, workers, inputs, fn)
		return out
	}},
	{"pool.Map", func(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
		out := make([]int, 0, len(inputs))
		for v := range pool.Map(ctx, workers, inputs, fn) {
			out = append(out, v)
		}
		return out
	}},
	{"pool.Completed", func(ctx context.Context, workers int, inputs []int, fn pool.Func[int, int]) []int {
		out := make([]int, len(inputs))
		for r := range pool.Completed(ctx, workers, inputs, fn) {
			out[r.Index] = r.Value
		}
		return out
	}},
}

// peerSizes are the task sizes of BenchmarkPeers: the tiny task (a few ns)
// and xorshift chains of ~90 ns and ~350 ns.
var peerSizes = []struct {
	label string
	fn    pool.Func[int, int]
}{
	{"3ns", xorshiftTiny},
	{"90ns", xorshiftTask(56)},
	{"350ns", xorshiftTask(220)},
}

// BenchmarkPeers is every executor side by side at three task sizes, 10,000
// tasks on 2 workers: the figures of the pool against the best Go peer.
// Run it with -count 8 and compare the executors with benchstat -col /exec.
func BenchmarkPeers(b *testing.B) {
	inputs := make([]int, perTaskN)
	for i := range inputs {
		inputs[i] = i
	}
	for _, size := range peerSizes {
		for _, e := range costExecutors {
			b.Run("task="+size.label+"/exec="+e.name, func(b *testing.B) {
				for b.Loop() {
					e.run(b.Context(), 2, inputs, size.fn)
				}
			})
		}
	}
}

// BenchmarkPerTaskCost runs 10,000 xorshiftTiny tasks on 2 workers with each executor:
// the time per op divided by 10,000 is the executor's cost per input.
func BenchmarkPerTaskCost(b *testing.B) {
	inputs := make([]int, perTaskN)
	for i := range inputs {
		inputs[i] = i
	}
	for _, e := range costExecutors {
		b.Run("exec="+e.name, func(b *testing.B) {
			for b.Loop() {
				e.run(b.Context(), 2, inputs, xorshiftTiny)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perTaskN), "ns/task")
		})
	}
}
