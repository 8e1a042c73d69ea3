package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"

	"github.com/futuresbench/futures/sweep"
)

// Better is the direction of a unit: +1 where higher values are better, -1
// where lower are, 0 where the files do not say (package sweep's evidence,
// which describes the machine rather than the code). It is the unit's
// "better" metadata in either file, else benchfmt's defaults: time, B/op
// and allocs/op lower, B/s (MB/s) higher.
func Better(old, new *Samples, unit string) int {
	for _, s := range []*Samples{new, old} {
		if s.Meta != nil && s.Meta.Get(unit, "better") != nil {
			return s.Meta.GetBetter(unit)
		}
	}
	return benchfmt.UnitMetadataMap(nil).GetBetter(unit)
}

// Thresholds are the smallest changes that count, by unit: All for every
// unit, Unit for those set one by one (-threshold allocs/op=0%).
type Thresholds struct {
	All  float64
	Unit map[string]float64
	// Slack is added to the threshold of every timed unit (see Timed):
	// the uncertainty of a correction for the machine (CompareAgainst).
	Slack float64
}

// UnknownUnit is the first unit, in order, that t sets a threshold of and
// no run of samples has ("alloc/op=0%", a typo of allocs/op, would
// otherwise turn the gate of allocs/op off without a word), "" where every
// unit of t is in some run; have are the units the runs have, in
// first-seen order.
func (t Thresholds) UnknownUnit(samples ...*Samples) (unit string, have []string) {
	seen := map[string]bool{}
	for _, s := range samples {
		if s == nil {
			continue
		}
		for _, name := range s.Names {
			for _, u := range s.Benchmarks[name].Units {
				if !seen[u] {
					seen[u] = true
					have = append(have, u)
				}
			}
		}
	}
	var missing []string
	for u := range t.Unit {
		if !seen[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) == 0 {
		return "", have
	}
	slices.Sort(missing)
	return missing[0], have
}

// UnitList is units as a message says them: each escaped (Printable) and
// cut short, at most max of them, then how many more there are.
func UnitList(units []string, max int) string {
	var b strings.Builder
	for i, u := range units {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(units)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Printable(CutName(u, 40)))
	}
	if len(units) == 0 {
		return "none"
	}
	return b.String()
}

// Uniform is the same threshold for every unit.
func Uniform(x float64) Thresholds { return Thresholds{All: x} }

// For is the threshold of unit.
func (t Thresholds) For(unit string) float64 {
	x, ok := t.Unit[unit]
	if !ok {
		x = t.All
	}
	if Timed(unit) {
		x += t.Slack
	}
	return x
}

// Missing returns the benchmarks of old that new has no usable result for:
// removed, renamed, failed or reporting only bad values. A regression gate
// that passed them would pass a run that deleted its slowest benchmark.
func Missing(old, new *Samples) []string {
	var out []string
	for _, name := range old.Names {
		if len(old.Values(name, "sec/op")) > 0 && len(new.Values(name, "sec/op")) == 0 {
			out = append(out, name)
		}
	}
	return out
}

