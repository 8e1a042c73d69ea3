package bench

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
)

// make bench-ab measures OLD and NEW side by side, round by round (ABBA:
// A B in odd rounds, B A in even ones), so that the two results of one
// round saw the same machine: a machine that drifts between rounds moves
// both alike, and the per-round ratio NEW/OLD cancels it. The paired gate
// judges that ratio: for each benchmark and timed unit, the log ratios of
// its rounds, their Hodges-Lehmann estimate (the median of the pairwise
// means, Walsh averages) and the exact interval of Wilcoxon's signed-rank
// test (Hollander, Wolfe and Chicken, Nonparametric Statistical Methods,
// 3rd ed., 2014, §3.2-3.3); and whether it is worse beyond the noise, by
// a sign-flip test of the whole family of units at once (JudgePaired), so
// that a gate over two hundred noisy benchmarks is no more likely to fail
// a change that did nothing than a gate over one. With three answers, as
// Pinpoint's (Chromium's bisection tool): same, different, or unknown.

// RoundMarker starts each round's output in make bench-ab's files: the
// line "bench-ab round N". It is neither a result nor a configuration
// line (benchfmt and benchstat skip it: a "round:" configuration line
// would split benchstat's tables by round), and it lets the paired gate
// pair OLD's and NEW's results round by round.
const RoundMarker = "bench-ab round "

// Rounds are a run's values of one unit by benchmark (the Samples key,
// "PKG NAME") and round: each round's values in order.
type Rounds map[string]map[int][]float64

// ReadRounds reads the values of unit in a benchmark output by round: the
// round of a result is the last RoundMarker line above it; in an output
// with none, a benchmark's i-th result is its round i (make bench-ab's
// files always hold every benchmark once a round, a failed suite's round
// cut on both sides). Values that are not positive and finite are left
// out, as Read leaves them.
func ReadRounds(in Input, unit string) (Rounds, error) {
	marks := roundMarks(in.Data)
	out := Rounds{}
	order := map[string]int{}
	var r benchfmt.Reader
	r.Reset(bytes.NewReader(in.Data), in.Name)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			if checkResult(rec) != "" {
				continue
			}
			key := rec.GetConfig("pkg") + " " + string(rec.Name) // as Read keys it
			v, ok := rec.Value(unit)
			if !ok || !finitePositive(v) {
				continue
			}
			order[key]++
			round := order[key]
			if len(marks) > 0 {
				_, line := rec.Pos()
				round = markAt(marks, line)
				if round == 0 {
					continue // above the first round: not make bench-ab's
				}
			}
			if out[key] == nil {
				out[key] = map[int][]float64{}
			}
			out[key][round] = append(out[key][round], v)
		}
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return out, nil
}

// roundMark is a RoundMarker line: its line number (from 1) and round.
type roundMark struct{ line, round int }

func roundMarks(data []byte) []roundMark {
	var out []roundMark
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if rest, ok := strings.CutPrefix(sc.Text(), RoundMarker); ok {
			if r, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && r > 0 {
				out = append(out, roundMark{n, r})
			}
		}
	}
	return out
}

// markAt is the round of the last mark above line, 0 if none.
func markAt(marks []roundMark, line int) int {
	i, _ := slices.BinarySearchFunc(marks, line, func(m roundMark, l int) int { return m.line - l })
	if i == 0 {
		return 0
	}
	return marks[i-1].round
}

// Pairs are the rounds both sides measured, ascending, and each side's
// value in them: the median of the side's values in the round (the
// canary runs twice a round).
func Pairs(old, new map[int][]float64) (rounds []int, o, n []float64) {
	for r := range old {
		if len(new[r]) > 0 && len(old[r]) > 0 {
			rounds = append(rounds, r)
		}
	}
	slices.Sort(rounds)
	for _, r := range rounds {
		o, n = append(o, median(old[r])), append(n, median(new[r]))
	}
	return rounds, o, n
}

// PairedAnswer is the paired gate's answer for one unit of one benchmark.
type PairedAnswer int

