//go:build race

package sweep

// raceOn: the race detector slows every memory access some tenfold, and
// the goroutines' timing with it: the tests that split idle time by
// timing skip under it.
const raceOn = true
