package bench_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/futuresbench/futures/bench"
)

// make bench-ab's two files, each round's results under its round line:
// the host ran round 3 1.7x slower on both sides, and NEW is 20% slower
// in every round. The round's ratio cancels the host; the gate says
// different.
func ExamplePairedGate() {
	side := func(slower float64, noise []float64) string {
		var b strings.Builder
		b.WriteString("pkg: example.com/m\n")
		for r, host := range []float64{1, 1.02, 1.7, 0.99, 1, 1.01} {
			fmt.Fprintf(&b, "%s%d\nBenchmarkWork 10 %.0f ns/op\n", bench.RoundMarker, r+1, 1e6*host*slower*noise[r])
		}
		return b.String()
	}
	old := bench.Input{Name: "old.txt", Data: []byte(side(1, []float64{1, 1.01, 0.99, 1, 1.02, 1}))}
	new := bench.Input{Name: "new.txt", Data: []byte(side(1.2, []float64{1.01, 1, 1, 0.98, 1, 1.01}))}
	changes, err := bench.PairedGate(old, new, bench.Uniform(0.05), 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	bench.WritePaired(os.Stdout, changes)
	// Output:
	// benchmark  unit     new/old per round [interval]  change        p (family-wise)  answer
	// m Work     time/op  1.194x [1.176, 1.212] 96.9%   +19.4% worse  p=0.016 n=6      DIFFERENT: worse by more than 5%
}
