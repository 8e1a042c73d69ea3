package testjson

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Failure is a package whose run failed for another cause than a failed
// benchmark (whose own "--- FAIL: BenchmarkX" line names it, and which a
// reader of results reports as such): it did not build, a test failed, or
// its test binary did not end well (a panic, a timeout, an exit).
type Failure struct {
	Package string // its import path, as go test's FAIL line gives it
	Why     string // "build failed", "TestX failed", "panic: ..."
	Line    int    // the line of go test's FAIL line for it
}

// String says the failure as go test's summary line would, with why:
// "FAIL example.com/m/work: build failed".
func (f Failure) String() string { return fmt.Sprintf("FAIL %s: %s", f.Package, f.Why) }

// section is what go test's text says of one package before its summary
// line.
type section struct {
	benchFailed bool     // a "--- FAIL: BenchmarkX" line
	tests       []string // tests, examples, fuzz targets failed (top level)
	panic       string   // the first "panic: " or "fatal error: " line
	exit        string   // an "exit status N" line
	killed      string   // "*** Test killed ..."
}

// Failures returns the failures of packages that go test's text output
// reports, each at its summary line ("FAIL\tpkg\t0.5s", "FAIL\tpkg [build
// failed]", "FAIL\tpkg [setup failed]"), from what the package's output
// said before it. A package whose only failures are benchmarks' is left
// out: their "--- FAIL: Benchmark" lines name them.
func Failures(text []byte) []Failure {
	var out []Failure
	var sec section
	n := 0
	for raw := range bytes.Lines(text) {
		n++
		// Only the lines that say something are made strings: a long line
		// (a sites line) is not copied.
		line := bytes.TrimRight(raw, "\r\n")
		if bytes.HasPrefix(line, []byte("Benchmark")) {
			if m := cutByCrash.FindSubmatchIndex(line); m != nil {
				line = line[m[2]:] // see DropCutNames
			}
		}
		if rest, ok := bytes.CutPrefix(line, []byte("FAIL\t")); ok {
			if f, ok := summary(clip(rest), sec); ok {
				f.Line = n
				out = append(out, f)
			}
			sec = section{}
			continue
		}
		trim := bytes.TrimLeft(line, " ")
		switch {
		case bytes.HasPrefix(line, []byte("ok  \t")), bytes.HasPrefix(line, []byte("?   \t")):
			sec = section{}
		case bytes.HasPrefix(trim, []byte("--- FAIL: Benchmark")):
			sec.benchFailed = true
		case bytes.HasPrefix(line, []byte("--- FAIL: ")):
			// A test run -count times fails once a run.
			name, _, _ := bytes.Cut(line[len("--- FAIL: "):], []byte(" "))
			if !slices.Contains(sec.tests, clip(name)) {
				sec.tests = append(sec.tests, clip(name))
			}
		case (bytes.HasPrefix(line, []byte("panic: ")) || bytes.HasPrefix(line, []byte("fatal error: "))) && sec.panic == "":
			sec.panic = clip(line)
		case bytes.HasPrefix(line, []byte("exit status ")):
			sec.exit = clip(line)
		case bytes.HasPrefix(line, []byte("*** Test killed")):
			sec.killed = clip(line)
		}
	}
	return out
}

// summary reads go test's FAIL line of a package (rest is the line after
// "FAIL\t") and says why the package failed; ok is false where its
// benchmarks' failures say it, or the line is not go test's.
func summary(rest string, sec section) (Failure, bool) {
	pkg, tail, _ := strings.Cut(rest, "\t")
	if p, bracket, found := strings.Cut(pkg, " ["); found {
		// "FAIL\tpkg [build failed]", "FAIL\tpkg [setup failed]"
		return Failure{Package: p, Why: strings.TrimSuffix(bracket, "]")}, p != ""
	}
	if pkg == "" || strings.ContainsAny(pkg, " ") || tail == "" {
		return Failure{}, false
	}
	f := Failure{Package: pkg}
	switch {
	case len(sec.tests) == 1:
		f.Why = sec.tests[0] + " failed"
	case len(sec.tests) > 1:
		f.Why = fmt.Sprintf("%d tests failed (%s, ...)", len(sec.tests), sec.tests[0])
	case sec.panic != "":
		f.Why = sec.panic
	case sec.killed != "":
		f.Why = sec.killed
	case sec.benchFailed:
		return Failure{}, false
	case sec.exit != "":
		f.Why = "the test binary failed: " + sec.exit
	default:
		f.Why = "the test binary failed"
	}
	return f, true
}

// Failures returns the failures of the stream's packages (see the
// function Failures), each at the stream line of its FAIL line; a build
// failure says the first error of the build where the stream has it.
func (s *Stream) Failures() []Failure {
	var out []Failure
	for _, p := range s.Packages {
		for _, f := range Failures(p.Output) {
			f.Line = p.Line(f.Line)
			if f.Why == "build failed" && p.FailedBuild != "" {
				// The ID is "path [path.test]" for a package's test build.
				if path, _, _ := strings.Cut(p.FailedBuild, " "); path != f.Package {
					f.Why += " (" + path + " did not build)"
				}
				if first := firstError(s.Build[p.FailedBuild]); first != "" {
					f.Why += ": " + first
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// maxSaid is how much of a line a failure says: a message, not a dump.
const maxSaid = 300

// clip is line as a string, cut to maxSaid bytes (at a character's start)
// with "..." where it was longer.
func clip(line []byte) string {
	if len(line) <= maxSaid {
		return string(line)
	}
	n := maxSaid
	for n > 0 && !utf8.RuneStart(line[n]) {
		n--
	}
	return string(line[:n]) + "..."
}

// firstError is the first line of a build's output that is not its
// "# pkg" header.
func firstError(build []byte) string {
	for line := range bytes.Lines(build) {
		if l := bytes.TrimSpace(line); len(l) > 0 && l[0] != '#' {
			return clip(l)
		}
	}
	return ""
}

// cutByCrash is a benchmark's name go test printed before the run, and
// the start of the crash that ended the run on the same line.
var cutByCrash = regexp.MustCompile(`(?m)^Benchmark[^\s]*[ ]*\t((?:panic|fatal error): )`)

// DropCutNames returns text without the benchmark names a crash cut
// short: go test -bench (without -json, which prints the name with the
// result) prints a benchmark's name before it runs, so that the "panic:"
// or "fatal error:" line of a crash follows it on its line
// ("BenchmarkX-2  \tpanic: boom"), which is no result. The name is left
// out and the crash's line kept, so that the lines keep their numbers. The
// text is returned as it is where it has none.
func DropCutNames(text []byte) []byte {
	if !cutByCrash.Match(text) {
		return text
	}
	return cutByCrash.ReplaceAll(text, []byte("$1"))
}
