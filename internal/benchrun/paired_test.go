package benchrun

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// abPair builds a make bench-ab pair from the long run's rounds: slots are
// adjacent pairs of rounds (2k, 2k+1: the closest in time the run has; a
// real bench-ab measures a suite's OLD and NEW seconds apart, not a
// round's length), OLD the first of a slot in odd slots and the second in
// even ones, as ABBA orders them. NEW's times of every benchmark of keys
// but the canary are slowed by f (CPU time too, rates divided), as slower
// code would be. The canary runs twice a round: both go to the side.
func abPair(all *bench.Samples, keys []string, slots []int, f float64) (old, new *bench.Samples) {
	mk := func() *bench.Samples {
		return &bench.Samples{Benchmarks: map[string]*bench.Benchmark{}, Meta: all.Meta, Interleaved: true, Names: slices.Clone(keys)}
	}
	old, new = mk(), mk()
	for _, k := range keys {
		b := all.Benchmarks[k]
		ob, nb := *b, *b
		ob.Runs, nb.Runs = nil, nil
		canary := strings.HasSuffix(k, " Canary")
		for i, s := range slots {
			ro, rn := 2*s, 2*s+1
			if i%2 == 1 {
				ro, rn = rn, ro
			}
			runs := func(r int) []bench.Run {
				if canary {
					return b.Runs[2*r : 2*r+2]
				}
				return b.Runs[r : r+1]
			}
			ob.Runs = append(ob.Runs, runs(ro)...)
			for _, run := range runs(rn) {
				if !canary && f != 1 {
					run = slowed(run, f)
				}
				nb.Runs = append(nb.Runs, run)
			}
		}
		old.Benchmarks[k], new.Benchmarks[k] = &ob, &nb
	}
	return old, new
}

// slowed is a run of code f times slower: times (CPU time too) times f,
// rates over f; counts as they were.
func slowed(r bench.Run, f float64) bench.Run {
	out := bench.Run{}
	for u, v := range r {
		switch {
		case u == "sec/op" || strings.HasSuffix(u, "-sec/op") && u != "others-sec/op" && u != "steal-sec/op":
			v *= f
		case strings.HasSuffix(u, "/s"):
			v /= f
		}
		out[u] = v
	}
	return out
}

// pairedChanges is the paired gate on Samples whose runs are in round
// order, run i of OLD beside run i of NEW (bench.PairedGate reads the
// same from bench-ab's files, by their round lines).
func pairedChanges(old, new *bench.Samples, th bench.Thresholds) []bench.PairedChange {
	var series []bench.PairedSeries
	for _, name := range new.Names {
		if strings.HasSuffix(name, " Canary") {
			continue
		}
		ob, nb := old.Benchmarks[name], new.Benchmarks[name]
		for _, unit := range nb.Units {
			better := bench.Better(old, new, unit)
			if !bench.Timed(unit) || better == 0 {
				continue
			}
			o, n := ob.Values(unit), nb.Values(unit)
			rounds := make([]int, min(len(o), len(n)))
			for i := range rounds {
				rounds[i] = i + 1
			}
			series = append(series, bench.PairedSeries{Name: name, Unit: unit, Better: better, Threshold: th.For(unit), Rounds: rounds, Old: o, New: n})
		}
	}
	return bench.JudgePaired(series, 0.05)
}

// group is a benchmark's kind, for the rates: the CPU-bound suites, the
// grain sweep, the downloads.
func group(key string) string {
	switch pkgOf(key) {
	case "arcfour", "sha", "primes", "qsort":
		return "cpu"
	case "pool":
		return "grain"
	case "flags":
		return "downloads"
	}
	return "canary"
}

// drifted is a pair on a host whose speed moves between rounds: in the
// slots of slow, both sides' times (CPU time too) are times f and rates
// over f, the canary's too, as the host measured primes at
// 1.7x the CPU per op in two rounds of six.
func drifted(s *bench.Samples, slow []int, f float64) *bench.Samples {
	out := *s
	out.Benchmarks = map[string]*bench.Benchmark{}
	for k, b := range s.Benchmarks {
		c := *b
		c.Runs = slices.Clone(b.Runs)
		per := 1
		if strings.HasSuffix(k, " Canary") {
			per = 2
		}
		for _, slot := range slow {
			for j := slot * per; j < (slot+1)*per && j < len(c.Runs); j++ {
				c.Runs[j] = slowed(c.Runs[j], f)
			}
		}
		out.Benchmarks[k] = &c
	}
	return &out
}

// rates counts a scenario's answers: per slowed benchmark (time per op)
// and per gate.
type rates struct {
	units, different, notPassed, unpaired int
	gates, exit1, exit4, unpairedExit1    int
}

