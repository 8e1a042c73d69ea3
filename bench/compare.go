package bench

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// Samples are the runs of every benchmark of some output, by "pkg name"
// (the full name, configuration included), in first-seen order: sec/op in
// Values, and every unit (sec/op included) in Units.
type Samples struct {
	Names  []string
	Values map[string][]float64
	// Units holds each benchmark's runs by unit ("B/op", "allocs/op",
	// "B/s" for MB/s, a custom unit...), as benchfmt tidies them, and
	// UnitNames each benchmark's units in first-seen order.
	Units     map[string]map[string][]float64
	UnitNames map[string][]string
	// Meta is the unit metadata the output declares ("Unit widgets/s
	// better=higher", golang/go#43744).
	Meta benchfmt.UnitMetadataMap
	// Bad names the results left out: a time per op that is NaN, infinite,
	// zero or negative, with the file and line.
	Bad []string
	// Failed names the benchmarks the output reports as failed
	// ("--- FAIL: BenchmarkX/workers=2"), without "Benchmark".
	Failed []string
	// CPU and Preempts hold, by name, the cpu-sec/op and preempts/op runs
	// of the benchmarks that report them (package sweep).
	CPU, Preempts map[string][]float64
	// Commits are the distinct values of the "commit:" configuration line
	// (make bench writes it; "-dirty" marks uncommitted changes), in
	// first-seen order; empty where the output has none.
	Commits []string
	// Interleaved says the output comes from make bench-ab ("interleaved:
	// ab"): measured in alternation with the other side, so that a
	// difference is the code's or noise, even with one commit on both.
	Interleaved bool
}

// SameCode reports whether two runs measured one clean commit at different
// times: both name exactly one commit, the same, without uncommitted
// changes, and neither was measured interleaved with the other (make
// bench-ab). Then any difference between them is the machine's (an A/A
// comparison).
func SameCode(old, new *Samples) (string, bool) {
	if len(old.Commits) != 1 || len(new.Commits) != 1 || old.Interleaved || new.Interleaved {
		return "", false
	}
	c := old.Commits[0]
	if c != new.Commits[0] || c == "" || c == "unknown" || strings.HasSuffix(c, "-dirty") {
		return "", false
	}
	return c, true
}

// ReadSamples reads the runs of every benchmark in go test -bench output.
// A malformed benchmark line is an error naming its file and line.
func ReadSamples(r io.Reader, name string) (*Samples, error) {
	var p benchproc.ProjectionParser
	proj, err := p.Parse("pkg,.fullname", nil)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Samples{Values: map[string][]float64{}, Units: map[string]map[string][]float64{}, UnitNames: map[string][]string{},
		Failed: failures(data), CPU: map[string][]float64{}, Preempts: map[string][]float64{}}
	reader := benchfmt.NewReader(bytes.NewReader(data), name)
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			if why := checkResult(rec); why != "" {
				s.Bad = append(s.Bad, why)
				continue
			}
			if c := rec.GetConfig("commit"); c != "" && !slices.Contains(s.Commits, c) {
				s.Commits = append(s.Commits, c)
			}
			if rec.GetConfig("interleaved") != "" {
				s.Interleaved = true
			}
			k := proj.Project(rec)
			f := proj.Fields()
			key := path.Base(k.Get(f[0])) + " " + k.Get(f[1])
			if len(secPerOp(rec)) > 0 {
				if _, ok := s.Values[key]; !ok {
					s.Names = append(s.Names, key)
				}
				s.Values[key] = append(s.Values[key], secPerOp(rec)...)
			}
			units := s.Units[key]
			if units == nil {
				units = map[string][]float64{}
				s.Units[key] = units
			}
			for _, v := range rec.Values {
				if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
					continue
				}
				if _, ok := units[v.Unit]; !ok {
					s.UnitNames[key] = append(s.UnitNames[key], v.Unit)
				}
				units[v.Unit] = append(units[v.Unit], v.Value)
			}
			if v, ok := rec.Value("cpu-sec/op"); ok && finitePositive(v) {
				s.CPU[key] = append(s.CPU[key], v)
			}
			if v, ok := rec.Value("preempts/op"); ok && v >= 0 && !math.IsInf(v, 0) {
				s.Preempts[key] = append(s.Preempts[key], v)
			}
		}
	}
	if err := reader.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.Meta = reader.Units()
	if len(s.Names) == 0 && len(s.Bad) == 0 && len(s.Failed) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoResults)
	}
	return s, nil
}

// Merge appends the runs of more to s, as if read from one output.
func (s *Samples) Merge(more *Samples) {
	for _, name := range more.Names {
		if _, ok := s.Values[name]; !ok {
			s.Names = append(s.Names, name)
		}
		s.Values[name] = append(s.Values[name], more.Values[name]...)
	}
	for name, units := range more.Units {
		if s.Units[name] == nil {
			s.Units[name] = map[string][]float64{}
		}
		for _, unit := range more.UnitNames[name] {
			if _, ok := s.Units[name][unit]; !ok {
				s.UnitNames[name] = append(s.UnitNames[name], unit)
			}
			s.Units[name][unit] = append(s.Units[name][unit], units[unit]...)
		}
	}
	for name, vs := range more.CPU {
		s.CPU[name] = append(s.CPU[name], vs...)
	}
	for name, vs := range more.Preempts {
		s.Preempts[name] = append(s.Preempts[name], vs...)
	}
	if s.Meta == nil {
		s.Meta = benchfmt.UnitMetadataMap{}
	}
	for k, v := range more.Meta {
		if _, ok := s.Meta[k]; !ok {
			s.Meta[k] = v
		}
	}
	s.Bad = append(s.Bad, more.Bad...)
	s.Failed = append(s.Failed, more.Failed...)
	s.Interleaved = s.Interleaved || more.Interleaved
	for _, c := range more.Commits {
		if !slices.Contains(s.Commits, c) {
			s.Commits = append(s.Commits, c)
		}
	}
}

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
		if len(new.Values[name]) == 0 {
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
}