// Change is one unit of one benchmark present in both runs.
type Change struct {
	Name       string
	Unit       string // sec/op, B/op, allocs/op, B/s, or the benchmark's own
	Better     int    // +1 higher is better, -1 lower
	Old, New   benchmath.Summary
	Delta      float64 // (new - old) / old, of the medians
	Worse      float64 // Delta in the unit's direction: > 0 is worse
	P          float64 // Mann-Whitney U test (NaN where Exact)
	NOld, NNew int     // runs of each
	// Exact says every run of each side gave one value (allocs/op
	// usually): the two are compared as numbers, with no test.
	Exact      bool
	Regression bool // worse by more than the threshold (see Compare), and not Disturbed
	// Disturbed is a time regression that the machine, not the code, made:
	// the CPU per op did not rise beyond the threshold while the process
	// was preempted significantly more (something else wanted the CPUs).
	// Code that got slower costs more CPU per op, or waits more, which
	// raises no preemptions. Why says it in words.
	Disturbed bool
	Why       string
	// Corrected says NEW's values were corrected for the machine's change
	// the canary measured before they were judged (CompareAgainst).
	Corrected bool
	// Canary says this is the canary itself: read as the machine's, never
	// a regression.
	Canary bool
	// AA says this change would be a regression, but both runs measured
	// one clean commit: it is the machine's.
	AA bool
	// NoCanary says a timed unit was judged without a canary: a change of
	// machine would look the same.
	NoCanary bool
	// Undecided is the gate's third answer: the median is worse by more
	// than the threshold, but the evidence cannot show it (the U test or
	// the two intervals, which overlap, leave it open): neither a pass nor
	// a regression. Lo and Hi bound the change (new over old, minus 1)
	// from the two intervals; Runs is how many runs a side would likely
	// decide it, from the spread (0 where it cannot tell).
	Undecided bool
	Lo, Hi    float64
	Runs      int
}

func bad(x float64) bool { return !finitePositive(x) }

func constant(xs []float64) bool {
	return len(xs) > 0 && slices.Min(xs) == slices.Max(xs)
}

// compare compares every unit with a direction (see Better) of the
// benchmarks present in both runs, in the unit's direction. A unit is a
// regression when its median got worse by more than its threshold (0.05
// for 5%), the U test rejects "same distribution" at alpha, and the two 95%
// confidence intervals lie apart (so at least 6 runs of each are needed:
// fewer give no interval); where every run of each side gave one value
// (allocs/op, usually), the two values are compared exactly: 10 -> 11
// allocs is 10% worse. Only the time can be excused as the machine's.
func compare(old, new *Samples, th Thresholds, alpha float64) []Change {
	bt := benchmath.DefaultThresholds
	bt.CompareAlpha = alpha
	var out []Change
	for _, name := range new.Names {
		ob, nb := old.Benchmarks[name], new.Benchmarks[name]
		if ob == nil {
			continue
		}
		timeDisturbed, timeUndecided := false, false
		units := nb.Units
		if i := slices.Index(units, "sec/op"); i > 0 {
			units = append([]string{"sec/op"}, slices.Delete(slices.Clone(units), i, i+1)...)
		}
		for _, unit := range units {
			better := Better(old, new, unit)
			ov := ob.Values(unit)
			if len(ov) == 0 || better == 0 {
				continue
			}
			nv := nb.Values(unit)
			if unit == "sec/op" {
				// ReadSamples keeps only positive finite times; Samples
				// made by hand might not, and benchmath's U test does not
				// end on a NaN.
				ov, nv = slices.DeleteFunc(slices.Clone(ov), bad), slices.DeleteFunc(slices.Clone(nv), bad)
			}
			if len(ov) == 0 || len(nv) == 0 {
				continue
			}
			so, sn := benchmath.NewSample(ov, &bt), benchmath.NewSample(nv, &bt)
			c := Change{
				Name: name, Unit: unit, Better: better,
				Old: benchmath.AssumeNothing.Summary(so, Confidence),
				New: benchmath.AssumeNothing.Summary(sn, Confidence),
			}
			c.NOld, c.NNew = len(ov), len(nv)
			c.Delta = (c.New.Center - c.Old.Center) / c.Old.Center
			if c.Old.Center == 0 {
				c.Delta = math.Inf(int(math.Copysign(1, c.New.Center)))
				if c.New.Center == 0 {
					c.Delta = 0
				}
			}
			c.Worse = -float64(better) * c.Delta
			limit := th.For(unit)
			if c.Exact = constant(ov) && constant(nv); c.Exact {
				c.P = math.NaN()
				c.Regression = c.Worse > limit
			} else {
				cmp := benchmath.AssumeNothing.Compare(so, sn)
				c.P = cmp.P
				// Worse by more than the threshold, by the U test, and
				// with the two intervals apart: over a hundred benchmarks,
				// the U test alone at p < 0.05 calls a few of them worse in
				// two runs of the same code (seen here, two of 130 at
				// p = 0.041).
				apart := c.New.Lo > c.Old.Hi && !math.IsInf(c.Old.Hi, 0)
				if better > 0 {
					apart = c.New.Hi < c.Old.Lo && !math.IsInf(c.New.Hi, 0)
				}
				c.Regression = c.Worse > limit && c.P < alpha && apart
				c.Undecided = c.Worse > limit && !c.Regression
				c.Lo, c.Hi = finite(c.New.Lo/c.Old.Hi)-1, finite(c.New.Hi/c.Old.Lo)-1
				if c.Undecided {
					c.Runs = runsToTell(ov, nv, c.Old.Center, c.New.Center)
				}
			}
			if c.Regression && unit == "sec/op" {
				c.Disturbed, c.Why = disturbed(old, new, name, limit, &bt)
				c.Regression = !c.Disturbed
				timeDisturbed = c.Disturbed
			}
			if c.Undecided && unit == "sec/op" {
				// Slower by the machine, as far as the run shows: its
				// CPU per op steady, its preemptions up.
				if d, why := disturbed(old, new, name, limit, &bt); d {
					c.Undecided, c.Disturbed, c.Why = false, true, why
					timeDisturbed = true
				}
				timeUndecided = c.Undecided
			}
			if c.Undecided && unit == "B/s" && timeUndecided {
				// The same slowdown as its time, named once.
				c.Undecided = false
			}
			if (c.Regression || c.Undecided) && unit == "B/s" && timeDisturbed {
				// B/s is bytes over the time per op: the same slowdown,
				// and the machine's too.
				c.Regression, c.Undecided, c.Disturbed, c.Why = false, false, true, "its time per op was the machine's"
			}
			out = append(out, c)
		}
	}
	return out
}

