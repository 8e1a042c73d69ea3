package benchrun

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A rate measured on resamples is a binomial proportion: k of n. With n
// small, the proportion alone cannot hold a bound (2 of 20 is 10%, and
// tells little of whether the rate is above 5%). The tests assert it with
// its Clopper-Pearson interval, exact: the bound p at which seeing k or
// fewer (k or more) of n has probability alpha.

// binomCDF is P(X <= k) for X ~ Binomial(n, p).
func binomCDF(k, n int, p float64) float64 {
	if k < 0 {
		return 0
	}
	if k >= n {
		return 1
	}
	switch p {
	case 0:
		return 1
	case 1:
		return 0
	}
	var sum float64
	for i := 0; i <= k; i++ {
		lc, _ := math.Lgamma(float64(n + 1))
		li, _ := math.Lgamma(float64(i + 1))
		lni, _ := math.Lgamma(float64(n - i + 1))
		sum += math.Exp(lc - li - lni + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return min(sum, 1)
}

// rateUpper is the one-sided upper confidence bound, at 1-alpha, of a rate
// seen k times in n: the p at which k or fewer has probability alpha.
func rateUpper(k, n int, alpha float64) float64 {
	if k >= n {
		return 1
	}
	return bisect(func(p float64) bool { return binomCDF(k, n, p) > alpha })
}

// rateLower is the one-sided lower confidence bound, at 1-alpha: the p at
// which k or more has probability alpha.
func rateLower(k, n int, alpha float64) float64 {
	if k <= 0 {
		return 0
	}
	return bisect(func(p float64) bool { return 1-binomCDF(k-1, n, p) < alpha })
}

// bisect is the p in [0, 1] where below(p) turns false (below is true up
// to it).
func bisect(below func(float64) bool) float64 {
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if below(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestRateBounds(t *testing.T) {
	// R's binom.test(2, 20): 95 percent confidence interval 0.01234853
	// 0.31698271 (Clopper-Pearson, alpha/2 on each side).
	assert.InDelta(t, 0.01234853, rateLower(2, 20, 0.025), 1e-7)
	assert.InDelta(t, 0.31698271, rateUpper(2, 20, 0.025), 1e-7)
	// None seen in n: the bound is 1 - alpha^(1/n) (for 95%, about 3/n,
	// the "rule of three"; Hanley and Lippman-Hand, JAMA 1983).
	assert.InDelta(t, 1-math.Pow(0.05, 1.0/60), rateUpper(0, 60, 0.05), 1e-9)
	assert.Equal(t, 0.0, rateLower(0, 60, 0.05))
	assert.Equal(t, 1.0, rateUpper(5, 5, 0.05))
}
