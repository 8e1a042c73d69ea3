package limits_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futuresbench/futures/internal/limits"
	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/sweep"
)

// unit is the CPU work of one task of most workloads: about 50 µs.
const unit = 50_000

var sink atomic.Uint64

func tasks(n int) []int {
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	return in
}

func run(b *testing.B, workers int, inputs []int, fn pool.Func[int, uint64]) {
	if _, err := pool.Collect(b.Context(), workers, inputs, fn); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCores: independent CPU work. Limit: the cores.
func BenchmarkCores(b *testing.B) {
	in := tasks(64)
	sweep.Workers(b, func(b *testing.B, w int) {
		sweep.ReportTasks(b, len(in))
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) { return limits.Spin(unit), nil })
		}
	})
}

// BenchmarkLock: every task holds one global mutex for 90% of its work.
// Limit: the lock.
func BenchmarkLock(b *testing.B) {
	in := tasks(64)
	var mu sync.Mutex
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				x := limits.Spin(unit / 10)
				mu.Lock()
				x += limits.Spin(unit * 9 / 10)
				mu.Unlock()
				return x, nil
			})
		}
	})
}

// BenchmarkWait: every task sleeps 2 ms, as a request to a server would, then
// computes a little. Limit: waiting; more workers than cores help.
func BenchmarkWait(b *testing.B) {
	in := tasks(16)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				time.Sleep(2 * time.Millisecond)
				return limits.Spin(unit / 10), nil
			})
		}
	})
}

type node struct {
	next *node
	pad  [6]uint64
}

// live is a heap of pointers the collector must mark on every cycle, while
// BenchmarkGarbage runs (and only then: the other workloads' collections
// stay cheap).
var live *node

func buildLive() *node {
	var head *node
	for range 300_000 {
		head = &node{next: head}
	}
	return head
}

// BenchmarkGarbage: tasks allocate short-lived objects at a high rate over a
// live heap the collector marks each cycle. Limit: the collector, which uses
// the idle core already at one worker.
func BenchmarkGarbage(b *testing.B) {
	in := tasks(64)
	live = buildLive()
	defer func() { live = nil }()
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				var keep *node
				for j := range 2000 {
					n := &node{next: keep}
					n.pad[0] = uint64(j)
					if j%8 == 0 {
						keep = nil
					} else {
						keep = n
					}
				}
				return uint64(len(live.pad)), nil
			})
		}
	})
}

// BenchmarkSerial: half of every op is a serial phase before the parallel
// tasks. Limit: Amdahl, at most 1.33x on 2 cores.
func BenchmarkSerial(b *testing.B) {
	in := tasks(32)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			sink.Add(limits.Spin(32 * unit))
			run(b, w, in, func(_ context.Context, i int) (uint64, error) { return limits.Spin(unit), nil })
		}
	})
}

// BenchmarkStraggler: one task is 3/4 of the work. Limit: that task, at most
// 1.33x.
func BenchmarkStraggler(b *testing.B) {
	in := tasks(17)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				if i == 0 {
					return limits.Spin(48 * unit), nil
				}
				return limits.Spin(unit), nil
			})
		}
	})
}

// BenchmarkInflate: every task adds to one shared counter. Limit: more CPU
// per op as the counter's cache line moves between cores.
func BenchmarkInflate(b *testing.B) {
	in := tasks(64)
	var counter atomic.Uint64
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				limits.Bounce(&counter, 20_000)
				return 0, nil
			})
		}
	})
}

// BenchmarkTiny: 10,000 tasks of a few nanoseconds each. Limit: the
// executor's own cost per task.
func BenchmarkTiny(b *testing.B) {
	in := tasks(10_000)
	sweep.Workers(b, func(b *testing.B, w int) {
		sweep.ReportTasks(b, len(in))
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) { return uint64(i) * 3, nil })
		}
	})
}
