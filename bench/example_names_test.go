package bench_test

import (
	"fmt"

	"github.com/futuresbench/futures/bench"
)

// Two packages that end alike are two benchmarks, each shown with as much
// of its path as tells it apart; a package alone of its name is shown by
// its last element.
func ExampleLabels() {
	keys := []string{"example.com/m/service1/cache Get-2", "example.com/m/service2/cache Get-2", "example.com/m/pool Map-2"}
	labels := bench.Labels(keys)
	for _, k := range keys {
		fmt.Println(labels[k])
	}
	// Output:
	// service1/cache Get-2
	// service2/cache Get-2
	// pool Map-2
}

// A name that holds a newline or a terminal's escape prints on one line,
// and moves no cursor.
func ExamplePrintable() {
	fmt.Println(bench.Printable("evil\nverdict: scales\x1b[2J"))
	// Output:
	// evil\nverdict: scales\x1b[2J
}

// Only a bare revision is a clean commit: two runs of it are an A/A
// comparison.
func ExampleCleanCommit() {
	for _, c := range []string{"84f79e0", "84f79e0-dirty", "84f79e0-DIRTY", "84f79e0 ", "unknown"} {
		fmt.Printf("%q %v\n", c, bench.CleanCommit(c))
	}
	// Output:
	// "84f79e0" true
	// "84f79e0-dirty" false
	// "84f79e0-DIRTY" false
	// "84f79e0 " false
	// "unknown" false
}
