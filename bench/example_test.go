package bench_test

import (
	"fmt"

	"github.com/futuresbench/futures/bench"
)

// A sweep read from go test -bench output (here, two runs a count: too few
// for an interval, which the verdict says), analysed and judged.
func ExampleAnalyze() {
	out := `pkg: example.com/m
BenchmarkWork/workers=1-2 10 100000000 ns/op
BenchmarkWork/workers=1-2 10 101000000 ns/op
BenchmarkWork/workers=2-2 20 51000000 ns/op
BenchmarkWork/workers=2-2 20 50000000 ns/op
BenchmarkWork/workers=4-2 20 50500000 ns/op
BenchmarkWork/workers=4-2 20 50000000 ns/op
`
	d, err := bench.Read(bench.Input{Name: "out.txt", Data: []byte(out)})
	if err != nil {
		panic(err)
	}
	for _, a := range bench.Analyze(d) {
		fmt.Println(a.Title())
		fmt.Println(a.Verdict)
	}
	// Output:
	// m: Work-2
	// scales to 2 workers (1.99x, 100% of the best allowed); 4 cannot be told apart from 2: flat beyond, CPU-bound on 2 cores (no intervals: fewer than 6 runs; medians within 5% counted as equal)
}
