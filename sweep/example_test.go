package sweep_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/sweep"
)

// The worker counts of a sweep on 2 cores and on 64: about log(cores) of
// them, always 1, the core count, its neighbours and twice the cores.
func ExampleCountsFor() {
	fmt.Println(sweep.CountsFor(2))
	fmt.Println(sweep.CountsFor(64))
	// Output:
	// [1 2 3 4]
	// [1 2 3 4 6 8 11 16 23 32 45 63 64 65 91 128]
}

func isEven(_ context.Context, n int) (bool, error) { return n%2 == 0, nil }

// A benchmark of one's own code over worker counts. Run it with
// `go test -bench Mine -count 10 > out.txt`, and report how it scales with
// `go run github.com/futuresbench/futures/cmd/benchreport out.txt`.
func ExampleWorkers() {
	inputs := make([]int, 1000)
	BenchmarkMine := func(b *testing.B) {
		sweep.Workers(b, func(b *testing.B, workers int) {
			for b.Loop() {
				if _, err := pool.Collect(b.Context(), workers, inputs, isEven); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	_ = BenchmarkMine
}
