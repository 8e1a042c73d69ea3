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

// Samples are the sec/op runs of every benchmark of some output, by
// "pkg name" (the full name, configuration included), in first-seen order.
type Samples struct {
	Names  []string
	Values map[string][]float64
	// Bad names the results left out: a time per op that is NaN, infinite,
	// zero or negative, with the file and line.
	Bad []string
	// Failed names the benchmarks the output reports as failed
	// ("--- FAIL: BenchmarkX/workers=2"), without "Benchmark".
	Failed []string
	// CPU and Preempts hold, by name, the cpu-sec/op and preempts/op runs
	// of the benchmarks that report them (package sweep).
	CPU, Preempts map[string][]float64
}

// ReadSamples reads the sec/op runs of every benchmark in go test -bench
// output. A malformed benchmark line is an error naming its file and line.
func ReadSamples(r io.Reader, name string) (*Samples, error) {
	filter, err := benchproc.NewFilter(".unit:sec/op")
	if err != nil {
		return nil, err
	}
	var p benchproc.ProjectionParser
	proj, err := p.Parse("pkg,.fullname", filter)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Samples{Values: map[string][]float64{}, Failed: failures(data), CPU: map[string][]float64{}, Preempts: map[string][]float64{}}
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
			if m, _ := filter.Match(rec); !m.Any() {
				continue
			}
			k := proj.Project(rec)
			f := proj.Fields()
			key := path.Base(k.Get(f[0])) + " " + k.Get(f[1])
			if _, ok := s.Values[key]; !ok {
				s.Names = append(s.Names, key)
			}
			s.Values[key] = append(s.Values[key], secPerOp(rec)...)
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
	if len(s.Names) == 0 && len(s.Bad) == 0 && len(s.Failed) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoResults)
	}
	return s, nil
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

// Change is one benchmark present in both runs.
type Change struct {
	Name       string
	Old, New   benchmath.Summary
	Delta      float64 // (new - old) / old, of the medians
	P          float64 // Mann-Whitney U test
	NOld, NNew int     // runs of each
	Regression bool    // slower by more than the threshold with P < alpha, and not Disturbed
	// Disturbed is a time regression that the machine, not the code, made:
	// the CPU per op did not rise beyond the threshold while the process
	// was preempted significantly more (something else wanted the CPUs).
	// Code that got slower costs more CPU per op, or waits more, which
	// raises no preemptions. Why says it in words.
	Disturbed bool
	Why       string
}

func bad(x float64) bool { return !finitePositive(x) }

// Compare compares the benchmarks present in both runs. A benchmark is a
// regression when its median time got worse by more than threshold (0.05
// for 5%), the U test rejects "same distribution" at alpha, and the new
// run's 95% confidence interval lies wholly above the old one's (so at
// least 6 runs of each are needed: fewer give no interval).
func Compare(old, new *Samples, threshold, alpha float64) []Change {
	th := benchmath.DefaultThresholds
	th.CompareAlpha = alpha
	var out []Change
	for _, name := range new.Names {
		ov, ok := old.Values[name]
		if !ok {
			continue
		}
		// ReadSamples keeps only positive finite times; Samples made by
		// hand might not, and benchmath's U test does not end on a NaN.
		ov, nv := slices.DeleteFunc(slices.Clone(ov), bad), slices.DeleteFunc(slices.Clone(new.Values[name]), bad)
		if len(ov) == 0 || len(nv) == 0 {
			continue
		}
		so, sn := benchmath.NewSample(ov, &th), benchmath.NewSample(nv, &th)
		c := Change{
			Name: name,
			Old:  benchmath.AssumeNothing.Summary(so, Confidence),
			New:  benchmath.AssumeNothing.Summary(sn, Confidence),
		}
		cmp := benchmath.AssumeNothing.Compare(so, sn)
		c.P, c.NOld, c.NNew = cmp.P, cmp.N1, cmp.N2
		c.Delta = (c.New.Center - c.Old.Center) / c.Old.Center
		// Slower by more than the threshold, by the U test, and with the
		// two confidence intervals apart: over a hundred benchmarks, the U
		// test alone at p < 0.05 calls a few of them slower in two runs of
		// the same code (seen here, two of 130 at p = 0.041).
		c.Regression = c.Delta > threshold && c.P < alpha && c.New.Lo > c.Old.Hi && !math.IsInf(c.Old.Hi, 0)
		if c.Regression {
			c.Disturbed, c.Why = disturbed(old, new, name, threshold, &th)
			c.Regression = !c.Disturbed
		}
		out = append(out, c)
	}
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

// WriteComparison writes a benchstat-like table of the changes.
func WriteComparison(w io.Writer, changes []Change, alpha float64) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\told time/op\tnew time/op\tdelta\tp\t")
	for _, c := range changes {
		delta := fmt.Sprintf("%+.2f%%", 100*c.Delta)
		if c.P >= alpha || math.IsNaN(c.P) {
			delta = "~"
		}
		mark := ""
		switch {
		case c.Regression:
			mark = "  REGRESSION"
		case c.Disturbed:
			mark = "  disturbed"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s %s\t%s\tp=%.3f n=%d+%d%s\t\n", c.Name,
			fmtSec(c.Old.Center), c.Old.PctRangeString(), fmtSec(c.New.Center), c.New.PctRangeString(),
			delta, c.P, c.NOld, c.NNew, mark)
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
