package pool_test

import (
	"context"
	"testing"

	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/sweep"
)

// spin is a fixed amount of CPU work (an xorshift loop), so that a sweep over
// worker counts shows how the pool itself scales.
func spin(_ context.Context, n int) (uint64, error) {
	x := uint64(n) | 1
	for range 200_000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x, nil
}

// BenchmarkMap runs 24 equal CPU-bound jobs per op at every worker count: the
// work per op is fixed, so sec/op is comparable across workers.
func BenchmarkMap(b *testing.B) {
	jobs := make([]int, 24)
	for i := range jobs {
		jobs[i] = i
	}
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			if _, err := pool.Collect(b.Context(), w, jobs, spin); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(jobs))/b.Elapsed().Seconds(), "jobs/s")
	})
}

// BenchmarkCompleted is BenchmarkMap in completion order.
func BenchmarkCompleted(b *testing.B) {
	jobs := make([]int, 24)
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			for r := range pool.Completed(b.Context(), w, jobs, spin) {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(jobs))/b.Elapsed().Seconds(), "jobs/s")
	})
}