const (
	// PairedSame: not worse by more than the threshold, or better.
	PairedSame PairedAnswer = iota
	// PairedDifferent: worse by more than the threshold (the estimate),
	// and worse beyond the noise of every unit judged with it (the
	// family-wise sign-flip test, at alpha).
	PairedDifferent
	// PairedUnknown: the estimate is worse by more than the threshold,
	// but the test cannot tell it from noise (or there is no test: fewer
	// than MinPairs rounds): more rounds would decide.
	PairedUnknown
	// PairedTooFew: no round both sides measured.
	PairedTooFew
)

func (a PairedAnswer) String() string {
	switch a {
	case PairedSame:
		return "same"
	case PairedDifferent:
		return "different"
	case PairedUnknown:
		return "unknown"
	}
	return "no rounds"
}

// MinPairs is the fewest rounds the paired gate judges: with 6, the
// signed-rank interval at 95% is the smallest to the largest log ratio
// (96.9%), and the sign-flip test has 64 arrangements, the fewest whose
// smallest p (1/64) is under 5%.
const MinPairs = 6

// PairedSeries is one unit of one benchmark as both sides measured it,
// round by round.
type PairedSeries struct {
	Name      string
	Unit      string
	Better    int // +1 higher is better, -1 lower (0 is taken as -1)
	Threshold float64
	// Rounds are the rounds both sides measured, ascending; Old and New
	// their values, one a round.
	Rounds   []int
	Old, New []float64
}

// PairedChange is one unit of one benchmark compared round by round.
type PairedChange struct {
	Name   string
	Unit   string
	Better int
	Rounds int // the pairs
	// Ratio is NEW/OLD, the Hodges-Lehmann estimate of the per-round
	// ratios; Lo and Hi its interval, at Level (exact: the signed-rank
	// test's, the first level at or above Confidence: 96.9% at 6 rounds,
	// the smallest to the largest ratio). NaN where there is none.
	Ratio, Lo, Hi, Level float64
	// Worse is the estimate's change in the unit's direction (> 0 worse:
	// Ratio-1 for a time, 1/Ratio-1 for a rate); Threshold the change
	// that counts.
	Worse, Threshold float64
	// P is the family-wise p of "worse" (JudgePaired): the share of the
	// sign-flip arrangements of the rounds in which some unit of the
	// family looks at least this much worse; Family is how many units it
	// was judged with. NaN with fewer than MinPairs rounds.
	P      float64
	Family int
	Answer PairedAnswer
	// More is, for PairedUnknown, about how many rounds would likely
	// decide: those at which the test would show this estimate at the
	// family's level, given the log ratios' spread (80% power, normal
	// approximation); 0 where the spread gives none.
	More int
}

// JudgePaired judges a family of units measured round by round, at
// family-wise error alpha (0.05 if 0): each unit's log ratios
// d = log(NEW/OLD), turned so that a positive one is worse, their
// Hodges-Lehmann estimate and signed-rank interval; and, for "worse
// beyond the noise", a sign-flip permutation test of the largest paired
// t statistic of the family (Westfall and Young, Resampling-Based
// Multiple Testing, 1993: max-T, step-down). Where OLD and NEW are the
// same code, the two results of a round are exchangeable, so that
// flipping the signs of a round's log ratios, every unit's at once, is
// as likely as what was measured; a unit is worse beyond the noise where
// its t is exceeded by the family's largest in at most alpha of the
// arrangements. The chance that any unit of the family is called worse
// when none is, is then at most alpha, however many units the gate
// judges and however they move together (B/s with sec/op, one suite's
// points with each other). All 2^n arrangements up to 14 rounds; past
// that 16384, drawn with a fixed seed (the identity among them).
//
// A unit is PairedDifferent where its estimate is worse by more than its
// threshold and the test shows it worse, PairedUnknown where the estimate
// is worse by more than the threshold and the test does not (or there is
// no test: fewer than MinPairs rounds), PairedSame otherwise.
func JudgePaired(series []PairedSeries, alpha float64) []PairedChange {
	if alpha == 0 {
		alpha = 0.05
	}
	out := make([]PairedChange, len(series))
	ds := make([]map[int]float64, len(series))
	var family []int
	roundSet := map[int]bool{}
	for i, sr := range series {
		c, d := describe(sr)
		out[i], ds[i] = c, d
		if len(d) >= MinPairs {
			family = append(family, i)
			for r := range d {
				roundSet[r] = true
			}
		}
	}
	ps := maxT(ds, family, roundSet)
	for _, i := range family {
		out[i].P, out[i].Family = ps[i], len(family)
	}
	for i := range out {
		c := &out[i]
		switch {
		case c.Answer == PairedTooFew:
		case !(c.Worse > c.Threshold):
			c.Answer = PairedSame
		case c.P <= alpha:
			c.Answer = PairedDifferent
		default:
			c.Answer = PairedUnknown
			c.More = roundsToDecide(slices.Collect(mapValues(ds[i])), c.Worse, alpha/float64(max(len(family), 1)))
		}
	}
	return out
}

