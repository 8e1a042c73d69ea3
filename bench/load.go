package bench

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
)

// sweepKeys are the sub-benchmark keys a sweep runs over, in the order they
// are looked for.
var sweepKeys = []string{"workers", "concurrency"}

// SweepKeys returns the sub-benchmark keys a sweep runs over (workers=N,
// concurrency=N), in the order they are looked for.
func SweepKeys() []string { return slices.Clone(sweepKeys) }

// Point is one worker count of a sweep.
type Point struct {
	X      int       // the worker count (or concurrency)
	Name   string    // the full benchmark name of its runs: Jobs/workers=2-2
	Values []float64 // seconds per op, one per run
	CPU    []float64 // CPU seconds per op (cpu-sec/op, from package sweep), where every run reported it
	// Metrics holds the runs' other per-op metrics by unit, as package
	// sweep reports them (others-sec/op, runq-sec/op, lockwait-sec/op,
	// gc-sec/op, schedwait-sec/op, best-sec/op, tasks/op, ...): only the
	// units every run of the point reported, each a finite number >= 0.
	Metrics map[string][]float64
}

// Sweep is one benchmark measured at several worker counts.
type Sweep struct {
	Pkg    string
	Name   string   // full name without the sweep key, e.g. "Jobs-2"
	Key    string   // workers or concurrency
	Procs  int      // GOMAXPROCS of the run (the -N suffix; none is 1)
	Cores  int      // the machine's cores (a "cores:" line, as make bench writes); 0 if unknown
	Points []Point  // ascending X
	Failed []string // sub-benchmarks of this sweep that reported --- FAIL
	// WrongProcs counts the runs left out because their gomaxprocs metric
	// differs from the GOMAXPROCS their name says (go test -cpu with
	// sub-benchmarks measures the first at the wrong setting: golang/go#49980).
	WrongProcs int
}

// Input is one benchmark output file.
type Input struct {
	Name string // for error messages
	Data []byte
}

// Data is everything read from benchmark output.
type Data struct {
	Sweeps []*Sweep
	// Bad names the results left out because their time is not a positive
	// finite number ("file:line: BenchmarkX-2: NaN sec/op").
	Bad []string
}

// checkResult returns why a result cannot be computed on ("" if it can): a
// time per op that is NaN, infinite, zero or negative (a crashed, cancelled
// or hand-edited run leaves such lines; the U test of benchmath does not
// end on a NaN).
func checkResult(r *benchfmt.Result) string {
	for _, v := range r.Values {
		// benchfmt turns ns/op into sec/op, but leaves 0 and ±Inf in ns/op.
		if (v.Unit == "sec/op" || v.Unit == "ns/op") && !finitePositive(v.Value) {
			file, line := r.Pos()
			return fmt.Sprintf("%s:%d: Benchmark%s: %v %s", file, line, r.Name.Full(), v.Value, v.Unit)
		}
	}
	return ""
}

// finitePositive reports whether x is a usable measurement.
func finitePositive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

// ErrNoResults is returned when the input holds no benchmark result.
var ErrNoResults = errors.New("no benchmark results")

// projections for one sweep key.
type keyProj struct {
	key      string
	filter   *benchproc.Filter
	row, col *benchproc.Projection
	procs    *benchproc.Projection
}

