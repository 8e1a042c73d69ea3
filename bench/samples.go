package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// unitSeen holds Units (a hundred thousand units took minutes).
	unitSeen map[string]bool
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
	// commitSeen holds Commits, so that a file of a hundred thousand
	// commit lines is read in linear time.
	commitSeen map[string]bool
	// Interleaved says the output comes from make bench-ab ("interleaved:
	// ab"): measured in alternation with the other side, so that a
	// difference is the code's or noise, even with one commit on both.
	Interleaved bool
	// Looks are the rounds after which the run looked at its sweeps (a
	// "looks:" configuration line, as make bench writes it; see Level).
	Looks []int
	// Sites are the sites package sweep's pass found, by benchmark (the
	// log line under its result, sweep.SitesPrefix); the first of each, a
	// later line of the same benchmark named in BadSites with the first.
	Sites map[string]*sweep.Sites
	// BadSites names, with the file and line, the sites lines left out
	// (cut short, or not JSON) and the values of the others left out: not
	// a finite number from 0 (a NaN, a negative count, 1e308), the rest of
	// their line kept.
	BadSites []string
	// Skipped says, one entry an input, the lines longer than MaxLine
	// that are neither a result nor a sites line (a log line, a test's
	// output), left unread: how many, and where the first is.
	Skipped []string
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
	looksAt, looksValue := "", ""
	sitesAt := map[string]string{} // where each of s.Sites is
	for _, in := range inputs {
		if s.Sites == nil {
			s.Sites = map[string]*sweep.Sites{}
		}
		sc, err := scan(in, s.Sites, sitesAt)
		if err != nil {
			return nil, err
		}
		for _, f := range sc.failed {
			s.Failed = append(s.Failed, f.name)
			s.failedPkgs = append(s.failedPkgs, f.pkg)
		}
		s.BadSites = append(s.BadSites, sc.badSites...)
		if sc.long > 0 {
			s.Skipped = append(s.Skipped, fmt.Sprintf("%s:%d: %d %s longer than %d bytes skipped, not a result or sites line (the first here)",
				Printable(in.Name), sc.firstLong, sc.long, map[bool]string{true: "line", false: "lines"}[sc.long == 1], MaxLine))
		}
		for _, l := range sc.looks {
			if looksAt == "" {
				s.Looks, looksAt, looksValue = l.looks, l.at, l.value
				continue
			}
			if !slices.Equal(l.looks, s.Looks) {
				return nil, fmt.Errorf("%s: looks %q differs from looks %q (%s): one run looks after one set of rounds; report the two runs apart", l.at, l.value, looksValue, looksAt)
			}
		}
		var r io.Reader = bytes.NewReader(in.Data)
		if len(sc.edits) > 0 {
			r = &editedLines{data: in.Data, edits: sc.edits}
		}
		reader.Reset(r, in.Name)
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
	if why := checkResult(rec); why != "" {
		s.Bad = append(s.Bad, why)
		return nil
	}
	c := rec.GetConfig("commit")
	key := c
	if CleanCommit(c) {
		key = strings.ToLower(c) // one commit, whatever the case of its digits
	}
	if c != "" && !s.commitSeen[key] {
		if s.commitSeen == nil {
			s.commitSeen = map[string]bool{}
		}
		s.commitSeen[key] = true
		s.Commits = append(s.Commits, c)
	}
	if rec.GetConfig("interleaved") != "" {
		s.Interleaved = true
	}
	pkg := rec.GetConfig("pkg")
	key = pkg + " " + string(rec.Name)
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
		if !b.unitSeen[v.Unit] {
			if b.unitSeen == nil {
				b.unitSeen = map[string]bool{}
			}
			b.unitSeen[v.Unit] = true
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
			return Printable(fmt.Sprintf("%s:%d: Benchmark%s: %v %s", file, line, r.Name.Full(), v.Value, v.Unit))
		}
	}
	return ""
}

// finitePositive reports whether x is a usable measurement.
func finitePositive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

// failure is a benchmark a go test output reports as failed: its package
// (the "pkg:" line before it) and its name without "Benchmark".
type failure struct{ pkg, name string }

// MaxLine is the longest line of benchmark output that is read: the
// longest bufio.Scanner takes by default (its token of 64 KiB holds the
// line, a carriage return before its newline, and the newline), and so
// benchfmt's reader and go tool benchstat.
// A longer result or sites line is an error that names it, said before
// anything of it is decoded (package sweep writes its lines shorter,
// sweep.MaxSitesLine); a longer line of another kind is left unread and
// counted (Samples.Skipped).
const MaxLine = bufio.MaxScanTokenSize - 1

// maxSiteValue bounds a sites value, seconds or bytes per op: beyond it a
// value is no measurement (a sum of twelve stays finite).
const maxSiteValue = 1e12

