package qsort

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomInts(rng *rand.Rand, n, distinct int) []int {
	a := make([]int, n)
	for i := range a {
		a[i] = rng.IntN(distinct)
	}
	return a
}

func checkSorts[T interface{ ~int | ~float64 | ~string }](t *testing.T, a []T) {
	t.Helper()
	want := slices.Clone(a)
	slices.Sort(want)
	got := slices.Clone(a)
	Sort(got)
	require.Equal(t, want, got, "input %v", a)
}

func TestRandomEveryLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 200; n++ {
		for _, distinct := range []int{1, 3, n + 1, math.MaxInt} {
			checkSorts(t, randomInts(rng, n, distinct))
		}
	}
}

// shapes are the classic hard inputs for quicksorts.
var shapes = []struct {
	name string
	make func(n int) []int
}{
	{"sorted", func(n int) []int {
		a := make([]int, n)
		for i := range a {
			a[i] = i
		}
		return a
	}},
	{"reversed", func(n int) []int {
		a := make([]int, n)
		for i := range a {
			a[i] = n - i
		}
		return a
	}},
	{"all equal", func(n int) []int { return make([]int, n) }},
	{"few distinct", func(n int) []int {
		return randomInts(rand.New(rand.NewPCG(3, 4)), n, 2)
	}},
	{"organ pipe", func(n int) []int {
		a := make([]int, n)
		for i := range a {
			a[i] = min(i, n-1-i)
		}
		return a
	}},
	{"sawtooth", func(n int) []int {
		a := make([]int, n)
		for i := range a {
			a[i] = i % 17
		}
		return a
	}},
}

func TestShapes(t *testing.T) {
	for _, s := range shapes {
		for _, n := range []int{0, 1, 4, 5, 6, 100, 1001} {
			t.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(t *testing.T) {
				checkSorts(t, s.make(n))
			})
		}
	}
}

// TestFewDistinctWork bounds the partitioning work by 4*n*log2(n) on every
// shape, and shows the original's fault: its partition, ported below, does
// quadratic work when keys repeat.
func TestFewDistinctWork(t *testing.T) {
	const n = 10_000
	bound := 4 * n * bits.Len(n)
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			a := s.make(n)
			work := sortCost(a)
			assert.True(t, slices.IsSorted(a))
			assert.LessOrEqual(t, work, bound, "partition work on %d elements", n)
		})
	}
	t.Run("original", func(t *testing.T) {
		a := shapes[3].make(n) // few distinct
		work := originalSortCost(a)
		assert.True(t, slices.IsSorted(a))
		assert.Greater(t, work, 10*bound, "the original's work on two-valued input")
	})
}

// originalSortCost is the original's quicksort, ported line by line (scans
// that skip keys equal to the pivot; ranges [first, right) and [left, last)),
// returning the same measure of work as sortCost.
func originalSortCost(a []int) (work int) {
	queue := []span{{0, len(a)}}
	for len(queue) > 0 {
		first, last := queue[0].first, queue[0].last
		queue = queue[1:]
		if last-first < 5 {
			insertionSort(a, first, last)
			continue
		}
		work += last - first
		j, i, k := first, (first+last)/2, last-1
		if a[k] < a[i] {
			a[k], a[i] = a[i], a[k]
		}
		if a[k] < a[j] {
			a[k], a[j] = a[j], a[k]
		}
		if a[j] < a[i] {
			a[j], a[i] = a[i], a[j]
		}
		pivot, left, right := j, first, last
		for {
			right--
			for right > first && a[right] >= a[pivot] {
				right--
			}
			left++
			for left < last && a[left] <= a[pivot] {
				left++
			}
			if left > right {
				break
			}
			a[left], a[right] = a[right], a[left]
		}
		a[pivot], a[right] = a[right], a[pivot]
		if right-first > 1 {
			queue = append(queue, span{first, right})
		}
		if last-left > 1 {
			queue = append(queue, span{left, last})
		}
	}
	return work
}

func TestOtherTypes(t *testing.T) {
	checkSorts(t, []string{"pear", "apple", "fig", "apple", "", "kiwi", "banana"})
	// Floats: NaN is not equal to itself and -0 == 0 in any order, so check
	// order by cmp.Less (NaNs first) and the same multiset of bit patterns.
	in := []float64{3.5, -1, math.Inf(1), 0, math.NaN(), math.Copysign(0, -1), 2, math.NaN(), math.Inf(-1)}
	got := slices.Clone(in)
	Sort(got)
	assert.True(t, slices.IsSorted(got), "%v", got)
	bitsOf := func(a []float64) []uint64 {
		b := make([]uint64, len(a))
		for i, v := range a {
			b[i] = math.Float64bits(v)
		}
		slices.Sort(b)
		return b
	}
	assert.Equal(t, bitsOf(in), bitsOf(got))
	assert.True(t, math.IsNaN(got[0]) && math.IsNaN(got[1]), "NaNs first: %v", got)
}

func FuzzSort(f *testing.F) {
	f.Add([]byte{5, 4, 3, 2, 1, 0, 9, 9, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		a := make([]int, len(data))
		for i, b := range data {
			a[i] = int(b % 8) // few distinct values, the hard case
		}
		checkSorts(t, a)
		checkSorts(t, []string{string(data), "", string(data[:len(data)/2])})
	})
}
