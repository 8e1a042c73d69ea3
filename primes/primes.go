// Package primes tests 64-bit integers for primality, by trial division as
// the chapter on concurrent.futures does (a deliberately slow CPU-bound task)
// and by a deterministic Miller-Rabin test, and maps a test over a list on
// the pool.
//
// Benchmarks:
//
//	go test -run '^$' -bench Map ./primes       # the original's list, workers=1..N
//	go test -run '^$' -bench IsPrime ./primes   # trial division against Miller-Rabin
package primes

import (
	"context"
	"math"
	"math/bits"

	"github.com/futuresbench/futures/pool"
)

// IsPrime reports whether n is prime, by trial division: even numbers are
// out, then every odd divisor up to the integer square root of n is tried.
// It is exact for every uint64 but slow for large primes (up to 2^31
// divisions near 2^64): that slowness is the workload.
func IsPrime(n uint64) bool {
	switch {
	case n < 2:
		return false
	case n < 4:
		return true
	case n%2 == 0:
		return false
	}
	r := Sqrt(n)
	if n < 1<<53 {
		return noOddDivisorFloat(n, r)
	}
	for i := uint64(3); i <= r; i += 2 {
		if n%i == 0 {
			return false
		}
	}
	return true
}

// noOddDivisorFloat reports whether no odd i in 3..r divides n, for
// n < 2^53. It tests the same divisors as the integer loop, with a float64
// quotient, which pipelines better than a 64-bit integer division (2.4x
// here). It is exact: n and i are exact as float64; if i divides n the
// quotient is an integer below 2^53, so exact; if not, n/i lies at least 1/i
// from every integer, while the rounding error is at most (n/i)*2^-53, which
// is less than 1/i because n < 2^53, so the rounded quotient is no integer.
func noOddDivisorFloat(n, r uint64) bool {
	x := float64(n)
	for i := uint64(3); i <= r; i += 2 {
		q := x / float64(i)
		if q == math.Trunc(q) {
			return false
		}
	}
	return true
}

// Sqrt returns the integer square root of n: the largest r with r*r <= n.
// The float estimate is corrected so that it is exact above 2^53 as well,
// and no product overflows.
func Sqrt(n uint64) uint64 {
	r := uint64(math.Sqrt(float64(n)))
	// float64(n) may round n up, and the root may land one either side.
	for r > 0 && r > n/r {
		r--
	}
	for r+1 <= n/(r+1) {
		r++
	}
	return r
}

// millerRabinBases decide primality for every n < 2^64 (J. Sorenson and
// J. Webster, "Strong pseudoprimes to twelve prime bases", Math. Comp. 86
// (2017): the first 12 primes suffice below 3.18e23).
var millerRabinBases = [...]uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}

// IsPrimeMR reports whether n is prime, by a deterministic Miller-Rabin
// test: exact for every uint64, in microseconds.
func IsPrimeMR(n uint64) bool {
	if n < 2 {
		return false
	}
	for _, p := range millerRabinBases {
		if n%p == 0 {
			return n == p
		}
	}
	// n - 1 = d * 2^s with d odd.
	d := n - 1
	s := bits.TrailingZeros64(d)
	d >>= s
	for _, a := range millerRabinBases {
		x := powMod(a, d, n)
		if x == 1 || x == n-1 {
			continue
		}
		composite := true
		for range s - 1 {
			x = mulMod(x, x, n)
			if x == n-1 {
				composite = false
				break
			}
		}
		if composite {
			return false
		}
	}
	return true
}

// mulMod returns a*b mod m without overflow, through the 128-bit product.
func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return bits.Rem64(hi, lo, m)
}

// powMod returns b^e mod m.
func powMod(b, e, m uint64) uint64 {
	result := uint64(1)
	b %= m
	for e > 0 {
		if e&1 == 1 {
			result = mulMod(result, b, m)
		}
		b = mulMod(b, b, m)
		e >>= 1
	}
	return result
}

// Numbers returns the list the original program (Fluent Python's
// demo_executor_map experiment with is_prime) maps over, with a thread pool
// of 3 workers: a new slice each call.
func Numbers() []uint64 {
	return []uint64{
		112272535095293, 112582705942171, 112272535095293, 115280095190773,
		115797848077099, 1099726899285419, 112545606449, 4894348954034, 4236544062,
		11112324353465, 12134123432, 423578924023, 12433323433, 12334452364,
	}
}

// Map tests every number with isPrime on the pool, with at most workers at
// once (workers < 1: one per number), and returns the answers in input order.
// It fails only if ctx is done first.
func Map(ctx context.Context, workers int, numbers []uint64, isPrime func(uint64) bool) ([]bool, error) {
	return pool.Collect(ctx, workers, numbers, func(_ context.Context, n uint64) (bool, error) {
		return isPrime(n), nil
	})
}