// Read parses go test -bench output and returns the sweeps in it. A
// malformed benchmark line is an error that names its file and line; a
// benchmark that failed ("--- FAIL: BenchmarkX/workers=2") is named in its
// sweep's Failed.
func Read(inputs ...Input) (*Data, error) {
	var projs []*keyProj
	for _, key := range sweepKeys {
		filter, err := benchproc.NewFilter(fmt.Sprintf("/%s:/^[0-9]+$/ .unit:sec/op", key))
		if err != nil {
			return nil, err
		}
		var p benchproc.ProjectionParser
		col, err := p.Parse("/"+key+"@num", filter)
		if err != nil {
			return nil, err
		}
		row, err := p.Parse("pkg,.fullname", filter)
		if err != nil {
			return nil, err
		}
		var mp benchproc.ProjectionParser
		procs, err := mp.Parse("/gomaxprocs", nil)
		if err != nil {
			return nil, err
		}
		projs = append(projs, &keyProj{key: key, filter: filter, row: row, col: col, procs: procs})
	}

	type colData struct {
		name    string
		values  []float64
		cpu     []float64
		metrics map[string][]float64
		runs    int
	}
	type rowData struct {
		key   *keyProj
		row   benchproc.Key
		procs int
		cols  map[benchproc.Key]*colData
		order []benchproc.Key
		wrong int
		cores int
	}
	rows := map[benchproc.Key]*rowData{}
	var rowOrder []benchproc.Key
	results := 0
	var bad []string

	var reader benchfmt.Reader
	var failed []string
	for _, in := range inputs {
		name := in.Name
		failed = append(failed, failures(in.Data)...)
		reader.Reset(bytes.NewReader(in.Data), name)
		for reader.Scan() {
			var res *benchfmt.Result
			switch rec := reader.Result().(type) {
			case *benchfmt.SyntaxError:
				return nil, rec
			case *benchfmt.Result:
				res = rec
			default:
				continue
			}
			results++
			if why := checkResult(res); why != "" {
				bad = append(bad, why)
				continue
			}
			for _, kp := range projs {
				m, err := kp.filter.Match(res)
				if err != nil || !m.Any() {
					continue
				}
				row := kp.row.Project(res)
				rd, ok := rows[row]
				if !ok {
					rd = &rowData{key: kp, row: row, cols: map[benchproc.Key]*colData{}}
					rd.procs = procsOf(kp.procs.Project(res).Get(kp.procs.Fields()[0]))
					rd.cores, _ = strconv.Atoi(res.GetConfig("cores"))
					rows[row] = rd
					rowOrder = append(rowOrder, row)
				}
				if p, ok := res.Value("gomaxprocs"); ok && p != float64(rd.procs) {
					rd.wrong++
					break
				}
				col := kp.col.Project(res)
				cd, ok := rd.cols[col]
				if !ok {
					cd = &colData{name: string(res.Name), metrics: map[string][]float64{}}
					rd.cols[col] = cd
					rd.order = append(rd.order, col)
				}
				cd.runs++
				cd.values = append(cd.values, secPerOp(res)...)
				for _, v := range res.Values {
					if v.Unit == "sec/op" || v.Unit == "ns/op" || v.Value < 0 || math.IsInf(v.Value, 0) || math.IsNaN(v.Value) {
						continue
					}
					if v.Unit == "cpu-sec/op" {
						if v.Value > 0 {
							cd.cpu = append(cd.cpu, v.Value)
						}
						continue
					}
					cd.metrics[v.Unit] = append(cd.metrics[v.Unit], v.Value)
				}
				break
			}
		}
		if err := reader.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if results == 0 {
		return nil, ErrNoResults
	}

	d := &Data{Bad: bad}
	for _, rk := range rowOrder {
		rd := rows[rk]
		kp := rd.key
		fields := kp.row.Fields()
		s := &Sweep{Pkg: rk.Get(fields[0]), Name: rk.Get(fields[1]), Key: kp.key}
		s.Procs = rd.procs
		s.Cores = rd.cores
		s.WrongProcs = rd.wrong
		for _, ck := range rd.order {
			cd := rd.cols[ck]
			x, err := strconv.Atoi(ck.Get(kp.col.Fields()[0]))
			if err != nil || len(cd.values) == 0 {
				continue
			}
			p := Point{X: x, Name: cd.name, Values: cd.values, Metrics: map[string][]float64{}}
			if len(cd.cpu) == len(p.Values) {
				p.CPU = cd.cpu
			}
			// A unit that only some runs reported would pair medians of
			// different runs: kept only where every run has it.
			for unit, vs := range cd.metrics {
				if len(vs) == cd.runs && cd.runs == len(p.Values) {
					p.Metrics[unit] = vs
				}
			}
			s.Points = append(s.Points, p)
		}
		slices.SortFunc(s.Points, func(a, b Point) int { return a.X - b.X })
		for _, f := range failed {
			if sameSweep(f, s.Name, s.Key) {
				s.Failed = append(s.Failed, f)
			}
		}
		if len(s.Points) > 0 {
			d.Sweeps = append(d.Sweeps, s)
		}
	}
	return d, nil
}

// procsOf is the GOMAXPROCS a benchmark name's suffix says: "-N", or none
// for 1 (go test leaves the suffix out at GOMAXPROCS=1).
func procsOf(suffix string) int {
	if n, err := strconv.Atoi(suffix); err == nil && n > 0 {
		return n
	}
	return 1
}

// failures returns the names of the benchmarks a go test output reports as
// failed, without the "Benchmark" prefix. benchfmt skips these lines: they
// are not results.
func failures(data []byte) []string {
	var out []string
	for line := range bytes.Lines(data) {
		if rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("--- FAIL: Benchmark")); ok {
			name, _, _ := bytes.Cut(rest, []byte(" "))
			out = append(out, string(name))
		}
	}
	return out
}

// sameSweep reports whether the failed benchmark fail ("Flaky/workers=2")
// belongs to the sweep named name ("Flaky-2") over key.
func sameSweep(fail, name, key string) bool {
	base := baseName(name)
	var parts []string
	for _, p := range strings.Split(fail, "/") {
		if !strings.HasPrefix(p, key+"=") {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/") == base
}

// secPerOp returns the result's sec/op measurements (benchfmt tidies ns/op
// into sec/op).
func secPerOp(r *benchfmt.Result) []float64 {
	var out []float64
	for _, v := range r.Values {
		if v.Unit == "sec/op" {
			out = append(out, v.Value)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