func (r *rates) String() string {
	return fmt.Sprintf("per slowed benchmark (%d): paired different %.1f%%, paired not passed (1 or 4) %.1f%%, unpaired regression %.1f%%; per gate (%d): paired exit 1 %.1f%% [%.1f, %.1f], exit 4 %.1f%%, unpaired exit 1 %.1f%% [%.1f, %.1f]",
		r.units, pct(r.different, r.units), pct(r.notPassed, r.units), pct(r.unpaired, r.units),
		r.gates, pct(r.exit1, r.gates), 100*rateLower(r.exit1, r.gates, 0.05), 100*rateUpper(r.exit1, r.gates, 0.05), pct(r.exit4, r.gates),
		pct(r.unpairedExit1, r.gates), 100*rateLower(r.unpairedExit1, r.gates, 0.05), 100*rateUpper(r.unpairedExit1, r.gates, 0.05))
}

// TestPairedGateResampled measures bench-ab's paired gate against the
// unpaired one (benchreport compare's, bench.Gate) on resamples of the
// real 30-round run, 6 rounds a side: pairs of adjacent rounds as ABBA
// pairs (abPair), NEW with one CPU-bound suite slowed by 10% or 20%, or
// nothing (A/A); the gate over the CI's suites (arcfour, sha, primes,
// qsort: README's Gating in CI), on the quiet host the run had and on one
// whose speed moves (two slots of six 1.6x slower on both sides). The
// A/A rate of exit 1 is held at 5% with its interval (rateUpper): the
// sign-flip test's bound, measured.
func TestPairedGateResampled(t *testing.T) {
	all := readLongRun(t)
	th := bench.Uniform(0.05)
	cpu := slices.DeleteFunc(slices.Clone(all.Names), func(k string) bool { g := group(k); return g != "cpu" && g != "canary" })
	suites := []string{"arcfour", "sha", "primes", "qsort"}
	// The A/A rates need the more resamples: their interval must reach
	// under 5% (at a rate near 1%, 400 do).
	aaResamples, resamples := 1000, 300
	if testing.Short() {
		aaResamples, resamples = 400, 100
	}
	got := map[string]*rates{}
	for _, host := range []string{"quiet", "drifting"} {
		for _, f := range []float64{1, 1.10, 1.20} {
			rng := rand.New(rand.NewPCG(5, uint64(100*f)))
			hostRng := rand.New(rand.NewPCG(7, uint64(100*f)))
			r := &rates{}
			got[fmt.Sprintf("%s x%.2f", host, f)] = r
			n := resamples
			if f == 1 {
				n = aaResamples
			}
			for range n {
				slots := rng.Perm(15)[:6]
				slow := suites[rng.IntN(len(suites))]
				old, new := abPair(all, cpu, slots, 1)
				if f != 1 {
					_, new = abPair(all, slices.DeleteFunc(slices.Clone(cpu), func(k string) bool { return pkgOf(k) != slow }), slots, f)
					_, rest := abPair(all, cpu, slots, 1)
					for k, b := range new.Benchmarks {
						rest.Benchmarks[k] = b
					}
					new = rest
				}
				if host == "drifting" {
					slow := hostRng.Perm(6)[:2]
					old, new = drifted(old, slow, 1.6), drifted(new, slow, 1.6)
				}
				g, err := bench.Gate(old, new, bench.GateOptions{Thresholds: th})
				require.NoError(t, err)
				ps := pairedChanges(old, new, th)
				r.gates++
				switch abStatus(g, ps) {
				case 1:
					r.exit1++
				case 4:
					r.exit4++
				}
				if g.Status == bench.GateFail {
					r.unpairedExit1++
				}
				if f == 1 {
					continue
				}
				for _, p := range ps {
					if p.Unit != "sec/op" || pkgOf(p.Name) != slow {
						continue
					}
					r.units++
					if p.Answer == bench.PairedDifferent {
						r.different++
					}
					if p.Answer != bench.PairedSame {
						r.notPassed++
					}
					if i := slices.IndexFunc(g.Changes, func(c bench.Change) bool { return c.Name == p.Name && c.Unit == "sec/op" }); i >= 0 && g.Changes[i].Regression {
						r.unpaired++
					}
				}
			}
			t.Logf("%s host, x%.2f: %v", host, f, r)
		}
	}
	for _, host := range []string{"quiet", "drifting"} {
		aa := got[host+" x1.00"]
		assert.LessOrEqual(t, rateUpper(aa.exit1, aa.gates, 0.05), 0.05, "%s host: the paired gate's A/A exit 1 is not shown at or below 5%%: %v", host, aa)
	}
	for _, f := range []string{"x1.10", "x1.20"} {
		d := got["drifting "+f]
		assert.Greater(t, d.different, d.unpaired, "on a drifting host the pairs detect more of a %s slowdown than the unpaired gate: %v", f, d)
		q := got["quiet "+f]
		assert.GreaterOrEqual(t, pct(q.notPassed, q.units), 95.0, "a %s slowdown passes the paired gate: %v", f, q)
	}
}

func pct(k, n int) float64 { return 100 * float64(k) / float64(max(n, 1)) }

// pkgOf is the last element of a samples key's package.
func pkgOf(key string) string {
	p, _, _ := strings.Cut(key, " ")
	return path.Base(p)
}
