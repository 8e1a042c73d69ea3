package limits_test

import (
	"context"
	"encoding/json"
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

// ledger is one account book shared by every task, under one mutex.
type ledger struct {
	mu    sync.Mutex
	total uint64
}

// post holds the ledger's lock for 90% of a task's work: the critical
// section BenchmarkLock's site names.
func (l *ledger) post(x uint64) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total += x + limits.Spin(unit*9/10)
	return l.total
}

// BenchmarkLock: every task posts to one ledger, whose mutex it holds for
// 90% of its work. Limit: the lock; site: ledger.post.
func BenchmarkLock(b *testing.B) {
	in := tasks(64)
	var l ledger
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				return l.post(limits.Spin(unit / 10)), nil
			})
		}
	})
}

// callRemote waits 2 ms, as a request to a server would.
func callRemote() { time.Sleep(2 * time.Millisecond) }

// BenchmarkWait: every task calls a remote that takes 2 ms, then computes a
// little. Limit: waiting, and more workers than cores help; site:
// callRemote.
func BenchmarkWait(b *testing.B) {
	in := tasks(16)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				callRemote()
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

// buildRecords allocates 2000 short-lived records, in chains of 8: the
// allocation site BenchmarkGarbage's names.
func buildRecords() uint64 {
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
	return uint64(len(live.pad))
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
				return buildRecords(), nil
			})
		}
	})
}

// loadIndex is the serial phase of BenchmarkSerial: an index built before
// the parallel scan, on the benchmark's own goroutine.
func loadIndex() uint64 { return limits.Spin(32 * unit) }

// BenchmarkSerial: half of every op is loading an index before the parallel
// scan. Limit: Amdahl, at most 1.33x on 2 cores; site: loadIndex.
func BenchmarkSerial(b *testing.B) {
	in := tasks(32)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			sink.Add(loadIndex())
			run(b, w, in, func(_ context.Context, i int) (uint64, error) { return limits.Spin(unit), nil })
		}
	})
}

// compressFile is one task of BenchmarkStraggler: file 0 is 48 times the
// size of each of the 16 others.
func compressFile(i int) uint64 {
	if i == 0 {
		return limits.Spin(48 * unit)
	}
	return limits.Spin(unit)
}

// BenchmarkStraggler: one file is 3/4 of the work. Limit: that task, at
// most 1.33x; site: compressFile, on the workers.
func BenchmarkStraggler(b *testing.B) {
	in := tasks(17)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				return compressFile(i), nil
			})
		}
	})
}

// BenchmarkInflate: every task adds to one shared counter. Limit: more CPU
// per op as the counter's cache line moves between cores; site:
// limits.Bounce.
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

// BenchmarkConvoy: 20,000 tasks an op, each a little work and a Get and
// an Add on one cache under one mutex, held for a short critical section
// (some 100 ns): a lock convoy. A worker woken by the other's Unlock
// waits to be scheduled more than it waits in Lock, so that the sampled
// lock-wait counter reads little. Limit: the lock; site: limits.(*Cache)
// Get and Add, from the task.
func BenchmarkConvoy(b *testing.B) {
	in := tasks(20_000)
	c := limits.NewCache()
	sweep.Workers(b, func(b *testing.B, w int) {
		sweep.ReportTasks(b, len(in))
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) {
				v, _ := c.Get(uint64(i))
				c.Add(uint64(i), v+limits.Spin(300))
				return v, nil
			})
		}
	})
}

// summarize is the serial step of BenchmarkSummarize: the workers'
// results encoded to JSON on the benchmark's own goroutine, after the
// parallel part.
func summarize(out []uint64) int {
	js, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return len(js)
}

// BenchmarkSummarize: a parallel part of 32 tasks, then the results
// encoded to JSON on the benchmark's goroutine: about a tenth of the op
// at workers=2 (under 15%). Limit: a serial part; site: summarize →
// encoding/json.Marshal.
func BenchmarkSummarize(b *testing.B) {
	in := tasks(32)
	report := make([]uint64, 6_000)
	for i := range report {
		report[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			out, err := pool.Collect(b.Context(), w, in, func(_ context.Context, i int) (uint64, error) { return limits.Spin(unit), nil })
			if err != nil {
				b.Fatal(err)
			}
			copy(report, out)
			sink.Add(uint64(summarize(report)))
		}
	})
}

// BenchmarkLongOp: an op of about 200 ms of CPU at workers=1 (64 tasks
// of 40 units; 0.20 cpu-sec/op measured on the 2-core VM), longer than
// any per-point share of a pass. Limit: the cores; the sites pass still
// runs it, one op at least, where the budget holds one.
func BenchmarkLongOp(b *testing.B) {
	in := tasks(64)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			run(b, w, in, func(_ context.Context, i int) (uint64, error) { return limits.Spin(40 * unit), nil })
		}
	})
}
