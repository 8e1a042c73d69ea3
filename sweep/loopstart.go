package sweep

import (
	"runtime/metrics"
	"time"
)

// stwMetric counts the stop-the-world pauses that are not the
// collector's: runtime.ReadMemStats makes one, and testing's StartTimer,
// StopTimer and ResetTimer each call it (b.Loop's first iteration resets
// the timer): the one sign, outside the testing package, that the timed
// loop has begun.
const stwMetric = "/sched/pauses/total/other:seconds"

// loopPoll is how often the watcher looks for the timed loop's start:
// every 200 µs for the first 50 ms of setup, then every 2 ms (a benchmark
// timed from its start, which never resets its timer, has the watcher
// all along: 500 wake-ups a second, a few µs each).
const (
	loopPoll     = 200 * time.Microsecond
	loopPollSlow = 2 * time.Millisecond
	loopPollFast = 250 // polls at loopPoll before loopPollSlow
)

// watchLoopStart watches for the timed loop to begin while fn's setup
// runs: at the first stop-the-world after it is called (the ResetTimer of
// b.Loop's first iteration, or the user's own b.ResetTimer), it takes the
// evidence snapshot, and ends; its snapshot is the start of Measure's
// window, so that setup before the loop is not judged with the op. The
// watcher runs only until then (or until done is called): the timed loop
// has it at most one poll. done returns the snapshot, ok false where no
// such pause came (a benchmark timed from its start).
func watchLoopStart() (done func() (snapshot, bool)) {
	if !loopWatchOn {
		return func() (snapshot, bool) { return snapshot{}, false }
	}
	m := []metrics.Sample{{Name: stwMetric}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindFloat64Histogram {
		return func() (snapshot, bool) { return snapshot{}, false }
	}
	c0 := histCount(m[0])
	stop := make(chan struct{})
	got := make(chan snapshot, 1)
	go func() {
		samples := make([]metrics.Sample, len(runtimeMetrics))
		for i, name := range runtimeMetrics {
			samples[i].Name = name
		}
		t := time.NewTicker(loopPoll)
		defer t.Stop()
		for i := 0; ; i++ {
			if i == loopPollFast {
				t.Reset(loopPollSlow)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(m)
			if histCount(m[0]) > c0 {
				got <- take(samples)
				return
			}
		}
	}()
	return func() (snapshot, bool) {
		close(stop)
		select {
		case s := <-got:
			return s, true
		default:
			return snapshot{}, false
		}
	}
}

// loopWatchOn is false in the benchmark that measures what the watcher
// costs.
var loopWatchOn = true

// histCount is the count a histogram sample holds.
func histCount(s metrics.Sample) uint64 {
	n := uint64(0)
	for _, c := range s.Value.Float64Histogram().Counts {
		n += c
	}
	return n
}
