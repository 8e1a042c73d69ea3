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

	"github.com/futuresbench/futures/sweep"
)

// Input is one benchmark output file.
type Input struct {
	Name string // for error messages
	Data []byte
}

// Run is one result line of a benchmark: its value of each unit it
// reported, as benchfmt tidies them (ns/op is sec/op, MB/s is B/s). Every
// value is a finite number.
type Run map[string]float64

// Benchmark is every run of one benchmark.
type Benchmark struct {
	Pkg   string   // its package, as the "pkg:" line gives it
	Name  string   // its full name: "Jobs/workers=2-2"
	Units []string // the units of its runs, in first-seen order
	Runs  []Run
	// Cores is the machine's cores, from the "cores:" configuration line
	// (make bench writes it) of its first run; 0 where none says.
	Cores int
}

// Values returns the value of unit in each run that reported it, in order.
func (b *Benchmark) Values(unit string) []float64 {
	var out []float64
	for _, r := range b.Runs {
		if v, ok := r[unit]; ok {
			out = append(out, v)
		}
	}
	return out
}

// Samples are the runs of every benchmark of some outputs, read once: the
// report derives its sweeps from them, the gate compares two of them.
type Samples struct {
	// Names are the benchmarks by "PKG NAME" (the package's whole import
	// path, as its "pkg:" line gives it, and the benchmark's full name):
	// two packages that end alike (service1/cache, service2/cache) are two
	// keys; in first-seen order. Benchmarks holds each. Labels says how a
	// key is shown.
	Names      []string
	Benchmarks map[string]*Benchmark
	// Meta is the unit metadata the output declares ("Unit widgets/s
	// better=higher", golang/go#43744).
	Meta benchfmt.UnitMetadataMap
	// Bad names the results left out: a time per op that is NaN, infinite,
	// zero or negative, with the file and line.
	Bad []string
	// Failed names the benchmarks the output reports as failed
	// ("--- FAIL: BenchmarkX/workers=2"), without "Benchmark".
	Failed []string
	// failedPkgs are the packages of Failed, one each ("" where no "pkg:"
	// line came before).
	failedPkgs []string
	// Commits are the distinct values of the "commit:" configuration line
	// (make bench writes it; "-dirty" marks uncommitted changes), in
	// first-seen order; empty where the output has none.
	Commits []string
	// Interleaved says the output comes from make bench-ab ("interleaved:
	// ab"): measured in alternation with the other side, so that a
	// difference is the code's or noise, even with one commit on both.
	Interleaved bool
	// Looks are the rounds after which the run looked at its sweeps (a
	// "looks:" configuration line, as make bench writes it; see Level).
	Looks []int
	// Sites are the sites package sweep's pass found, by benchmark (the
	// log line under its result, sweep.SitesPrefix); the first of each.
	Sites map[string]*sweep.Sites
}

// Values returns the runs of one unit of the benchmark named name (nil if
// there is none).
func (s *Samples) Values(name, unit string) []float64 {
	if b := s.Benchmarks[name]; b != nil {
		return b.Values(unit)
	}
	return nil
}

// ErrNoResults is returned when the input holds no benchmark result.
var ErrNoResults = errors.New("no benchmark results")