func mapValues(m map[int]float64) func(func(float64) bool) {
	return func(yield func(float64) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// describe is a unit's estimate and interval, and its log ratios by
// round (positive: worse).
func describe(sr PairedSeries) (PairedChange, map[int]float64) {
	better := sr.Better
	if better == 0 {
		better = -1
	}
	c := PairedChange{Name: sr.Name, Unit: sr.Unit, Better: better, Threshold: sr.Threshold,
		Ratio: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), Level: math.NaN(), P: math.NaN()}
	d := map[int]float64{}
	var logs []float64
	for i := range min(len(sr.Old), len(sr.New), len(sr.Rounds)) {
		if finitePositive(sr.Old[i]) && finitePositive(sr.New[i]) {
			l := math.Log(sr.New[i] / sr.Old[i])
			logs = append(logs, l)
			d[sr.Rounds[i]] = -float64(better) * l
		}
	}
	c.Rounds = len(logs)
	if len(logs) == 0 {
		c.Answer = PairedTooFew
		return c, d
	}
	walsh := walshAverages(logs)
	c.Ratio = math.Exp(median(walsh))
	c.Worse = worse(c.Ratio, better)
	if k, level := signedRankK(len(logs), 1-Confidence); k > 0 {
		c.Lo, c.Hi, c.Level = math.Exp(walsh[k-1]), math.Exp(walsh[len(walsh)-k]), level
	}
	return c, d
}

// maxT is the step-down max-T sign-flip p of each unit of family (by
// index into ds), over the rounds of roundSet.
func maxT(ds []map[int]float64, family []int, roundSet map[int]bool) map[int]float64 {
	rounds := slices.Sorted(func(yield func(int) bool) {
		for r := range roundSet {
			if !yield(r) {
				return
			}
		}
	})
	if len(family) == 0 {
		return nil
	}
	// Each unit's log ratios as a vector over rounds, with where it has one.
	pos := map[int]int{}
	for i, r := range rounds {
		pos[r] = i
	}
	type unit struct {
		idx []int
		d   []float64
	}
	units := make([]unit, len(family))
	for j, i := range family {
		for _, r := range slices.Sorted(func(yield func(int) bool) {
			for r := range ds[i] {
				if !yield(r) {
					return
				}
			}
		}) {
			units[j].idx = append(units[j].idx, pos[r])
			units[j].d = append(units[j].d, ds[i][r])
		}
	}
	var masks []uint64
	if n := len(rounds); n <= 14 {
		for m := range uint64(1) << n {
			masks = append(masks, m)
		}
	} else {
		rng := rand.New(rand.NewPCG(36, 6))
		masks = append(masks, 0)
		for range 16383 {
			masks = append(masks, rng.Uint64()&(1<<min(n, 64)-1))
		}
	}
	// Step-down (Westfall and Young's Algorithm 2.8): the units in order
	// of their observed t, largest first; the j-th is judged against the
	// largest t, in each arrangement, of itself and the units after it,
	// and its p is at least that of the one before.
	observed := make([]float64, len(units))
	for j, u := range units {
		observed[j] = tStat(u.d, u.idx, 0)
	}
	order := make([]int, len(units))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(observed[b], observed[a]) })
	exceed := make([]int, len(units))
	ts := make([]float64, len(units))
	for _, m := range masks {
		for j, u := range units {
			ts[j] = tStat(u.d, u.idx, m)
		}
		top := math.Inf(-1)
		for k := len(order) - 1; k >= 0; k-- {
			j := order[k]
			top = max(top, ts[j])
			if top >= observed[j] {
				exceed[j]++
			}
		}
	}
	ps := map[int]float64{}
	prev := 0.0
	for _, j := range order {
		prev = max(prev, float64(exceed[j])/float64(len(masks)))
		ps[family[j]] = prev
	}
	return ps
}

