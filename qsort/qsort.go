// Package qsort is the hand-written quicksort of the chapter's last example
// (one process per core, or two threads per core, each sorting a random
// list): iterative over a FIFO queue of ranges, insertion sort for ranges of
// fewer than 5 elements, and a median-of-three pivot.
//
// One fault of the original is fixed here. Its partition skipped elements
// equal to the pivot in both scans (>= from the right, <= from the left). On
// input with few distinct values one scan then runs through the whole range
// and the other stops at once, so a pass splits off only a couple of
// elements and the sort takes quadratic time (TestFewDistinctWork measures
// it). Both scans now stop at elements equal to the pivot and swap them, as
// Sedgewick's partition does, which splits runs of equal keys evenly.
//
// Benchmarks:
//
//	go test -run '^$' -bench 'Sort/' ./qsort    # ours against slices.Sort
//	go test -run '^$' -bench SortMany ./qsort   # many slices on the pool, workers=1..N
package qsort

import "cmp"

// insertionMax: ranges shorter than this are insertion-sorted.
const insertionMax = 5

// Sort sorts a in ascending order, in place. NaNs are ordered before other
// values, as slices.Sort does.
func Sort[T cmp.Ordered](a []T) { sortCost(a) }

type span struct{ first, last int } // the half-open range a[first:last]

// sortCost sorts a and returns the work its partitions did: the total
// length of the ranges they scanned, which tests bound by O(n log n).
func sortCost[T cmp.Ordered](a []T) (work int) {
	// The queue starts in a small array on the stack: short slices sort
	// without allocating.
	var initial [32]span
	queue := append(initial[:0], span{0, len(a)})
	for head := 0; head < len(queue); head++ {
		first, last := queue[head].first, queue[head].last
		// The queue only grows at its tail: drop the consumed head now and
		// then, so memory follows the ranges still pending.
		if head >= 256 && 2*head >= len(queue) {
			queue = queue[:copy(queue, queue[head:])]
			head = 0
		}
		if last-first < insertionMax {
			insertionSort(a, first, last)
			continue
		}
		work += last - first
		r := partition(a, first, last)
		if r-first > 1 {
			queue = append(queue, span{first, r})
		}
		if last-(r+1) > 1 {
			queue = append(queue, span{r + 1, last})
		}
	}
	return work
}

// insertionSort sorts a[first:last].
func insertionSort[T cmp.Ordered](a []T, first, last int) {
	for i := first + 1; i < last; i++ {
		for j := i - 1; j >= first && cmp.Less(a[j+1], a[j]); j-- {
			a[j], a[j+1] = a[j+1], a[j]
		}
	}
}

// partition puts the median of a[first], a[mid] and a[last-1] in its final
// place r, the elements before it <= it and those after it >= it, and
// returns r. a[first:last] holds at least 3 elements.
func partition[T cmp.Ordered](a []T, first, last int) int {
	// Median of three, as in the original: afterwards a[mid] <= a[first] <=
	// a[last-1], so the pivot sits at first and a[last-1] stops the left scan.
	mid, k := first+(last-first)/2, last-1
	if cmp.Less(a[k], a[mid]) {
		a[k], a[mid] = a[mid], a[k]
	}
	if cmp.Less(a[k], a[first]) {
		a[k], a[first] = a[first], a[k]
	}
	if cmp.Less(a[first], a[mid]) {
		a[first], a[mid] = a[mid], a[first]
	}
	p := a[first]
	l, r := first, last
	for {
		// Both scans stop at elements equal to the pivot (the fix; see the
		// package doc).
		r--
		for r > first && cmp.Less(p, a[r]) {
			r--
		}
		l++
		for l < last && cmp.Less(a[l], p) {
			l++
		}
		if l >= r {
			break
		}
		a[l], a[r] = a[r], a[l]
	}
	a[first], a[r] = a[r], a[first]
	return r
}