// Read parses go test -bench output, one or more files as if one. A
// malformed benchmark line is an error that names its file and line; a
// result whose time is not a positive finite number is left out and named
// in Bad; a benchmark that failed is named in Failed. An input with no
// result and no failure is ErrNoResults.
func Read(inputs ...Input) (*Samples, error) {
	s := &Samples{Benchmarks: map[string]*Benchmark{}, Meta: benchfmt.UnitMetadataMap{}}
	var reader benchfmt.Reader
	for _, in := range inputs {
		for _, f := range failures(in.Data) {
			s.Failed = append(s.Failed, f.name)
			s.failedPkgs = append(s.failedPkgs, f.pkg)
		}
		for key, st := range sitesOf(in.Data) {
			if s.Sites == nil {
				s.Sites = map[string]*sweep.Sites{}
			}
			if _, ok := s.Sites[key]; !ok {
				s.Sites[key] = st
			}
		}
		reader.Reset(bytes.NewReader(in.Data), in.Name)
		for reader.Scan() {
			switch rec := reader.Result().(type) {
			case *benchfmt.SyntaxError:
				return nil, rec
			case *benchfmt.Result:
				if err := s.add(rec); err != nil {
					return nil, err
				}
			}
		}
		if err := reader.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		for k, v := range reader.Units() {
			if _, ok := s.Meta[k]; !ok {
				s.Meta[k] = v
			}
		}
	}
	if len(s.Names) == 0 && len(s.Bad) == 0 && len(s.Failed) == 0 {
		if len(inputs) == 1 {
			return nil, fmt.Errorf("%s: %w", inputs[0].Name, ErrNoResults)
		}
		return nil, ErrNoResults
	}
	return s, nil
}

func (s *Samples) add(rec *benchfmt.Result) error {
	if l := rec.GetConfig("looks"); l != "" && s.Looks == nil {
		looks, err := ParseLooks(l)
		if err != nil {
			file, line := rec.Pos()
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
		s.Looks = looks
	}
	if why := checkResult(rec); why != "" {
		s.Bad = append(s.Bad, why)
		return nil
	}
	if c := rec.GetConfig("commit"); c != "" && !slices.Contains(s.Commits, c) {
		s.Commits = append(s.Commits, c)
	}
	if rec.GetConfig("interleaved") != "" {
		s.Interleaved = true
	}
	pkg := rec.GetConfig("pkg")
	key := pkg + " " + string(rec.Name)
	b := s.Benchmarks[key]
	if b == nil {
		b = &Benchmark{Pkg: pkg, Name: string(rec.Name)}
		b.Cores, _ = strconv.Atoi(rec.GetConfig("cores"))
		s.Benchmarks[key] = b
		s.Names = append(s.Names, key)
	}
	run := Run{}
	for _, v := range rec.Values {
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			continue
		}
		if _, ok := run[v.Unit]; ok {
			continue // a unit given twice on one line: the first counts
		}
		if !slices.Contains(b.Units, v.Unit) {
			b.Units = append(b.Units, v.Unit)
		}
		run[v.Unit] = v.Value
	}
	b.Runs = append(b.Runs, run)
	return nil
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

// failure is a benchmark a go test output reports as failed: its package
// (the "pkg:" line before it) and its name without "Benchmark".
type failure struct{ pkg, name string }

// failures returns the benchmarks a go test output reports as failed.
// benchfmt skips these lines: they are not results.
func failures(data []byte) []failure {
	var out []failure
	pkg := ""
	for line := range bytes.Lines(data) {
		t := bytes.TrimSpace(line)
		if p, ok := bytes.CutPrefix(t, []byte("pkg: ")); ok {
			pkg = string(p)
			continue
		}
		if rest, ok := bytes.CutPrefix(t, []byte("--- FAIL: Benchmark")); ok {
			name, _, _ := bytes.Cut(rest, []byte(" "))
			out = append(out, failure{pkg, string(name)})
		}
	}
	return out
}

// sitesOf reads the sites lines (sweep.SitesPrefix) of an output, by
// samples key: the "pkg:" line before each gives its package. A line that
// does not parse is left out; of two for one benchmark, the first counts.
func sitesOf(data []byte) map[string]*sweep.Sites {
	out := map[string]*sweep.Sites{}
	pkg := ""
	for line := range bytes.Lines(data) {
		t := string(bytes.TrimSpace(line))
		if p, ok := strings.CutPrefix(t, "pkg: "); ok {
			pkg = p
			continue
		}
		if name, st, ok := sweep.ParseSites(t); ok {
			key := pkg + " " + name
			if _, seen := out[key]; !seen {
				out[key] = st
			}
		}
	}
	return out
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