// tStat is the paired t statistic of d with the signs of the rounds in
// mask flipped (bit idx[k] of mask flips d[k]): +Inf or -Inf where every
// value is the same and not 0, 0 where all are 0.
func tStat(d []float64, idx []int, mask uint64) float64 {
	n := float64(len(d))
	var sum, sq float64
	for k, x := range d {
		if mask>>idx[k]&1 == 1 {
			x = -x
		}
		sum += x
		sq += x * x
	}
	mean := sum / n
	v := (sq - n*mean*mean) / (n - 1)
	if v <= 1e-24*max(sq, 1e-300) {
		switch {
		case mean > 0:
			return math.Inf(1)
		case mean < 0:
			return math.Inf(-1)
		}
		return 0
	}
	return mean / math.Sqrt(v/n)
}

// worse is a ratio NEW/OLD as a change in the unit's direction: > 0 is
// worse.
func worse(ratio float64, better int) float64 {
	if better > 0 {
		return 1/ratio - 1
	}
	return ratio - 1
}

// walshAverages are the means of every pair of d (each with itself too),
// sorted: n(n+1)/2 of them.
func walshAverages(d []float64) []float64 {
	w := make([]float64, 0, len(d)*(len(d)+1)/2)
	for i := range d {
		for j := i; j < len(d); j++ {
			w = append(w, (d[i]+d[j])/2)
		}
	}
	slices.Sort(w)
	return w
}

// signedRankK places the signed-rank interval for n pairs at two-sided
// error at most alpha among the sorted Walsh averages W (from 0):
// [W[k-1], W[M-k]], M = n(n+1)/2, where k is the largest count with
// P(T+ <= k-1) <= alpha/2 under the exact null distribution of the
// statistic T+ (the sum of the ranks of the positive differences); the
// interval's level is 1 - 2 P(T+ <= k-1). k is 0 and the level NaN where
// n is too small for any interval at 1-alpha.
func signedRankK(n int, alpha float64) (int, float64) {
	m := n * (n + 1) / 2
	counts := make([]float64, m+1) // counts[t]: subsets of the ranks 1..n summing to t
	counts[0] = 1
	for r := 1; r <= n; r++ {
		for t := m; t >= r; t-- {
			counts[t] += counts[t-r]
		}
	}
	total := math.Pow(2, float64(n))
	k, cum := 0, 0.0
	for t := 0; t <= m && (cum+counts[t])/total <= alpha/2; t++ {
		cum += counts[t]
		k = t + 1
	}
	if k == 0 {
		return 0, math.NaN()
	}
	return k, 1 - 2*cum/total
}

// roundsToDecide is about how many rounds would show a change as large
// as worseBy at one-sided error alpha with 80% power, from the log
// ratios' spread: ((z(1-alpha) + z(0.8)) σ / δ)², σ = 1.4826 × their
// median absolute deviation, δ = log(1 + worseBy); never fewer than
// MinPairs or than one more than d has. 0 where the spread gives none.
func roundsToDecide(d []float64, worseBy, alpha float64) int {
	delta := math.Log1p(worseBy)
	mid := median(d)
	dev := make([]float64, len(d))
	for i, x := range d {
		dev[i] = math.Abs(x - mid)
	}
	sigma := 1.4826 * median(dev)
	if !(sigma > 0) || !(delta > 0) || !(alpha > 0 && alpha < 1) {
		return 0
	}
	z := math.Sqrt2*math.Erfinv(1-2*alpha) + 0.841621
	n := math.Ceil(math.Pow(z*sigma/delta, 2))
	return int(max(n, float64(len(d)+1), MinPairs))
}

