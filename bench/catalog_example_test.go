package bench_test

import (
	"fmt"

	"github.com/futuresbench/futures/bench"
)

// The catalog, in the order the verdict asks it: each pattern with the
// limit it names.
func ExampleCatalog() {
	for _, p := range bench.Catalog {
		fmt.Printf("%s: %s\n", p.Name, p.Limit.Phrase())
	}
	// Output:
	// the machine: a busy machine (run again)
	// waiting: waiting (IO, sleep, channels)
	// the lock: a lock
	// the cores: the cores
	// the executor's cost per task: the executor's own cost per task
	// the collector and allocation: the garbage collector
	// work beside the workers: work beside the workers at the base
	// more CPU per op: more CPU per op
	// not enough parallel work: not enough parallel work
	// a serial part: not enough parallel work
	// one long task: not enough parallel work
	// blocking on channels: not enough parallel work
}