func bad(x float64) bool { return !finitePositive(x) }

func constant(xs []float64) bool {
	return len(xs) > 0 && slices.Min(xs) == slices.Max(xs)
}

// Compare compares every unit with a direction (see Better) of the
// benchmarks present in both runs, in the unit's direction. A unit is a
// regression when its median got worse by more than its threshold (0.05
// for 5%), the U test rejects "same distribution" at alpha, and the two 95%
// confidence intervals lie apart (so at least 6 runs of each are needed:
// fewer give no interval); where every run of each side gave one value
// (allocs/op, usually), the two values are compared exactly: 10 -> 11
// allocs is 10% worse. Only the time can be excused as the machine's.
func Compare(old, new *Samples, th Thresholds, alpha float64) []Change {
	bt := benchmath.DefaultThresholds
	bt.CompareAlpha = alpha
	var out []Change
	for _, name := range allNames(new) {
		ou, ok := unitsOf(old, name)
		if !ok {
			continue
		}
		nu, _ := unitsOf(new, name)
		timeDisturbed := false
		for _, unit := range unitNames(new, name) {
			better := Better(old, new, unit)
			ov, ok := ou[unit]
			if !ok || better == 0 {
				continue
			}
			nv := nu[unit]
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
			}
			if c.Regression && unit == "sec/op" {
				c.Disturbed, c.Why = disturbed(old, new, name, limit, &bt)
				c.Regression = !c.Disturbed
				timeDisturbed = c.Disturbed
			}
			if c.Regression && unit == "B/s" && timeDisturbed {
				// B/s is bytes over the time per op: the same slowdown,
				// and the machine's too.
				c.Regression, c.Disturbed, c.Why = false, true, "its time per op was the machine's"
			}
			out = append(out, c)
		}
	}
	return out
}

// unitsOf is the runs of a benchmark by unit, its Values as sec/op (for
// Samples made by hand without Units).
func unitsOf(s *Samples, name string) (map[string][]float64, bool) {
	u, ok := s.Units[name]
	if v, has := s.Values[name]; has {
		if !ok {
			return map[string][]float64{"sec/op": v}, true
		}
		ok = true
	}
	return u, ok
}

// unitNames is a benchmark's units in first-seen order, time first.
func unitNames(s *Samples, name string) []string {
	names := s.UnitNames[name]
	if _, ok := s.Values[name]; ok && !slices.Contains(names, "sec/op") {
		names = append([]string{"sec/op"}, names...)
	}
	return names
}

// allNames is every benchmark of s, those with a time first.
func allNames(s *Samples) []string {
	names := slices.Clone(s.Names)
	var rest []string
	for name := range s.Units {
		if _, ok := s.Values[name]; !ok {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// Ungated returns the units of benchmarks in both runs that have no
// direction, and so are not judged (package sweep's evidence, a custom
// unit without "Unit U better=..." metadata), sorted.
func Ungated(old, new *Samples) []string {
	set := map[string]bool{}
	for name, units := range new.Units {
		for unit := range units {
			if _, ok := old.Units[name][unit]; ok && Better(old, new, unit) == 0 {
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
	oc, nc := old.CPU[name], new.CPU[name]
	op, np := old.Preempts[name], new.Preempts[name]
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

// FormatValue formats a value of unit: seconds with a unit prefix, others
// with 4 significant digits.
func FormatValue(v float64, unit string) string {
	if unit == "sec/op" {
		return fmtSec(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

// WriteComparison writes a benchstat-like table of the changes, a row per
// benchmark and unit.
func WriteComparison(w io.Writer, changes []Change, alpha float64) error {
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
		}
		p := fmt.Sprintf("p=%.3f n=%d+%d", c.P, c.NOld, c.NNew)
		if c.Exact {
			p = fmt.Sprintf("exact n=%d+%d", c.NOld, c.NNew)
		}
		unit := c.Unit
		if unit == "sec/op" {
			unit = "time/op"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s %s\t%s\t%s%s\t\n", c.Name, unit,
			FormatValue(c.Old.Center, c.Unit), c.Old.PctRangeString(), FormatValue(c.New.Center, c.Unit), c.New.PctRangeString(),
			delta, p, mark)
	}
	return tw.Flush()
}

// ParseThreshold parses "5%" or "0.05": a number from 0 to 10 (1000%),
// with or without a percent sign, and nothing else ("5x", "10 percent" and
// "5%%" are errors, not 5).
func ParseThreshold(s string) (float64, error) {
	v, scale := s, 1.0
	if rest, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = rest, 0.01
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f >= 0) || math.IsInf(f, 0) || f*scale > 10 {
		return 0, fmt.Errorf("threshold %q: want a percentage like 5%% or a fraction like 0.05", s)
	}
	return f * scale, nil
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
