package pool

import "runtime"

// WorkerCounts returns the worker counts a benchmark sweep runs over:
// 1, 2, ..., 2×GOMAXPROCS (at least 1..4), so that every sweep shows both the
// scaling up to the core count and the plateau beyond it.
func WorkerCounts() []int {
	n := max(2*runtime.GOMAXPROCS(0), 4)
	counts := make([]int, n)
	for i := range counts {
		counts[i] = i + 1
	}
	return counts
}
