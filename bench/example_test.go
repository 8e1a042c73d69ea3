package bench_test

import (
	"fmt"
	"strings"

	"github.com/futuresbench/futures/bench"
)

// A sweep read from go test -bench output, with the evidence package sweep
// measures beside the time (here, two runs a count: too few for an
// interval, which the verdict says), analysed, decomposed and judged: at
// two workers the goroutines wait on a lock.
func ExampleAnalyze() {
	out := `cores: 2
pkg: example.com/m
BenchmarkWork/workers=1-2 10 100000000 ns/op 0.100 cpu-sec/op 0 lockwait-sec/op 0 runq-sec/op 0 others-sec/op
BenchmarkWork/workers=1-2 10 101000000 ns/op 0.101 cpu-sec/op 0 lockwait-sec/op 0 runq-sec/op 0 others-sec/op
BenchmarkWork/workers=2-2 10 90000000 ns/op 0.110 cpu-sec/op 0.060 lockwait-sec/op 0.001 runq-sec/op 0 others-sec/op
BenchmarkWork/workers=2-2 10 91000000 ns/op 0.111 cpu-sec/op 0.061 lockwait-sec/op 0.001 runq-sec/op 0 others-sec/op
`
	d, err := bench.Read(bench.Input{Name: "out.txt", Data: []byte(out)})
	if err != nil {
		panic(err)
	}
	for _, a := range bench.Analyze(d) {
		fmt.Println(a.Title())
		fmt.Println(a.Limit)
		f := a.Rows[1].Factors
		fmt.Printf("%.2fx = %.2f cores × %.2f lock × %.2f idle × %.2f work\n", f.Product(), f.Ideal, f.Lock, f.Idle, f.Work)
		fmt.Println(a.Verdict())
	}
	// Output:
	// m: Work-2
	// lock
	// 1.11x = 2.00 cores × 0.65 lock × 0.94 idle × 0.91 work
	// scales to 2 workers (1.11x, 56% of the best allowed), still scaling at the largest count measured (no intervals: fewer than 6 runs; medians within 5% counted as equal); limit: a lock: goroutines waited on locks for 67% of the wall time at workers=2 (summed over them), and the cores sat idle 39% of the time
}

// A run that looked at its sweep after 6 rounds ("looks: 6 12 20", as
// make bench writes it): every claim is decided by the intervals, so the
// sweep is settled and needs no more rounds; a point whose interval
// reaches from the base's speed to the top's is not, and says why.
func ExampleAnalysis_Undecided() {
	var settled, open strings.Builder
	for _, b := range []*strings.Builder{&settled, &open} {
		b.WriteString("looks: 6 12 20\ncores: 2\npkg: example.com/m\n")
	}
	for r := range 6 {
		for w, ns := range []int{100, 50, 50} {
			fmt.Fprintf(&settled, "BenchmarkWork/workers=%d-2 1 %d000000 ns/op\n", w+1, ns+r%2)
			if w == 2 && r == 0 {
				ns = 95 // one slow run at 3 workers
			}
			fmt.Fprintf(&open, "BenchmarkWork/workers=%d-2 1 %d000000 ns/op\n", w+1, ns+r%2)
		}
	}
	for _, text := range []string{settled.String(), open.String()} {
		d, err := bench.Read(bench.Input{Name: "out.txt", Data: []byte(text)})
		if err != nil {
			panic(err)
		}
		as := bench.Analyze(d)
		fmt.Println(bench.Settled(as), as[0].UndecidedWords())
	}
	// Output:
	// true []
	// false [workers=3 can neither be told apart from workers=2, the fastest, nor shown within 25% of it: the knee may move]
}

// A sweep at GOMAXPROCS=2 whose round 3 ran on a slower core: the same
// work took 1.7x the CPU per op at every count. The round is named the
// machine's and left out; the five rounds left are too few for an
// interval, so the sweep claims nothing yet, and its gain is undecided.
func ExampleAnalysis_Gain() {
	var b strings.Builder
	b.WriteString("cores: 2\npkg: example.com/m\n")
	for r := range 6 {
		f := 1.0
		if r == 2 {
			f = 1.7
		}
		for w, ms := range []float64{20, 10.5} {
			fmt.Fprintf(&b, "BenchmarkWork/workers=%d-2 1 %.0f ns/op %.4f cpu-sec/op\n", w+1, f*ms*1e6*(1+0.01*float64(r%2)), f*0.020)
		}
	}
	d, err := bench.Read(bench.Input{Name: "out.txt", Data: []byte(b.String())})
	if err != nil {
		panic(err)
	}
	a := bench.Analyze(d)[0]
	g, _ := a.Gain()
	fmt.Println(a.Slow[0].Run, g == bench.GainUndecided)
	fmt.Println(a.Warnings()[0])
	// Output:
	// 3 true
	// the machine's speed moved: in run 3 the same work took 1.70x the CPU per op of its other runs at the same counts: a slower core, not slower code; it is left out of every claim
}
