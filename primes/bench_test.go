package primes_test

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/futuresbench/futures/primes"
	"github.com/futuresbench/futures/sweep"
)

// BenchmarkMap maps trial division over the original's 14 numbers at every
// worker count. The list is uneven (a few numbers take almost all the time):
// each task is timed first, and every point declares the best the list
// allows, its tasks scheduled longest first on min(w, GOMAXPROCS) workers
// (sweep.Makespan), never less than the longest task.
func BenchmarkMap(b *testing.B) {
	tasks := taskTimes()
	sweep.Workers(b, func(b *testing.B, w int) {
		sweep.ReportBest(b, sweep.Makespan(tasks, min(w, runtime.GOMAXPROCS(0))))
		for b.Loop() {
			if _, err := primes.Map(b.Context(), w, primes.Numbers(), primes.IsPrime); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// taskTimes is the time of IsPrime on each number of the list: the least
// of five calls, the call least disturbed.
func taskTimes() []time.Duration {
	out := make([]time.Duration, len(primes.Numbers()))
	for i, n := range primes.Numbers() {
		out[i] = time.Duration(math.MaxInt64)
		for range 5 {
			t0 := time.Now()
			primes.IsPrime(n)
			out[i] = min(out[i], time.Since(t0))
		}
	}
	return out
}

// BenchmarkTask times IsPrime on each number of the list, once per entry
// (the list holds 112272535095293 twice), so that the tasks' times add up to
// the list's sequential time.
func BenchmarkTask(b *testing.B) {
	for i, n := range primes.Numbers() {
		b.Run(fmt.Sprintf("task=%02d/n=%d", i, n), func(b *testing.B) {
			for b.Loop() {
				primes.IsPrime(n)
			}
		})
	}
}

// BenchmarkIsPrime sets a better algorithm beside more workers: trial
// division against Miller-Rabin on large primes of the list and beyond.
func BenchmarkIsPrime(b *testing.B) {
	methods := []struct {
		name string
		fn   func(uint64) bool
	}{{"trial", primes.IsPrime}, {"millerrabin", primes.IsPrimeMR}}
	ns := []uint64{12433323433, 115797848077099, 1<<61 - 1}
	for _, n := range ns {
		for _, m := range methods {
			if m.name == "trial" && n > 1<<50 {
				continue // seconds per call
			}
			b.Run(fmt.Sprintf("method=%s/n=%d", m.name, n), func(b *testing.B) {
				want := slices.Contains(ns, n) // every n here is prime
				for b.Loop() {
					if m.fn(n) != want {
						b.Fatalf("%s(%d) wrong", m.name, n)
					}
				}
			})
		}
	}
}
