package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"path"
	"slices"
)

// Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format):
// a JSON object of benchmarks, each an object of measures, each a metric
// with a value and, optionally, lower_value and upper_value.

// BMF limits: a measure's name or slug has at most 64 characters, a
// benchmark's name at most 1024.
const (
	bmfMaxMeasure   = 64
	bmfMaxBenchmark = 1024
)

// BMFMetric is one measure of one benchmark: the median of its runs and
// the 95% interval around it (nil where the runs give none: fewer than 6).
type BMFMetric struct {
	Value      float64  `json:"value"`
	LowerValue *float64 `json:"lower_value,omitempty"`
	UpperValue *float64 `json:"upper_value,omitempty"`
}

// BMFReport is a report in Bencher Metric Format: benchmark name -> measure ->
// metric.
type BMFReport map[string]map[string]BMFMetric

// BMFName is the name a benchmark takes in BMF: its package's last element
// and its full Go name, "qsort.BenchmarkSort/size=100-2". Where two
// packages of one output end alike, NewBMF keeps as many trailing elements
// as tell them apart ("service1/cache.BenchmarkGet").
func BMFName(pkg, fullName string) string {
	return path.Base(pkg) + ".Benchmark" + fullName
}

// BMFMeasure is the measure a unit becomes: sec/op is Bencher's built-in
// latency measure (nanoseconds); every other unit keeps its name (B/op,
// allocs/op, B/s, cpu-sec/op, a custom unit).
func BMFMeasure(unit string) (measure string, scale float64) {
	if unit == "sec/op" {
		return "latency", 1e9
	}
	return unit, 1
}

func metric(center, lo, hi, scale float64) BMFMetric {
	m := BMFMetric{Value: center * scale}
	if lo, hi := finite(lo*scale), finite(hi*scale); !math.IsNaN(lo) && !math.IsNaN(hi) {
		m.LowerValue, m.UpperValue = &lo, &hi
	}
	return m
}

// NewBMF builds the BMF of samples: every benchmark's every unit, its
// median and 95% interval; and for each point of the analysed sweeps, its
// speedup against the base and its efficiency, with their intervals. A
// value that is not finite is not written. Names too long for Bencher (a
// benchmark over 1024 characters, a unit over 64) are returned in
// leftOut, not written.
func NewBMF(s *Samples, as []*Analysis) (out BMFReport, leftOut []string) {
	out = BMFReport{}
	add := func(bench, measure string, m BMFMetric) {
		if math.IsNaN(finite(m.Value)) {
			return
		}
		if len(bench) > bmfMaxBenchmark || len(measure) > bmfMaxMeasure || bench == "" || measure == "" {
			leftOut = append(leftOut, fmt.Sprintf("%.80q %.80q: name too long for Bencher", bench, measure))
			return
		}
		if out[bench] == nil {
			out[bench] = map[string]BMFMetric{}
		}
		out[bench][measure] = m
	}
	var pkgs []string
	for _, b := range s.Benchmarks {
		pkgs = append(pkgs, b.Pkg)
	}
	for _, a := range as {
		pkgs = append(pkgs, a.Pkg)
	}
	short := shortPkgs(pkgs)
	bmfName := func(pkg, fullName string) string {
		if pkg == "" {
			return BMFName(pkg, fullName)
		}
		return short[pkg] + ".Benchmark" + fullName
	}
	for _, key := range s.Names {
		b := s.Benchmarks[key]
		for _, unit := range b.Units {
			vs := b.Values(unit)
			if len(vs) == 0 {
				continue
			}
			sum := summarize(vs, Confidence)
			measure, scale := BMFMeasure(unit)
			add(bmfName(b.Pkg, b.Name), measure, metric(sum.Center, sum.Lo, sum.Hi, scale))
		}
	}
	for _, a := range as {
		for i, r := range a.Rows {
			name := bmfName(a.Pkg, a.Points[i].Name)
			add(name, "speedup", metric(r.Speedup, r.SpeedupLo, r.SpeedupHi, 1))
			// Efficiency is the speedup over the workers' ratio to the
			// base: its interval scales with the speedup's.
			per := r.Efficiency / r.Speedup
			add(name, "efficiency", metric(r.Efficiency, r.SpeedupLo*per, r.SpeedupHi*per, 1))
		}
	}
	return out, leftOut
}

// WriteBMF writes the BMF, indented, benchmarks and measures in sorted
// order (encoding/json sorts map keys), so that two runs diff cleanly.
func WriteBMF(w io.Writer, b BMFReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// GABEntry is one entry of github-action-benchmark's custom JSON
// (customSmallerIsBetter, customBiggerIsBetter): a list of these.
type GABEntry struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
	Range string  `json:"range,omitempty"` // the 95% interval, "[lo, hi]"
}

// NewGAB is the BMF's measures of one direction for github-action-benchmark,
// which takes one direction per file: better -1 gives the measures where
// lower is better (latency, B/op, allocs/op...), +1 those where higher is
// (B/s, speedup, efficiency...). Measures with no direction (package
// sweep's evidence) are in neither. Sorted by name.
func NewGAB(b BMFReport, s *Samples, better int) []GABEntry {
	out := []GABEntry{}
	for _, bench := range slices.Sorted(maps.Keys(b)) {
		for _, measure := range slices.Sorted(maps.Keys(b[bench])) {
			unit, dir := measure, 0
			switch measure {
			case "latency":
				unit, dir = "ns/op", -1
			case "speedup", "efficiency":
				unit, dir = "x", 1
			default:
				dir = Better(s, s, measure)
			}
			if dir != better {
				continue
			}
			m := b[bench][measure]
			e := GABEntry{Name: bench + " " + measure, Unit: unit, Value: m.Value}
			if m.LowerValue != nil {
				e.Range = fmt.Sprintf("[%.4g, %.4g]", *m.LowerValue, *m.UpperValue)
			}
			out = append(out, e)
		}
	}
	return out
}

// WriteGAB writes github-action-benchmark's custom JSON, indented.
func WriteGAB(w io.Writer, entries []GABEntry) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(entries)
}
