package primes_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/futuresbench/futures/primes"
	"github.com/futuresbench/futures/sweep"
)

// BenchmarkMap maps trial division over the original's 14 numbers at every
// worker count. The list is uneven (a few numbers take almost all the time),
// so BenchmarkTask gives each task's time: the best speedup the list allows
// is the sum of the tasks over the longest one.
func BenchmarkMap(b *testing.B) {
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			if _, err := primes.Map(b.Context(), w, primes.Numbers, primes.IsPrime); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTask times IsPrime on each number of the list, once per entry
// (the list holds 112272535095293 twice), so that the tasks' times add up to
// the list's sequential time.
func BenchmarkTask(b *testing.B) {
	for i, n := range primes.Numbers {
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