// runsToTell estimates how many runs a side would likely tell a change of
// oc -> nc apart from none, from the spread of each side's values. The
// median's interval is about 1.96 x 1.253 sigma / sqrt(n) wide each way
// (sigma estimated robustly: 1.4826 x the median absolute deviation), and
// the two must lie apart. But an interval of few runs reaches from the
// smallest run to the largest (6 runs at 95%), so one slow process decides
// its width: the runs must also be enough for the interval's order
// statistics to leave out as many far runs (beyond 3 sigma) as the sample
// holds, in proportion. At least 6; 0 where there is no change to tell or
// more than 200 would be needed.
func runsToTell(ov, nv []float64, oc, nc float64) int {
	sigma := func(xs []float64, m float64) float64 {
		dev := make([]float64, len(xs))
		for i, x := range xs {
			dev[i] = math.Abs(x-m) / m
		}
		return 1.4826 * median(dev)
	}
	far := func(xs []float64, m, s float64) float64 {
		lo, hi := 0, 0
		for _, x := range xs {
			switch {
			case x > m*(1+3*s):
				hi++
			case x < m*(1-3*s):
				lo++
			}
		}
		return float64(max(lo, hi)) / float64(len(xs))
	}
	d := math.Abs(math.Log(nc / oc))
	so, sn := sigma(ov, oc), sigma(nv, nc)
	if !(d > 0) || math.IsNaN(so+sn) {
		return 0
	}
	n := max(int(math.Ceil(math.Pow(1.96*1.253*(so+sn)/d, 2))), MinLook)
	frac := math.Max(far(ov, oc, so), far(nv, nc, sn))
	for ; n <= 200; n++ {
		if float64(lowRank(n)) > math.Ceil(frac*float64(n)) {
			return n
		}
	}
	return 0
}

