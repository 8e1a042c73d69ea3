// Package canary is a fixed reference workload: the same instructions and
// the same memory walk in every commit of the project, so that a change in
// its time between two runs is the machine's, never the code's.
//
// make bench and make bench-ab measure BenchmarkCanary in every round;
// benchreport compare reads it first (a benchmark named Canary, in any
// package, is a canary). Do not change this package: a canary that moves
// with the code is no canary. If it must change, rename the benchmark, so
// that old and new runs carry different canaries and none is compared.
package canary

// Sizes of one op: a pure-CPU loop, then a walk of a pointer chain over a
// buffer larger than a typical L2 cache, where each step depends on the
// last, so that the walk measures memory latency, not bandwidth.
const (
	spinSteps = 1 << 19
	walkSlots = 1 << 19 // 4 MiB of uint64 indices
	walkSteps = 1 << 12
)

// spin is a xorshift64* loop: integer multiply, shift and xor, no memory.
func spin(x uint64, n int) uint64 {
	for range n {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		x *= 2685821657736338717
	}
	return x
}

// Chain is a single cycle through walkSlots slots in a scattered order
// (Sattolo's algorithm with a fixed xorshift seed): next[i] is the slot
// after i.
type Chain []uint64

// NewChain builds the chain; it is the same in every process.
func NewChain() Chain {
	next := make(Chain, walkSlots)
	for i := range next {
		next[i] = uint64(i)
	}
	x := uint64(88172645463325252)
	for i := len(next) - 1; i > 0; i-- {
		x = spin(x, 1)
		j := x % uint64(i) // j < i: one cycle through every slot
		next[i], next[j] = next[j], next[i]
	}
	return next
}

// walk follows the chain n steps from slot i and returns where it ends.
func (c Chain) walk(i uint64, n int) uint64 {
	for range n {
		i = c[i]
	}
	return i
}

// Op is one op of the canary: the spin, then the walk; its result only
// keeps the compiler from removing either.
func (c Chain) Op(seed uint64) uint64 {
	return spin(seed|1, spinSteps) ^ c.walk(seed%walkSlots, walkSteps)
}
