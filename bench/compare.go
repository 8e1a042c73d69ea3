package bench

import (
	"fmt"
	"io"
	"math"
	"path"
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
	s := &Samples{Values: map[string][]float64{}}
	reader := benchfmt.NewReader(r, name)
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
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
		}
	}
	if err := reader.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(s.Names) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoResults)
	}
	return s, nil
}

// Change is one benchmark present in both runs.
type Change struct {
	Name       string
	Old, New   benchmath.Summary
	Delta      float64 // (new - old) / old, of the medians
	P          float64 // Mann-Whitney U test
	NOld, NNew int     // runs of each
	Regression bool    // slower by more than the threshold with P < alpha
}

// Compare compares the benchmarks present in both runs. A benchmark is a
// regression when its median time got worse by more than threshold (0.05
// for 5%) and the U test rejects "same distribution" at alpha.
func Compare(old, new *Samples, threshold, alpha float64) []Change {
	th := benchmath.DefaultThresholds
	th.CompareAlpha = alpha
	var out []Change
	for _, name := range new.Names {
		ov, ok := old.Values[name]
		if !ok {
			continue
		}
		so, sn := benchmath.NewSample(ov, &th), benchmath.NewSample(new.Values[name], &th)
		c := Change{
			Name: name,
			Old:  benchmath.AssumeNothing.Summary(so, Confidence),
			New:  benchmath.AssumeNothing.Summary(sn, Confidence),
		}
		cmp := benchmath.AssumeNothing.Compare(so, sn)
		c.P, c.NOld, c.NNew = cmp.P, cmp.N1, cmp.N2
		c.Delta = (c.New.Center - c.Old.Center) / c.Old.Center
		c.Regression = c.Delta > threshold && c.P < alpha
		out = append(out, c)
	}
	return out
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
		if c.Regression {
			mark = "  REGRESSION"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s %s\t%s\tp=%.3f n=%d+%d%s\t\n", c.Name,
			fmtSec(c.Old.Center), c.Old.PctRangeString(), fmtSec(c.New.Center), c.New.PctRangeString(),
			delta, c.P, c.NOld, c.NNew, mark)
	}
	return tw.Flush()
}

// ParseThreshold parses "5%" or "0.05".
func ParseThreshold(s string) (float64, error) {
	v := strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(v, "%") {
		v, scale = strings.TrimSuffix(v, "%"), 0.01
	}
	var f float64
	if _, err := fmt.Sscanf(v, "%g", &f); err != nil || f < 0 || math.IsNaN(f) {
		return 0, fmt.Errorf("threshold %q: want a percentage like 5%% or a fraction like 0.05", s)
	}
	return f * scale, nil
}
