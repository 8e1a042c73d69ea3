package qsort_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/qsort"
	"github.com/futuresbench/futures/sweep"
)

func randomSlice(rng *rand.Rand, n int) []int {
	a := make([]int, n)
	for i := range a {
		a[i] = rng.Int()
	}
	return a
}

// BenchmarkSort sorts random ints with ours and with slices.Sort (pdqsort).
// The copy of the unsorted input into the work buffer is in the timed loop
// of both, a few percent of a sort.
func BenchmarkSort(b *testing.B) {
	impls := []struct {
		name string
		sort func([]int)
	}{{"qsort", qsort.Sort[int]}, {"slices", slices.Sort[[]int]}}
	for _, size := range []int{100, 10_000, 1_000_000} {
		src := randomSlice(rand.New(rand.NewPCG(1, uint64(size))), size)
		work := make([]int, size)
		for _, impl := range impls {
			b.Run(fmt.Sprintf("impl=%s/size=%d", impl.name, size), func(b *testing.B) {
				for b.Loop() {
					copy(work, src)
					impl.sort(work)
				}
			})
		}
	}
}

// BenchmarkSortMany is the original's experiment at a size worth measuring:
// 64 random slices of 20,000 ints sorted on the pool at every worker count.
// Each job copies its input into its own buffer before sorting it.
func BenchmarkSortMany(b *testing.B) {
	const slicesPerOp, size = 64, 20_000
	type job struct{ src, work []int }
	rng := rand.New(rand.NewPCG(7, 7))
	jobs := make([]job, slicesPerOp)
	for i := range jobs {
		jobs[i] = job{randomSlice(rng, size), make([]int, size)}
	}
	sortJob := func(_ context.Context, j job) (struct{}, error) {
		copy(j.work, j.src)
		qsort.Sort(j.work)
		return struct{}{}, nil
	}
	sweep.Workers(b, func(b *testing.B, w int) {
		for b.Loop() {
			if _, err := pool.Collect(b.Context(), w, jobs, sortJob); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*slicesPerOp)/b.Elapsed().Seconds(), "slices/s")
	})
}