// scanned is what the lines of one input say besides its results, read
// before benchfmt reads them: the failures, the sites, the sites' values
// left out, and the looks lines.
type scanned struct {
	failed   []failure
	sites    map[string]*sweep.Sites // by samples key, the first of each
	badSites []string
	looks    []looksLine
	// edits are the lines benchfmt is to read otherwise than they are, in
	// order: a terminal's control sequences taken off, or a long line left
	// out. long counts the lines left out; firstLong is the first's number.
	edits     []edit
	long      int
	firstLong int
}

// edit is a line of an input that benchfmt reads as a part of it: the
// bytes [from, to) of the line [start, end) (without its newline); from ==
// to reads it as empty, keeping the lines' numbers.
type edit struct{ start, from, to, end int }

// editedLines reads data with its edits made, without copying it.
type editedLines struct {
	data  []byte
	edits []edit
	off   int    // the next byte of data to read
	part  []byte // the rest of an edited line to give
}

func (r *editedLines) Read(p []byte) (int, error) {
	for len(r.part) == 0 {
		switch {
		case len(r.edits) > 0 && r.off == r.edits[0].start:
			e := r.edits[0]
			r.edits = r.edits[1:]
			r.part, r.off = r.data[e.from:e.to], e.end
		case len(r.edits) > 0:
			r.part, r.off = r.data[r.off:r.edits[0].start], r.edits[0].start
		case r.off < len(r.data):
			r.part, r.off = r.data[r.off:], len(r.data)
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.part)
	r.part = r.part[n:]
	return n, nil
}

// termShown is line as a terminal shows it: after the last carriage
// return in it (a progress line the result overwrote: "50%\rBenchmarkX
// ..."), without the control sequences (ANSI CSI, ESC [ ... final byte)
// that color it at its start and its end; from and to bound what is
// left. A line without them is itself.
func termShown(line []byte) (from, to int) {
	to = len(line)
	if i := bytes.LastIndexByte(line, '\r'); i >= 0 && i+1 < to {
		from = i + 1
	}
	for from < to {
		n := csiLen(line[from:to])
		if n == 0 {
			break
		}
		from += n
	}
	for from < to {
		// A sequence at the end: the last ESC [ whose sequence ends the line.
		i := bytes.LastIndex(line[from:to], []byte("\x1b["))
		if i < 0 || csiLen(line[from+i:to]) != to-from-i {
			break
		}
		to = from + i
	}
	return from, to
}

// csiLen is the length of the ANSI control sequence b begins with (ESC
// [, parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, a final
// byte 0x40-0x7E: ECMA-48, 5.4), 0 if it begins with none.
func csiLen(b []byte) int {
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	i := 2
	for i < len(b) && b[i] >= 0x30 && b[i] <= 0x3f {
		i++
	}
	for i < len(b) && b[i] >= 0x20 && b[i] <= 0x2f {
		i++
	}
	if i < len(b) && b[i] >= 0x40 && b[i] <= 0x7e {
		return i + 1
	}
	return 0
}

// looksLine is a "looks:" configuration line and where it is.
type looksLine struct {
	value, at string
	looks     []int
}

// scan reads the lines of in that benchfmt does not return: "--- FAIL:"
// lines, sites lines (sweep.SitesPrefix: the "pkg:" line before each gives
// its package; one for a benchmark of have, or of an earlier line, is not
// decoded, and have gains the rest), and "looks:" configuration lines.
// Each line is read as a terminal shows it (termShown), and benchfmt reads
// it so too (edits). A result or sites line longer than MaxLine and a
// looks line that does not parse are errors naming the line; nothing of a
// longer line is decoded; another line longer than MaxLine is left out,
// counted in long. A sites line that
// does not parse is left out and named in badSites; so is what cleanSites
// leaves out of one (a NaN, a negative count of samples, 1e308), the rest
// of its line kept.
func scan(in Input, have map[string]*sweep.Sites, haveAt map[string]string) (*scanned, error) {
	out := &scanned{sites: map[string]*sweep.Sites{}}
	pkg := ""
	n, at := 0, 0
	for line := range bytes.Lines(in.Data) {
		n++
		start := at
		at += len(line)
		line = bytes.TrimSuffix(line, []byte("\n"))
		whole := len(line) // a CR before the newline counts: bufio.ScanLines drops it only after
		line = bytes.TrimSuffix(line, []byte("\r"))
		if from, to := termShown(line); from > 0 || to < len(line) {
			out.edits = append(out.edits, edit{start: start, from: start + from, to: start + to, end: start + whole})
			line = line[from:to]
		}
		if whole > MaxLine {
			t := bytes.TrimSpace(line)
			if bytes.HasPrefix(line, []byte("Benchmark")) || bytes.HasPrefix(t, []byte(sweep.SitesPrefix)) {
				return nil, fmt.Errorf("%s:%d: a line of %d bytes, longer than the %d that a line of benchmark output may be (benchfmt's and benchstat's limit)", Printable(in.Name), n, whole, MaxLine)
			}
			// Another line (a log line, a test's output): left unread.
			if out.long == 0 {
				out.firstLong = n
			}
			out.long++
			if len(out.edits) > 0 && out.edits[len(out.edits)-1].start == start {
				out.edits = out.edits[:len(out.edits)-1]
			}
			out.edits = append(out.edits, edit{start: start, from: start, to: start, end: start + whole})
			continue
		}
		if v, ok := configValue(line, "pkg"); ok {
			pkg = v
			continue
		}
		if v, ok := configValue(line, "looks"); ok {
			at := fmt.Sprintf("%s:%d", in.Name, n)
			looks, err := ParseLooks(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", at, err)
			}
			out.looks = append(out.looks, looksLine{value: v, at: at, looks: looks})
			continue
		}
		t := bytes.TrimSpace(line)
		if rest, ok := bytes.CutPrefix(t, []byte("--- FAIL: Benchmark")); ok {
			name, _, _ := bytes.Cut(rest, []byte(" "))
			out.failed = append(out.failed, failure{pkg, string(name)})
			continue
		}
		if !bytes.HasPrefix(t, []byte(sweep.SitesPrefix)) {
			continue
		}
		// Of two lines for one benchmark the first counts, and the second
		// is named with it: the name is read before the JSON, which is
		// decoded once a benchmark.
		if rest, ok := bytes.CutPrefix(t, []byte(sweep.SitesPrefix+" ")); ok {
			field, _, _ := bytes.Cut(rest, []byte(" "))
			if name, isBench := bytes.CutPrefix(field, []byte("Benchmark")); isBench {
				if _, seen := have[pkg+" "+string(name)]; seen {
					out.badSites = append(out.badSites, Printable(fmt.Sprintf("%s:%d: a second sites line of Benchmark%s (package %s): the first, %s, is kept",
						in.Name, n, shortText(string(name), 200), shortText(pkg, 200), haveAt[pkg+" "+string(name)])))
					continue
				}
			}
		}
		name, st, ok := sweep.ParseSites(string(t))
		if !ok {
			// Cut short (a run killed while writing it), or not JSON.
			out.badSites = append(out.badSites, Printable(fmt.Sprintf("%s:%d: a sites line that does not read (cut short, or not sweep's): %s", in.Name, n, shortText(string(t), 80))))
			continue
		}
		key := pkg + " " + name
		for _, why := range cleanSites(st) {
			out.badSites = append(out.badSites, Printable(fmt.Sprintf("%s:%d: sites of Benchmark%s: %s", in.Name, n, name, why)))
		}
		out.sites[key] = st
		have[key] = st
		haveAt[key] = fmt.Sprintf("%s:%d", in.Name, n)
	}
	return out, nil
}

// configValue is the value of line if it is the configuration line of key
// as benchfmt reads it ("key:", then spaces or tabs, then the value).
func configValue(line []byte, key string) (string, bool) {
	// Not CutPrefix(line, key+":"): a concatenation for each line was a
	// fifth of the time a file of empty lines took.
	rest, ok := bytes.CutPrefix(line, []byte(key))
	if ok {
		rest, ok = bytes.CutPrefix(rest, []byte(":"))
	}
	if !ok || len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return string(bytes.TrimLeft(rest, " \t")), true
}

// fmtNumber is a number as the left-out lines name it.
func fmtNumber(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// shortText is s cut to at most n bytes, on a rune boundary, with "…"
// where it was cut.
func shortText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// SameCode reports whether two runs measured one clean commit at different
// times: both name exactly one commit, the same, that looks like a
// revision (CleanCommit: no "-dirty" mark in any case, nothing around it),
// and neither was measured interleaved with the other (make bench-ab);
// a commit's hexadecimal digits are compared in either case.
// Then any difference between them is the machine's (an A/A comparison).
func SameCode(old, new *Samples) (string, bool) {
	if len(old.Commits) != 1 || len(new.Commits) != 1 || old.Interleaved || new.Interleaved {
		return "", false
	}
	c := old.Commits[0]
	// Hexadecimal is read in either case: 8A3611E is 8a3611e.
	if !strings.EqualFold(c, new.Commits[0]) || !CleanCommit(c) || !CleanCommit(new.Commits[0]) {
		return "", false
	}
	return c, true
}

// CleanCommit reports whether a "commit:" line's value names a clean
// commit: a revision as git prints it, 4 to 64 hexadecimal digits, and
// nothing else ("unknown", "abc1234-dirty", "abc1234-DIRTY" and
// "abc1234 " are not one).
func CleanCommit(c string) bool {
	if len(c) < 4 || len(c) > 64 {
		return false
	}
	for i := 0; i < len(c); i++ {
		switch x := c[i]; {
		case '0' <= x && x <= '9', 'a' <= x && x <= 'f', 'A' <= x && x <= 'F':
		default:
			return false
		}
	}
	return true
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
