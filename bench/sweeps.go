package bench

import (
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/futuresbench/futures/sweep"
)

// SweepKeys returns the sub-benchmark keys a sweep runs over (workers=N,
// concurrency=N), in the order they are looked for.
func SweepKeys() []string { return slices.Clone(sweepKeys) }

var sweepKeys = []string{"workers", "concurrency"}

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
	// Sites are where its time went, from package sweep's sites pass (nil
	// where the output carries none).
	Sites *sweep.Sites
}

// Sweep is one benchmark measured at several worker counts.
type Sweep struct {
	Pkg string // the package's whole import path
	// PkgShort is the package as the report shows it: its last element,
	// or where another package of the samples ends alike, as many
	// trailing elements as tell the two apart.
	PkgShort string
	Name     string   // full name without the sweep key, e.g. "Jobs-2"
	Key      string   // workers or concurrency
	Procs    int      // GOMAXPROCS of the run (the -N suffix; none is 1)
	Cores    int      // the machine's cores (a "cores:" line, as make bench writes); 0 if unknown
	Points   []Point  // ascending X
	Failed   []string // sub-benchmarks of this sweep that reported --- FAIL
	// WrongProcs counts the runs left out because their gomaxprocs metric
	// differs from the GOMAXPROCS their name says (go test -cpu with
	// sub-benchmarks measures the first at the wrong setting: golang/go#49980).
	WrongProcs int
}

// sweepName splits a benchmark's full name into the sweep it belongs to
// and its place in it: "Jobs/workers=2-2" is the sweep "Jobs-2" over
// workers at 2, at GOMAXPROCS 2 (a name without the -N suffix ran at 1).
func sweepName(full string) (name, key string, x, procs int, ok bool) {
	base, parts := benchfmt.Name(full).Parts()
	procs = 1
	at := -1
	// The last element of the key counts: a sweep run inside
	// b.Run("workers=9") is named X/workers=9/workers=2.
	for _, k := range sweepKeys {
		for i, p := range slices.Backward(parts) {
			v, found := strings.CutPrefix(string(p), "/"+k+"=")
			if n, err := strconv.Atoi(v); found && err == nil && v != "" && strings.Trim(v, "0123456789") == "" {
				key, x, at = k, n, i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	var b strings.Builder
	b.Write(base)
	for i, p := range parts {
		if s, ok := strings.CutPrefix(string(p), "-"); ok {
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				procs = n
			}
		}
		if i != at {
			b.Write(p)
		}
	}
	return b.String(), key, x, procs, at >= 0
}

// Sweeps derives the sweeps of the samples: every benchmark whose name
// carries workers=N or concurrency=N and that reported a time, grouped by
// the rest of its name, in first-seen order. A run measured at another
// GOMAXPROCS than its name says is left out and counted.
func (s *Samples) Sweeps() []*Sweep {
	type id struct{ pkg, name, key string }
	byID := map[id]*Sweep{}
	at := map[*Sweep]map[int]int{} // a sweep's points by X
	// The failures by the sweep they belong to (failedSweep), a package
	// of "" standing for any: each sweep looks its own up, in linear time
	// (fifty thousand failures against as many sweeps took minutes).
	failed := map[id][]string{}
	for i, f := range s.Failed {
		pkg := ""
		if i < len(s.failedPkgs) {
			pkg = s.failedPkgs[i]
		}
		for _, k := range sweepKeys {
			if base, ok := failedSweep(f, k); ok {
				failed[id{pkg, base, k}] = append(failed[id{pkg, base, k}], f)
			}
		}
	}
	var out []*Sweep
	for _, key := range s.Names {
		bm := s.Benchmarks[key]
		name, k, x, procs, ok := sweepName(bm.Name)
		if !ok || len(bm.Values("sec/op")) == 0 {
			continue
		}
		sw := byID[id{bm.Pkg, name, k}]
		if sw == nil {
			sw = &Sweep{Pkg: bm.Pkg, Name: name, Key: k, Procs: procs, Cores: bm.Cores}
			byID[id{bm.Pkg, name, k}] = sw
			out = append(out, sw)
			sw.Failed = append(sw.Failed, failed[id{bm.Pkg, baseName(name), k}]...)
			if bm.Pkg != "" {
				sw.Failed = append(sw.Failed, failed[id{"", baseName(name), k}]...)
			}
			at[sw] = map[int]int{}
		}
		var runs []Run
		for _, r := range bm.Runs {
			if _, timed := r["sec/op"]; !timed {
				continue
			}
			if p, ok := r[sweep.UnitProcs]; ok && p != float64(procs) {
				sw.WrongProcs++
				continue
			}
			runs = append(runs, r)
		}
		if len(runs) == 0 {
			continue
		}
		i, seen := at[sw][x]
		if !seen {
			sw.Points = append(sw.Points, Point{X: x, Name: bm.Name, Metrics: map[string][]float64{}})
			i = len(sw.Points) - 1
			at[sw][x] = i
		}
		sw.Points[i] = addRuns(sw.Points[i], runs)
		if st := s.Sites[key]; st != nil && sw.Points[i].Sites == nil {
			sw.Points[i].Sites = st
		}
	}
	out = slices.DeleteFunc(out, func(sw *Sweep) bool { return len(sw.Points) == 0 })
	var pkgs []string
	for _, sw := range out {
		pkgs = append(pkgs, sw.Pkg)
	}
	short := shortPkgs(pkgs)
	for _, sw := range out {
		slices.SortFunc(sw.Points, func(a, b Point) int { return a.X - b.X })
		sw.PkgShort = short[sw.Pkg]
	}
	return out
}

// addRuns adds runs to a point: their times, their CPU time where every
// run of the point has a positive one, and each other unit that every run
// reported as a number >= 0 (a unit that only some runs reported would
// pair medians of different runs).
func addRuns(p Point, runs []Run) Point {
	all := len(p.Values) + len(runs)
	for _, r := range runs {
		p.Values = append(p.Values, r["sec/op"])
	}
	cpu := slices.Clone(p.CPU)
	for _, r := range runs {
		if v, ok := r[sweep.UnitCPU]; ok && v > 0 {
			cpu = append(cpu, v)
		}
	}
	p.CPU = nil
	if len(cpu) == all {
		p.CPU = cpu
	}
	units := map[string][]float64{}
	for _, r := range runs {
		for unit, v := range r {
			if unit != "sec/op" && unit != sweep.UnitCPU && v >= 0 {
				units[unit] = append(units[unit], v)
			}
		}
	}
	metrics := map[string][]float64{}
	for unit, vs := range units {
		prev := p.Metrics[unit]
		if len(prev)+len(vs) == all {
			metrics[unit] = append(slices.Clone(prev), vs...)
		}
	}
	p.Metrics = metrics
	return p
}

// failedSweep is the sweep a failed benchmark ("Flaky/workers=2") belongs
// to over key, by the sweep's name without its -N suffix ("Flaky" of
// "Flaky-2"): fail without its last key=N element. ok is false where fail
// has none.
func failedSweep(fail, key string) (base string, ok bool) {
	parts := strings.Split(fail, "/")
	for i, p := range slices.Backward(parts) {
		if v, found := strings.CutPrefix(p, key+"="); found && v != "" && strings.Trim(v, "0123456789") == "" {
			return strings.Join(slices.Delete(parts, i, i+1), "/"), true
		}
	}
	return "", false
}
