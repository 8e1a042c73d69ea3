//go:build !race

package bench_test

// raceOn says the tests run under the race detector, whose shadow memory
// doubles what a process allocates.
const raceOn = false