// PairedGate reads make bench-ab's old.txt and new.txt round by round
// and judges every timed unit with a direction (Timed, Better) of every
// benchmark both hold, as one family (JudgePaired, at alpha). The canary
// is left out: the same binary on both sides, it is the machine's.
func PairedGate(old, new Input, th Thresholds, alpha float64) ([]PairedChange, error) {
	so, err := Read(old)
	if err != nil {
		return nil, err
	}
	sn, err := Read(new)
	if err != nil {
		return nil, err
	}
	var series []PairedSeries
	cache := map[string][2]Rounds{}
	for _, name := range sn.Names {
		ob, nb := so.Benchmarks[name], sn.Benchmarks[name]
		if ob == nil || isCanary(name) {
			continue
		}
		for _, unit := range nb.Units {
			better := Better(so, sn, unit)
			if !Timed(unit) || better == 0 || !slices.Contains(ob.Units, unit) {
				continue
			}
			rs, ok := cache[unit]
			if !ok {
				if rs[0], err = ReadRounds(old, unit); err != nil {
					return nil, err
				}
				if rs[1], err = ReadRounds(new, unit); err != nil {
					return nil, err
				}
				cache[unit] = rs
			}
			sr := PairedSeries{Name: name, Unit: unit, Better: better, Threshold: th.For(unit)}
			sr.Rounds, sr.Old, sr.New = Pairs(rs[0][name], rs[1][name])
			series = append(series, sr)
		}
	}
	return JudgePaired(series, alpha), nil
}

// WritePaired writes the paired changes as a table: a row per benchmark
// and unit, NEW/OLD with its interval, the change, the rounds, the
// family-wise p, and the answer (for unknown, the rounds that would
// likely decide).
func WritePaired(w io.Writer, cs []PairedChange) error {
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = c.Name
	}
	labels := Labels(keys)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tunit\tnew/old per round [interval]\tchange\tp (family-wise)\tanswer")
	for _, c := range cs {
		unit := c.Unit
		if unit == "sec/op" {
			unit = "time/op"
		}
		ratio, change, p := "-", "-", "-"
		if !math.IsNaN(c.Ratio) {
			ratio = fmt.Sprintf("%.3fx", c.Ratio)
			change = fmt.Sprintf("%+.1f%% worse", 100*c.Worse)
			if c.Worse < 0 {
				change = fmt.Sprintf("%.1f%% better", -100*c.Worse)
			}
		}
		if !math.IsNaN(c.Lo) {
			ratio += fmt.Sprintf(" [%.3f, %.3f] %.1f%%", c.Lo, c.Hi, 100*c.Level)
		}
		if !math.IsNaN(c.P) {
			p = fmt.Sprintf("p=%.3f n=%d", c.P, c.Rounds)
		} else {
			p = fmt.Sprintf("n=%d", c.Rounds)
		}
		answer := c.Answer.String()
		switch c.Answer {
		case PairedDifferent:
			answer = fmt.Sprintf("DIFFERENT: worse by more than %.0f%%", 100*c.Threshold)
		case PairedUnknown:
			answer = fmt.Sprintf("UNKNOWN: worse by more than %.0f%%, not beyond the noise", 100*c.Threshold)
			if math.IsNaN(c.P) {
				answer = fmt.Sprintf("UNKNOWN: worse by more than %.0f%%, too few rounds for a test (want %d)", 100*c.Threshold, MinPairs)
			}
			if c.More > 0 {
				answer += fmt.Sprintf("; about %d rounds would likely decide (COUNT=%d)", c.More, c.More)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", Printable(labels[c.Name]), Printable(unit), ratio, change, p, answer)
	}
	return tw.Flush()
}
