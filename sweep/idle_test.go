package sweep

import (
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spinFor keeps a core busy for about d (of CPU work, calibrated once:
// a busy machine stretches it in wall time, as it would any work).
func spinFor(d time.Duration) uint64 {
	x := uint64(d) | 1
	for range int(d.Nanoseconds()) * spinPerNs / 1000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	spinSink.Add(x)
	return x
}

var spinSink atomic.Uint64

// spinPerNs is xorshift steps per µs (times 1000 per ns): about one a ns.
const spinPerNs = 1000

// passOf runs body as a sites pass for the window and returns its sites.
func passOf(t *testing.T, w window, body func(b *testing.B)) *Sites {
	t.Helper()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores")
	}
	if raceOn {
		t.Skip("the race detector changes the timing this test splits")
	}
	var s *Sites
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, w)
		s = profilePass(b, body, selfPkg, "")
	})
	require.NotNil(t, s)
	require.NotNil(t, s.Idle, "the trace was read: %v", s.Skipped)
	js, _ := json.MarshalIndent(s.Idle, "", " ")
	t.Logf("ops %d idle %s", s.Ops, js)
	return s
}

// parallelThen runs two workers of work each, then the benchmark's
// goroutine alone for after. Equal work is cut in tasks of 100 µs that
// the workers claim, as an executor's would, so that a busy machine
// makes no tail of it; unequal work is one task each.
func parallelThen(work [2]time.Duration, after time.Duration) {
	var wg sync.WaitGroup
	if work[0] == work[1] {
		var next atomic.Int64
		n := int64(2 * work[0] / (100 * time.Microsecond))
		for range 2 {
			wg.Go(func() {
				for next.Add(1) <= n {
					spinFor(100 * time.Microsecond)
				}
			})
		}
	} else {
		for _, d := range work {
			wg.Go(func() { spinFor(d) })
		}
	}
	wg.Wait()
	if after > 0 {
		serialStep(after)
	}
}

//go:noinline
func serialStep(d time.Duration) { spinFor(d) }

// largest is the name of the largest part of the idle time.
func largest(id *Idle) string {
	parts := map[string]float64{"serial": id.Serial, "tail": id.Tail, "blocked": id.BlockedTotal,
		"runnable": id.RunnableTotal, "other": id.Other}
	best := ""
	for k, v := range parts {
		if best == "" || v > parts[best] {
			best = k
		}
	}
	return best
}

// TestIdleSerial: a serial step after the parallel part, a third of the
// op: most of the idle core time is the serial part's, in serialStep (a
// busy machine adds some tail: a worker's thread descheduled mid-task).
func TestIdleSerial(t *testing.T) {
	s := passOf(t, window{n: 8}, func(b *testing.B) {
		for b.Loop() {
			parallelThen([2]time.Duration{8 * time.Millisecond, 8 * time.Millisecond}, 4*time.Millisecond)
		}
	})
	id := s.Idle
	assert.Greater(t, id.Serial, id.Total/3, "the serial step is much of the idle time")
	assert.Greater(t, id.Serial, id.BlockedTotal+id.Other)
	assert.InDelta(t, id.Total, id.Serial+id.Tail+id.BlockedTotal+id.RunnableTotal+id.Other, id.Total*0.02, "the parts sum to the whole")
	require.NotEmpty(t, id.SerialSites)
	assert.Contains(t, id.SerialSites[0].PathString(), "serialStep", "the serial part's site")
}

// TestIdleTail: one worker runs five times the other: the idle core
// time is the tail's.
func TestIdleTail(t *testing.T) {

	s := passOf(t, window{n: 8}, func(b *testing.B) {
		for b.Loop() {
			parallelThen([2]time.Duration{time.Millisecond, 10 * time.Millisecond}, 0)
		}
	})
	id := s.Idle
	assert.Greater(t, id.Tail, id.Total/2, "the tail is most of the idle time")
	assert.Less(t, id.Serial, id.Total/10)
}

// TestIdleSetupLeftOut: 200 ms of setup before b.Loop on the benchmark's
// goroutine is no serial part of a 5 ms op (judged with it, it would be
// 50 ms of serial part an op; a loaded machine adds a few ms at the op's
// boundaries, the benchmark's goroutine woken late).
func TestIdleSetupLeftOut(t *testing.T) {
	s := passOf(t, window{n: 4}, func(b *testing.B) {
		serialStep(200 * time.Millisecond)
		for b.Loop() {
			parallelThen([2]time.Duration{5 * time.Millisecond, 5 * time.Millisecond}, 0)
		}
	})
	id := s.Idle
	assert.InDelta(t, 4, id.Ops, 0.5, "the trace judged the timed ops only")
	assert.Less(t, id.Serial, 0.015, "setup (200 ms) is not a serial part")
	assert.Less(t, s.SerialCPU, 0.015, "nor is it in the CPU profile's serial part")
}

// TestIdleConvoy: two workers take one mutex for a short critical
// section, many times an op: the idle core time is the lock's, blocked in
// Lock or runnable after an Unlock woke it, and charged to the sites that
// took and released it.
func TestIdleConvoy(t *testing.T) {
	var mu sync.Mutex
	var shared uint64
	s := passOf(t, window{n: 4}, func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			var next atomic.Int64
			for range 2 {
				wg.Go(func() {
					for next.Add(1) <= 40000 {
						x := spinFor(200)
						mu.Lock()
						shared += spinFor(300) + x
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		}
	})
	id := s.Idle
	if id.Total < 0.05*id.Span {
		t.Skip("the cores were not idle: nothing to split", id.Total)
	}
	lock, started := 0.0, 0.0
	for _, x := range append(append([]Site{}, id.Blocked...), id.Runnable...) {
		switch x.Kind {
		case "lock":
			lock += x.Value
		case "new":
			// The op's two goroutines waiting to start: on a loaded
			// machine, milliseconds; the executor's, not the lock's.
			started += x.Value
		}
	}
	assert.Greater(t, lock, (id.Total-started)/3, "the lock accounts for much of the idle time: blocked %+v runnable %+v", id.Blocked, id.Runnable)
	var woke *Site
	for i, x := range id.Runnable {
		if x.Kind == "lock" {
			woke = &id.Runnable[i]
			break
		}
	}
	if woke != nil {
		assert.Equal(t, "sync.(*Mutex).Unlock", woke.Wait, "woken by Unlock")
		assert.Contains(t, woke.Func, "TestIdleConvoy", "the site that released it")
	}
	t.Logf("lock CPU %v: %+v", s.LockCPUTotal, s.LockCPU)
}
