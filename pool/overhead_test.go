package pool_test

import (
	"context"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/futuresbench/futures/pool"
)

// The pool's own cost per input, against the two costExecutors a Go engineer
// would write by hand: fixed goroutines reading a buffered channel, and
// errgroup with SetLimit. Each op runs 10,000 tasks on 2 workers.

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