// lowRank is how many of n runs lie below the lower end of their median's
// interval at Confidence (0: the interval starts at the smallest run).
func lowRank(n int) int {
	values := make([]float64, n)
	for i := range values {
		values[i] = float64(i)
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &benchmath.DefaultThresholds), Confidence)
	if math.IsInf(s.Lo, 0) || math.IsNaN(s.Lo) {
		return 0
	}
	return int(s.Lo)
}

// Ungated returns the units of benchmarks in both runs that have no
// direction, and so are not judged (package sweep's evidence, a custom
// unit without "Unit U better=..." metadata), sorted.
func Ungated(old, new *Samples) []string {
	set := map[string]bool{}
	for name, nb := range new.Benchmarks {
		for _, unit := range nb.Units {
			if ob := old.Benchmarks[name]; ob != nil && slices.Contains(ob.Units, unit) && Better(old, new, unit) == 0 {
				set[unit] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// disturbed reports whether a time regression of name is the machine's: its
// CPU per op did not rise beyond the threshold (or not significantly) while
// its preemptions per op rose significantly. Without both metrics in both
// runs it is not.
func disturbed(old, new *Samples, name string, threshold float64, th *benchmath.Thresholds) (bool, string) {
	oc, nc := positive(old.Values(name, sweep.UnitCPU)), positive(new.Values(name, sweep.UnitCPU))
	op, np := nonNegative(old.Values(name, sweep.UnitPreempts)), nonNegative(new.Values(name, sweep.UnitPreempts))
	if len(oc) == 0 || len(nc) == 0 || len(op) == 0 || len(np) == 0 {
		return false, ""
	}
	cpuDelta := median(nc)/median(oc) - 1
	cpuRose := cpuDelta > threshold && benchmath.AssumeNothing.Compare(benchmath.NewSample(oc, th), benchmath.NewSample(nc, th)).P < th.CompareAlpha
	po, pn := median(op), median(np)
	preemptsRose := pn > po && benchmath.AssumeNothing.Compare(benchmath.NewSample(op, th), benchmath.NewSample(np, th)).P < th.CompareAlpha
	if cpuRose || !preemptsRose {
		return false, ""
	}
	return true, fmt.Sprintf("CPU per op %+.1f%%, preemptions per op %.3g -> %.3g: the machine was busier", 100*cpuDelta, po, pn)
}

func positive(xs []float64) []float64 {
	return slices.DeleteFunc(xs, func(x float64) bool { return !(x > 0) })
}

func nonNegative(xs []float64) []float64 {
	return slices.DeleteFunc(xs, func(x float64) bool { return !(x >= 0) })
}

// FormatValue formats a value of unit: seconds with a unit prefix, others
// with 4 significant digits.
func FormatValue(v float64, unit string) string {
	if unit == "sec/op" {
		return fmtSec(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + Printable(unit)
}

// WriteComparison writes a benchstat-like table of the changes, a row per
// benchmark and unit, each benchmark as Labels shows it.
func WriteComparison(w io.Writer, changes []Change, alpha float64) error {
	return writeComparison(w, changes, alpha, changeLabels(changes, nil))
}

// changeLabels are the labels (Labels) of the benchmarks of changes and of
// more, Printable: as a terminal shows them.
func changeLabels(changes []Change, more []string) map[string]string {
	keys := slices.Clone(more)
	for _, c := range changes {
		keys = append(keys, c.Name)
	}
	labels := Labels(keys)
	for k, l := range labels {
		labels[k] = Printable(l)
	}
	return labels
}

func writeComparison(w io.Writer, changes []Change, alpha float64, labels map[string]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark	unit	old	new	delta	p	")
	for _, c := range changes {
		delta := fmt.Sprintf("%+.2f%%", 100*c.Delta)
		if !c.Exact && (c.P >= alpha || math.IsNaN(c.P)) {
			delta = "~"
		}
		if c.Exact && c.Delta == 0 {
			delta = "="
		}
		mark := ""
		switch {
		case c.Regression:
			mark = "  REGRESSION"
		case c.Disturbed:
			mark = "  disturbed"
		case c.Undecided:
			mark = "  UNDECIDED"
		}
		p := fmt.Sprintf("p=%.3f n=%d+%d", c.P, c.NOld, c.NNew)
		if c.Exact {
			p = fmt.Sprintf("exact n=%d+%d", c.NOld, c.NNew)
		}
		unit := Printable(c.Unit)
		if unit == "sec/op" {
			unit = "time/op"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s %s\t%s\t%s%s\t\n", labels[c.Name], unit,
			FormatValue(c.Old.Center, c.Unit), c.Old.PctRangeString(), FormatValue(c.New.Center, c.Unit), c.New.PctRangeString(),
			delta, p, mark)
	}
	return tw.Flush()
}

// ParseThreshold parses "5%" or "0.05": a percentage from 0 to 1000%, or
// a fraction from 0 to below 1, and nothing else ("5x", "10 percent" and
// "5%%" are errors, not 5). A bare number of 1 or more ("5") is almost
// surely meant as a percent, and taken as a fraction it would be a gate
// that never fails (500%): it is a *BareThresholdError.
func ParseThreshold(s string) (float64, error) {
	v, scale := s, 1.0
	if rest, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = rest, 0.01
	}
	f, err := strconv.ParseFloat(v, 64)
	if err == nil && scale == 1 && f >= 1 && f <= 1000 {
		return 0, &BareThresholdError{Value: s, Num: f}
	}
	if err != nil || !(f >= 0) || math.IsInf(f, 0) || f*scale > 10 {
		return 0, fmt.Errorf("threshold %q: want a percentage like 5%% or a fraction like 0.05", s)
	}
	return f * scale, nil
}

// CutName is s cut to at most n bytes at a character's start, "..."
// after it where it was cut.
func CutName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// BareThresholdError is a threshold written as a bare number of 1 or more
// ("5"): a fraction, it would mean 500%. Its message reads
// "5: write 5% (a bare number is a fraction: 0.05)", to follow the flag or
// knob it came from ("-threshold 5: ...").
type BareThresholdError struct {
	Unit  string  // "allocs/op" of "allocs/op=5", "" for every unit
	Value string  // the number as written
	Num   float64 // its value
}

func (e *BareThresholdError) Error() string {
	u := ""
	if e.Unit != "" {
		u = Printable(CutName(e.Unit, 80)) + "="
	}
	return fmt.Sprintf("%s%s: write %s%s%% (a bare number is a fraction: %s%s)",
		u, e.Value, u, e.Value, u, strconv.FormatFloat(e.Num/100, 'g', -1, 64))
}

// ParseThresholds parses the values of -threshold flags: "5%" sets the
// threshold of every unit, "allocs/op=0%" that of one unit; the last value
// for a unit wins. Each value is parsed strictly (ParseThreshold); a unit
// is any text without spaces before the last '='.
func ParseThresholds(values []string, def float64) (Thresholds, error) {
	th := Thresholds{All: def, Unit: map[string]float64{}}
	for _, v := range values {
		i := strings.LastIndexByte(v, '=')
		if i < 0 {
			f, err := ParseThreshold(v)
			if err != nil {
				return th, err
			}
			th.All = f
			continue
		}
		unit, x := v[:i], v[i+1:]
		if unit == "" || strings.ContainsAny(unit, " \t\n") {
			return th, fmt.Errorf("threshold %q: want UNIT=PCT, like allocs/op=0%%", v)
		}
		f, err := ParseThreshold(x)
		if bare, ok := err.(*BareThresholdError); ok {
			bare.Unit = unit
			return th, bare
		}
		if err != nil {
			return th, fmt.Errorf("threshold %q: %w", v, err)
		}
		switch unit { // the units as benchfmt tidies them
		case "ns/op", "time/op":
			unit = "sec/op"
		case "MB/s":
			unit = "B/s"
		}
		th.Unit[unit] = f
	}
	return th, nil
}
