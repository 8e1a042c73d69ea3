package primes_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/primes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Known answers, each with its source.
var known = []struct {
	name string
	n    uint64
	want bool
	slow bool // too slow for trial division in a unit test (a prime near 2^64)
}{
	{name: "0", n: 0},
	{name: "1", n: 1},
	{name: "2", n: 2, want: true},
	{name: "3", n: 3, want: true},
	{name: "4", n: 4},
	{name: "9 = 3^2", n: 9},
	{name: "25 = 5^2", n: 25},
	{name: "49 = 7^2", n: 49},
	{name: "121 = 11^2", n: 121},
	{name: "65521^2", n: 65521 * 65521},
	// 4294967291 is the largest prime below 2^32 (the Prime Pages' list of
	// primes just less than a power of two); its square is just below 2^64.
	{name: "4294967291", n: 4294967291, want: true},
	// Around 2^53, the edge of the float64 path of trial division: a product
	// of the two primes nearest below sqrt(2^53) (94906247 and 94906249,
	// prime by GNU factor), the square of one, and 2^53 +- 1
	// (2^53-1 = 6361*69431*20394401; 2^53+1 = 3*107*28059810762433).
	{name: "94906247*94906249", n: 94906247 * 94906249},
	{name: "94906249^2", n: 94906249 * 94906249},
	{name: "2^53-1", n: 1<<53 - 1},
	{name: "2^53+1", n: 1<<53 + 1},
	{name: "4294967291^2", n: 18446744030759878681, slow: true},
	// Carmichael numbers (OEIS A002997): pass Fermat's test to every coprime base.
	{name: "Carmichael 561", n: 561},
	{name: "Carmichael 1105", n: 1105},
	{name: "Carmichael 1729", n: 1729},
	{name: "Carmichael 41041", n: 41041},
	{name: "Carmichael 825265", n: 825265},
	{name: "Carmichael 321197185", n: 321197185},
	// Strong pseudoprime to bases 2..23 (G. Jaeschke, Math. Comp. 61, 1993),
	// = 149491 * 747451 * 34233211: it fools Miller-Rabin with too few bases.
	{name: "psp(2..23) 3825123056546413051", n: 3825123056546413051},
	// Mersenne prime 2^61-1, and the largest prime below 2^64 (2^64-59).
	{name: "2^61-1", n: 1<<61 - 1, want: true, slow: true},
	{name: "2^64-59", n: math.MaxUint64 - 58, want: true, slow: true},
	{name: "2^64-1", n: math.MaxUint64},
	// The original's list. The first six and their answers are the example of
	// ProcessPoolExecutor in the Python documentation (concurrent.futures);
	// the others are even, end in 5, or were factored with GNU coreutils
	// factor (the factors are in the names).
	{name: "112272535095293", n: 112272535095293, want: true},
	{name: "112582705942171", n: 112582705942171, want: true},
	{name: "115280095190773", n: 115280095190773, want: true},
	{name: "115797848077099", n: 115797848077099, want: true},
	{name: "1099726899285419 = 3306091*332636609", n: 1099726899285419},
	{name: "112545606449 = 19*29*137*359*4153", n: 112545606449},
	{name: "4894348954034 even", n: 4894348954034},
	{name: "4236544062 even", n: 4236544062},
	{name: "11112324353465 ends in 5", n: 11112324353465},
	{name: "12134123432 even", n: 12134123432},
	{name: "423578924023 = 59*601*2281*5237", n: 423578924023},
	{name: "12433323433 prime", n: 12433323433, want: true},
	{name: "12334452364 even", n: 12334452364},
}

func TestIsPrime(t *testing.T) {
	for _, tt := range known {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, primes.IsPrimeMR(tt.n), "IsPrimeMR(%d)", tt.n)
			if tt.slow {
				return // trial division takes seconds here; Sqrt's tests cover its bound
			}
			assert.Equal(t, tt.want, primes.IsPrime(tt.n), "IsPrime(%d)", tt.n)
		})
	}
}

func TestSqrt(t *testing.T) {
	tests := []struct{ n, want uint64 }{
		{0, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {99, 9}, {100, 10},
		// Around 2^53, where float64 stops holding every integer.
		{1<<53 - 1, 94906265}, {1 << 53, 94906265}, {1<<53 + 1, 94906265},
		// Squares just below 2^64 and their neighbours: float64(n) rounds up.
		{4294967295 * 4294967295, 4294967295},
		{4294967295*4294967295 - 1, 4294967294},
		{math.MaxUint64, 4294967295},
		{18446744030759878681, 4294967291},
		{18446744030759878680, 4294967290},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, primes.Sqrt(tt.n), "Sqrt(%d)", tt.n)
	}
}

// FuzzSqrt checks the defining property r^2 <= n < (r+1)^2 in 128-bit arithmetic.
func FuzzSqrt(f *testing.F) {
	f.Add(uint64(math.MaxUint64))
	f.Add(uint64(1 << 53))
	f.Fuzz(func(t *testing.T, n uint64) {
		r := primes.Sqrt(n)
		require.LessOrEqual(t, r, uint64(math.MaxUint32))
		require.LessOrEqual(t, r*r, n)
		if r < math.MaxUint32 {
			require.Greater(t, (r+1)*(r+1), n)
		}
	})
}

// TestAgainstOracle compares trial division with Miller-Rabin on random
// numbers below 2^40 (trial division stays under a millisecond there).
func TestAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := rng.Uint64N(1 << 40)
		require.Equal(t, primes.IsPrimeMR(n), primes.IsPrime(n), "n = %d", n)
	}
	for n := range uint64(10_000) {
		require.Equal(t, primes.IsPrimeMR(n), primes.IsPrime(n), "n = %d", n)
	}
}

func FuzzAgainstOracle(f *testing.F) {
	f.Add(uint64(561))
	f.Fuzz(func(t *testing.T, n uint64) {
		n %= 1 << 40 // bounded, so each case runs fast
		require.Equal(t, primes.IsPrimeMR(n), primes.IsPrime(n), "n = %d", n)
	})
}

func TestMap(t *testing.T) {
	want := make([]bool, len(primes.Numbers()))
	for i, n := range primes.Numbers() {
		for _, k := range known {
			if k.n == n {
				want[i] = k.want
			}
		}
	}
	for _, workers := range []int{1, 3, 14} {
		got, err := primes.Map(t.Context(), workers, primes.Numbers(), primes.IsPrime)
		require.NoError(t, err)
		assert.Equal(t, want, got, "workers=%d", workers)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := primes.Map(ctx, 3, primes.Numbers(), primes.IsPrime)
	assert.ErrorIs(t, err, context.Canceled)
}
