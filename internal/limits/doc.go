// Package limits holds workloads whose limit is known by construction, one
// per cause that stops a sweep from scaling: the cores, a lock, waiting, the
// garbage collector, a serial phase, one long task, more CPU per op, the
// executor's own cost on tiny tasks, a lock convoy (short critical
// sections the sampled lock-wait counter misses), a serial step under 15%
// of the op, and an op of about 200 ms. Its benchmarks (bench_test.go) are the
// recorded runs in ../../testdata/limits, quiet and beside a CPU hog, that
// package bench's tests hold its verdicts to.
//
// Record them again with scripts/record-limits.sh.
package limits

import "sync/atomic"

// Spin does about n units of CPU work (a xorshift step each, ~1 ns) and
// returns a value the compiler cannot drop.
func Spin(n int) uint64 {
	x := uint64(n) | 1
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// Bounce adds to one shared counter n times: each add takes the counter's
// cache line from the core that held it, so that n adds on two cores cost
// more CPU than n adds on one.
func Bounce(counter *atomic.Uint64, n int) {
	for range n {
		counter.Add(1)
	}
}
