package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

const streams = "testdata/json/"

// twins are recorded `go test -json` runs of this repository's sweeps, each
// with the text its test binaries printed in the same run (see
// testdata/README.md).
var twins = []string{"sweeps_p1", "sweeps_p2", "sweeps_interleaved"}

func gunzip(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

// samples reads one input as the command does.
func samples(t *testing.T, path string) *bench.Samples {
	t.Helper()
	in, err := readInput(t.Context(), path, nil)
	require.NoError(t, err)
	s, err := readSamples(io.Discard, in)
	require.NoError(t, err)
	return s
}

// TestStreamTwins: a recorded go test -json run reads to the model its
// text twin reads to: every result, the configuration lines, the sites
// lines (split by test2json in pieces of 1 KiB), in the same order.
func TestStreamTwins(t *testing.T) {
	for _, name := range twins {
		t.Run(name, func(t *testing.T) {
			stream := gunzip(t, streams+name+".json.gz")
			var parts, longest int
			pkgs := map[string]bool{}
			var order []string
			for line := range bytes.Lines(stream) {
				var e struct{ Action, Package, Output string }
				require.NoError(t, json.Unmarshal(line, &e))
				if e.Action != "output" {
					continue
				}
				if !strings.HasSuffix(e.Output, "\n") {
					parts++
				}
				longest = max(longest, len(e.Output))
				if len(order) == 0 || order[len(order)-1] != e.Package {
					order = append(order, e.Package)
				}
				pkgs[e.Package] = true
			}
			require.Positive(t, parts, "lines in pieces")
			require.Equal(t, 1024, longest, "test2json's output buffer split a line")
			if name == "sweeps_interleaved" {
				require.Greater(t, len(order), 4, "the packages' events interleave: %v", order)
			}
			require.Len(t, pkgs, 2)

			text, js := samples(t, streams+name+".txt.gz"), samples(t, streams+name+".json.gz")
			assert.Equal(t, text, js)
			assert.Len(t, js.Names, 8, "sha and arcfour at 1 to 4 workers")
			assert.Len(t, js.Sites, 8, "a sites line for each point")
			for _, key := range js.Names {
				assert.Len(t, js.Benchmarks[key].Runs, 6, key)
				assert.NotNil(t, js.Sites[key], "the sites of %s", key)
			}
		})
	}
}

// TestStreamGolden: the report from the JSON is the report from the text,
// in every format, gzipped or not.
func TestStreamGolden(t *testing.T) {
	dir := t.TempDir()
	for _, name := range twins {
		plain := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(plain, gunzip(t, streams+name+".json.gz"), 0o644))
		for _, format := range []string{"text", "markdown", "csv", "json", "html", "bmf", "gab-smaller"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				want, wantErr, code := runCmd(t, "", "-format", format, streams+name+".txt.gz")
				require.Equal(t, 0, code, wantErr)
				for _, in := range []string{streams + name + ".json.gz", plain} {
					got, gotErr, code := runCmd(t, "", "-format", format, in)
					require.Equal(t, 0, code, gotErr)
					assert.Equal(t, want, got, in)
					assert.Equal(t, wantErr, gotErr, in)
				}
				if format == "text" {
					assert.Contains(t, want, "arcfour: Jobs-2")
					assert.Contains(t, want, "sha: Jobs-2")
				}
			})
		}
	}
}

// test2jsonFile converts a text file (gzipped or not) with the real
// converter, go tool test2json, into a stream in dir; gzipped too if zip.
// finalEvent is the event that ends a package's stream.
var finalEvent = regexp.MustCompile(`"Action":"(pass|fail|skip)","Package":"[^"]*"(,"Elapsed":[^,}]*)?}`)

func test2jsonFile(t testing.TB, dir, path string, zip bool) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command here")
	}
	text, err := os.ReadFile(path)
	require.NoError(t, err)
	if strings.HasSuffix(path, ".gz") {
		text = gunzip(t, path)
	}
	cmd := exec.Command(goBin, "tool", "test2json", "-t", "-p", "github.com/futuresbench/futures")
	cmd.Stdin = bytes.NewReader(text)
	stream, err := cmd.Output()
	require.NoError(t, err)
	if !finalEvent.Match(stream) {
		// A text without go test's last line (PASS, FAIL) makes a stream
		// without the package's final event: as if the run were cut short.
		// The fixtures are whole runs: end them as go test does.
		cmd = exec.Command(goBin, "tool", "test2json", "-t", "-p", "github.com/futuresbench/futures")
		cmd.Stdin = io.MultiReader(bytes.NewReader(text), strings.NewReader("PASS\n"))
		stream, err = cmd.Output()
		require.NoError(t, err)
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".gz")+".json")
	if zip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, err = zw.Write(stream)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		stream, out = buf.Bytes(), out+".gz"
	}
	require.NoError(t, os.WriteFile(out, stream, 0o644))
	return out
}

// TestStreamConverted: whole runs as go tool test2json writes them give
// the report and the gate their text gives: a default make bench run (its
// commit:, looks: and cores: lines, the canary, every suite), and the
// limit workloads quiet, whose report names the sites of each limit (from
// sites lines test2json splits in pieces of 1 KiB).
func TestStreamConverted(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		text    string
		zip     bool // the stream gzipped
		formats []string
		check   func(t *testing.T, s *bench.Samples, report string)
	}{
		{real + "real_make_bench_looks.txt.gz", true, []string{"text"}, func(t *testing.T, s *bench.Samples, _ string) {
			assert.Equal(t, []string{"8a3611e"}, s.Commits)
			assert.Equal(t, []int{6, 12, 20}, s.Looks)
		}},
		{"../../testdata/limits/quiet.txt", false, []string{"text", "json"}, func(t *testing.T, s *bench.Samples, report string) {
			assert.Len(t, s.Sites, 44, "11 sweeps of 4 points")
			assert.Contains(t, report, "where: the mutex profile at workers=2 charges")
			assert.Contains(t, report, "in sleep at limits_test.BenchmarkWait.func1.1 (bench_test.go:86) → limits_test.callRemote")
		}},
	}
	for _, tt := range tests {
		stream := test2jsonFile(t, dir, tt.text, tt.zip)
		t.Run(filepath.Base(stream), func(t *testing.T) {
			s := samples(t, stream)
			assert.Equal(t, samples(t, tt.text), s)
			for _, format := range tt.formats {
				want, _, code := runCmd(t, "", "-format", format, tt.text)
				require.Equal(t, 0, code)
				got, stderr, code := runCmd(t, "", "-format", format, stream)
				assert.Equal(t, 0, code, stderr)
				assert.Equal(t, want, got)
				if format == "text" {
					tt.check(t, s, got)
				}
			}

			want, wantErr, wantCode := runCmd(t, "", "compare", tt.text, tt.text)
			got, gotErr, code := runCmd(t, "", "compare", tt.text, stream)
			assert.Equal(t, wantCode, code)
			assert.Equal(t, want, got)
			assert.Equal(t, wantErr, gotErr)
		})
	}
}

// TestStreamHostile: a damaged stream is an input error that names its
// line (exit 2, one line), never a crash.
func TestStreamHostile(t *testing.T) {
	dir := t.TempDir()
	p1 := gunzip(t, streams+"sweeps_p1.json.gz")
	lines := bytes.SplitAfter(p1, []byte("\n"))
	// the line of the first sites line's last piece
	sitesAt := 0
	for i, l := range lines {
		if bytes.Contains(l, []byte(`sweep-sites: BenchmarkJobs/workers=1-2`)) {
			sitesAt = i + 1
			break
		}
	}
	require.Positive(t, sitesAt)
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		return path
	}
	join := func(ls ...[]byte) []byte { return bytes.Join(ls, nil) }
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(p1)
	require.NoError(t, zw.Close())
	tests := []struct {
		name string
		path string
		msg  string
	}{
		{"cut short", write("cut.json", p1[:len(p1)-40]), fmt.Sprintf("cut.json:%d: not a go test -json event: cut short", len(lines)-1)},
		{"a line of bad JSON", write("bad.json", join(join(lines[:10]...), []byte("{\"Action\":\"output\",\"Output\":\"x\\n\"\n"), join(lines[10:]...))), "bad.json:11: not a go test -json event"},
		{
			"a sites line whose JSON was not escaped",
			write("sites.json", join(join(lines[:sitesAt-1]...),
				[]byte(`{"Action":"output","Package":"github.com/futuresbench/futures/sha","Output":"    sweep-sites: BenchmarkJobs/workers=1-2 {"ops":10}\n"}`+"\n"),
				join(lines[sitesAt:]...))),
			fmt.Sprintf("sites.json:%d: not a go test -json event: invalid character 'o' after object key:value pair", sitesAt),
		},
		{"an object that is no event", write("noevent.json", join(join(lines[:5]...), []byte("{\"ops\":10}\n"), join(lines[5:]...))), "noevent.json:6: not a go test -json event: no Action"},
		{"gzip cut short", write("cut.json.gz", zipped.Bytes()[:zipped.Len()/2]), "cut.json.gz: gzip: unexpected EOF"},
		{"gzip's magic bytes, no gzip", write("magic.txt", []byte("\x1f\x8b\x08garbage")), "magic.txt: gzip: "},
		{"gzipped twice", write("twice.json.gz", gzipped(t, zipped.Bytes())), "twice.json.gz: gzip-compressed: benchreport reads text, go test -json and gzip; decompress it first"},
		{"zstd", write("out.json.zst", []byte("\x28\xb5\x2f\xfd\x24\x00")), "out.json.zst: zstd-compressed"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{tt.path}, {"compare", streams + "sweeps_p1.txt.gz", tt.path}} {
			t.Run(tt.name+"/"+args[0], func(t *testing.T) {
				stdout, stderr, code := runCmd(t, "", args...)
				assert.Equal(t, 2, code)
				assert.Empty(t, stdout)
				assert.Contains(t, stderr, tt.msg)
				assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
			})
		}
	}
}

// TestStreamSitesBadJSON: a well-formed event whose sites line holds bad
// JSON is read as that line is in the text: left out, the rest reported.
func TestStreamSitesBadJSON(t *testing.T) {
	dir := t.TempDir()
	var text, stream bytes.Buffer
	for _, f := range []struct {
		out  *bytes.Buffer
		path string
	}{{&text, streams + "sweeps_p1.txt.gz"}, {&stream, streams + "sweeps_p1.json.gz"}} {
		// the first sites line's JSON loses its "ops" (in the stream the
		// first piece of the line holds it)
		b := bytes.Replace(gunzip(t, f.path), []byte(`workers=1-2 {\"ops\":`), []byte(`workers=1-2 {\"ops\":{`), 1)
		b = bytes.Replace(b, []byte(`workers=1-2 {"ops":`), []byte(`workers=1-2 {"ops":{`), 1)
		f.out.Write(b)
	}
	tp, sp := filepath.Join(dir, "t.txt"), filepath.Join(dir, "s.json")
	require.NoError(t, os.WriteFile(tp, text.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(sp, stream.Bytes(), 0o644))
	ts, ss := samples(t, tp), samples(t, sp)
	// The line is named in each at its own line: the stream's is the
	// event that ends it (the one after the first piece to end in \n).
	first, ends := 0, 0
	for n, line := range strings.Split(stream.String(), "\n") {
		if strings.Contains(line, `workers=1-2 {\"ops\":{`) {
			first = n + 1
		}
		if first > 0 && ends == 0 && strings.HasSuffix(line, `\n"}`) {
			ends = n + 1
		}
	}
	require.Greater(t, ends, first, "the sites line in pieces")
	require.Len(t, ss.BadSites, 1)
	require.Len(t, ts.BadSites, 1)
	assert.True(t, strings.HasPrefix(ss.BadSites[0], fmt.Sprintf("%s:%d: a sites line that does not read", sp, ends)), ss.BadSites[0])
	assert.Equal(t, strings.SplitN(ts.BadSites[0], ": ", 2)[1], strings.SplitN(ss.BadSites[0], ": ", 2)[1])
	ts.BadSites, ss.BadSites = nil, nil
	assert.Equal(t, ts, ss)
	assert.Len(t, ss.Sites, 7, "one sites line left out")
	want, _, _ := runCmd(t, "", tp)
	got, stderr, code := runCmd(t, "", sp)
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, want, got)
}

// TestStreamNotJSON: lines that are not JSON (2>&1) are skipped and
// counted in a note; a bad value is named at the stream's line that holds
// it.
func TestStreamNotJSON(t *testing.T) {
	dir := t.TempDir()
	stream, err := os.ReadFile(test2jsonFile(t, dir, hostile+"nan.txt", false))
	require.NoError(t, err)
	mixed := append([]byte("go: downloading golang.org/x/perf v0.0.0-20250813145418-2f7363a06fe1\ngo: downloading github.com/google/pprof v0.0.0\n"), stream...)
	path := filepath.Join(dir, "mixed.json")
	require.NoError(t, os.WriteFile(path, mixed, 0o644))
	nanAt := 0
	sc := bufio.NewScanner(bytes.NewReader(mixed))
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "NaN ns/op") {
			nanAt = n
		}
	}
	require.Positive(t, nanAt)

	stdout, stderr, code := runCmd(t, "", "-format", "csv", path)
	assert.Equal(t, 0, code, stderr)
	assert.NotEmpty(t, stdout)
	assert.Contains(t, stderr, `benchreport: note: `+path+`: 2 lines not JSON skipped (the first, line 1: "go: downloading golang.org/x/perf`)
	assert.Contains(t, stderr, fmt.Sprintf("%s:%d: BenchmarkJobs/workers=2-2: NaN sec/op", path, nanAt))

	_, stderr, code = runCmd(t, "", "compare", real+"cpu.txt", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, fmt.Sprintf("bad value in NEW (not a positive, finite time per op): %s:%d: BenchmarkJobs/workers=2-2: NaN sec/op", path, nanAt))
}

// TestStreamFailures: real runs of a scratch module where a package did
// not build, a test failed and a benchmark panicked: the stream reports
// them as its text does, at the top of the report, and they fail compare's
// NEW.
func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name string
		want []string // in the report's first lines
	}{
		{"failures_build_test", []string{
			"FAIL example.com/m/benchpanic: build failed",
			"FAIL example.com/m/broken: build failed",
			"FAIL example.com/m/testfail: TestWrong failed",
		}},
		{"failures_panic", []string{
			"FAIL example.com/m/benchpanic: panic: boom",
			"FAIL example.com/m/testfail: TestWrong failed",
		}},
	}
	for _, tt := range tests {
		for _, ext := range []string{".txt", ".json"} {
			path := streams + tt.name + ext
			t.Run(tt.name+ext, func(t *testing.T) {
				stdout, stderr, code := runCmd(t, "", path)
				require.Equal(t, 0, code, stderr)
				for _, w := range tt.want {
					assert.Contains(t, stdout, w)
				}
				assert.Contains(t, stdout, "good: Work-2", "the results that are there are reported")
				if ext == ".json" && tt.name == "failures_build_test" {
					assert.Contains(t, stdout, "FAIL example.com/m/broken: build failed: broken/broken.go:3:23: undefined: undefinedName", "the stream has the build's errors")
				}

				_, stderr, code = runCmd(t, "", "-format", "json", path)
				assert.Equal(t, 0, code)
				for _, w := range tt.want {
					assert.Contains(t, stderr, "benchreport: "+w)
				}

				_, stderr, code = runCmd(t, "", "compare", path, path)
				assert.Equal(t, 1, code, stderr)
				for _, w := range tt.want {
					assert.Contains(t, stderr, "benchreport: failed in NEW: "+w)
					assert.Contains(t, stderr, "benchreport: note: failed in OLD: "+w)
				}
			})
		}
	}
}

// TestStreamOnlyFailures: a stream with no result, only a package that did
// not build, says so: the run failed (exit 1), not "no benchmark results"
// alone.
func TestStreamOnlyFailures(t *testing.T) {
	b, err := os.ReadFile(streams + "failures_build_test.json")
	require.NoError(t, err)
	var keep []byte
	for line := range bytes.Lines(b) {
		if !bytes.Contains(line, []byte(`"Package":"example.com/m/good"`)) && !bytes.Contains(line, []byte(`"Package":"example.com/m/testfail"`)) {
			keep = append(keep, line...)
		}
	}
	path := filepath.Join(t.TempDir(), "broken.json")
	require.NoError(t, os.WriteFile(path, keep, 0o644))
	for _, args := range [][]string{{path}, {"compare", streams + "failures_build_test.json", path}} {
		stdout, stderr, code := runCmd(t, "", args...)
		assert.Equal(t, 1, code, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, path+": no benchmark results: the run failed: FAIL example.com/m/benchpanic: build failed (example.com/m/broken did not build): broken/broken.go:3:23: undefined: undefinedName; FAIL example.com/m/broken: build failed")
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	}
}

// TestNoSweepFailed: results but no sweep, beside a package that did not
// build (the sweep's, it may be), say the failure first: exit 1.
func TestNoSweepFailed(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "plain.txt")
	require.NoError(t, os.WriteFile(text, []byte("pkg: example.com/m/plain\nBenchmarkPlain-2 \t1\t5 ns/op\nPASS\nok  \texample.com/m/plain\t0.1s\nFAIL\texample.com/m/sweeps [build failed]\n"), 0o644))
	for _, in := range []string{text, test2jsonFile(t, dir, text, true)} {
		stdout, stderr, code := runCmd(t, "", in)
		assert.Equal(t, 1, code, stderr)
		assert.Empty(t, stdout)
		assert.Equal(t, "benchreport: no sweep: the run failed: FAIL example.com/m/sweeps: build failed\n", stderr)
	}
}

// TestStreamBadSites: a sites value left out is named at the stream's line
// that holds its sites line, as the text names the text's.
func TestStreamBadSites(t *testing.T) {
	text := hostile + "sites.txt"
	stream := test2jsonFile(t, t.TempDir(), text, false)
	_, wantErr, code := runCmd(t, "", text)
	require.Equal(t, 0, code)
	require.Contains(t, wantErr, "sites.txt:7: sites of BenchmarkSpin/workers=2-2: serialCPU 1e+300")
	b, err := os.ReadFile(stream)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	require.Contains(t, lines[7], `"serialCPU\":1e300`, "line 8 of the stream (after its start event) holds text line 7")
	_, gotErr, code := runCmd(t, "", stream)
	assert.Equal(t, 0, code)
	// Every line of the text is under test2json's 1 KiB, one event each,
	// after the stream's start event: text line N is stream line N+1.
	for _, l := range strings.Split(wantErr, "\n") {
		require.Less(t, len(l), 1024)
	}
	want := regexp.MustCompile(regexp.QuoteMeta(text)+`:(\d+):`).ReplaceAllStringFunc(wantErr, func(m string) string {
		n, err := strconv.Atoi(strings.TrimSuffix(m[len(text)+1:], ":"))
		require.NoError(t, err)
		return fmt.Sprintf("%s:%d:", stream, n+1)
	})
	assert.Equal(t, want, gotErr)
}

// BenchmarkReadSamples: the cost of reading a run from its go test -json
// stream beside reading it from its text (the recorded make bench run,
// converted by go tool test2json), both gzipped, to the model.
func BenchmarkReadSamples(b *testing.B) {
	text := real + "real_make_bench_looks.txt.gz"
	stream := test2jsonFile(b, b.TempDir(), text, true)
	for _, in := range []struct{ name, path string }{{"text", text}, {"json", stream}} {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				r, err := readInput(b.Context(), in.path, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := readSamples(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestStreamStdin: a gzipped stream on standard input is read as the file.
func TestStreamStdin(t *testing.T) {
	zipped, err := os.ReadFile(streams + "sweeps_p2.json.gz")
	require.NoError(t, err)
	want, _, code := runCmd(t, "", streams+"sweeps_p2.txt.gz")
	require.Equal(t, 0, code)
	for _, stdin := range []string{string(zipped), string(gunzip(t, streams+"sweeps_p2.json.gz"))} {
		got, stderr, code := runCmd(t, stdin, "-")
		assert.Equal(t, 0, code, stderr)
		assert.Equal(t, want, got)
	}
}

// TestCrashedBenchmark: go test's text of a benchmark that panicked (its
// name printed before the run, the panic after it on its line), and the
// stream go tool test2json makes of it, report the rest and the crash.
func TestCrashedBenchmark(t *testing.T) {
	text := streams + "failures_panic.txt"
	for _, in := range []string{text, test2jsonFile(t, t.TempDir(), text, false)} {
		stdout, stderr, code := runCmd(t, "", in)
		assert.Equal(t, 0, code, stderr)
		assert.True(t, strings.HasPrefix(stdout, "FAIL example.com/m/benchpanic: panic: boom\n"), stdout)
		assert.Contains(t, stdout, "benchpanic: Boom-2")
	}
}

// TestStreamFailedBenchmark: a benchmark that failed (b.Fatal) in a real
// stream is read as in its text: a note of its sweep, and compare's NEW
// fails on it; the package's FAIL line adds nothing.
func TestStreamFailedBenchmark(t *testing.T) {
	for _, ext := range []string{".txt", ".json"} {
		path := streams + "failures_bench" + ext
		stdout, stderr, code := runCmd(t, "", path)
		assert.Equal(t, 0, code, stderr)
		assert.True(t, strings.HasPrefix(stdout, "benchfail: Flaky-2\n"), "no package failure above the report: %s", stdout)
		assert.Contains(t, stdout, "note: BenchmarkFlaky/workers=2 failed: its point is missing")
		_, stderr, code = runCmd(t, "", "compare", path, path)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "benchreport: failed in NEW: BenchmarkFlaky/workers=2\n")
		assert.NotContains(t, stderr, "FAIL example.com/m/benchfail")
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestStreamHostileText: #37's probes of the text, in a stream go tool
// test2json made of them, read as the text: a line past the readers' 64
// KiB (in 1 KiB events) refused at the stream's line that ends it, forged
// names escaped alike.
func TestStreamHostileText(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.txt")
	require.NoError(t, os.WriteFile(long, []byte("pkg: example.com/m\nBenchmarkW/workers=1-2 1 100 ns/op\nBenchmarkW/workers=2-2 1 50 ns/op\n"+
		"    sweep-sites: BenchmarkW/workers=1-2 {\"ops\":1,\"cpu\":[{\"func\":\""+strings.Repeat("x", 70000)+"\",\"value\":1}]}\n"), 0o644))
	stream := test2jsonFile(t, dir, long, false)
	b, err := os.ReadFile(stream)
	require.NoError(t, err)
	ends := 0 // the stream line that holds the end of the long line
	for n, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, `\"value\":1}]}\n"`) {
			ends = n + 1
		}
	}
	require.Greater(t, ends, 60, "the line in 1 KiB events")
	stdout, stderr, code := runCmd(t, "", stream)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, fmt.Sprintf("benchreport: %s:%d: a line of 70079 bytes, longer than the 65535 that a line of benchmark output may be (benchfmt's and benchstat's limit)\n", stream, ends), stderr)

	forged := hostile + "forged_names.txt"
	fstream := test2jsonFile(t, dir, forged, false)
	for _, args := range [][]string{{}, {"-format", "markdown"}} {
		want, wantErr, _ := runCmd(t, "", append(args, forged)...)
		got, gotErr, code := runCmd(t, "", append(args, fstream)...)
		assert.Equal(t, 0, code, gotErr)
		assert.Equal(t, want, got)
		assert.Equal(t, wantErr, gotErr)
		assert.NotContains(t, got+gotErr, "\x1b")
	}
}

// TestStreamNothingButNotJSON: a stream with no result says, in its one
// line, the lines it skipped (go test of an older Go writes the build's
// errors as text even with -json).
func TestStreamNothingButNotJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.json")
	require.NoError(t, os.WriteFile(path, []byte("# example.com/m/broken\nbroken/broken.go:3:23: undefined: undefinedName\n"+
		`{"Action":"output","Package":"example.com/m/broken","Output":"FAIL\texample.com/m/broken [build failed]\n"}`+"\n"+
		`{"Action":"fail","Package":"example.com/m/broken"}`+"\n"), 0o644))
	stdout, stderr, code := runCmd(t, "", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "benchreport: "+path+": no benchmark results: the run failed: FAIL example.com/m/broken: build failed; "+
		path+`: 2 lines not JSON skipped (the first, line 1: "# example.com/m/broken")`+"\n", stderr)
}

// TestStreamNoteOnlyWithReport: the note of skipped lines is said with a
// report or a comparison, never beside an input error (one line).
func TestStreamNoteOnlyWithReport(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	require.NoError(t, os.WriteFile(plain, []byte("go: downloading x v1.0.0\n"+
		`{"Action":"output","Package":"p","Output":"BenchmarkPlain-2 \t1\t5 ns/op\n"}`+"\n"), 0o644))
	for _, args := range [][]string{{plain}, {"compare", plain, real + "cpu.txt"}} {
		stdout, stderr, code := runCmd(t, "", args...)
		assert.Equal(t, 2, code)
		assert.Empty(t, stdout)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.NotContains(t, stderr, "note:")
	}
	_, stderr, code := runCmd(t, "", "-format", "csv", plain)
	assert.Equal(t, 2, code, "no sweep")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	_, stderr, code = runCmd(t, "", "-format", "bmf", plain)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, `benchreport: note: `+plain+`: 1 line not JSON skipped (the first, line 1: "go: downloading x v1.0.0")`)
}

// TestStreamCutAtLine: a recorded go test -json run cut at a line boundary
// (a killed run: every line whole, no final event for the package that
// was running) is read, and a note names each package that started and
// did not end; the whole run has no such note.
func TestStreamCutAtLine(t *testing.T) {
	whole := gunzip(t, streams+"sweeps_p2.json.gz")
	lines := strings.SplitAfter(string(whole), "\n")
	ends := 0 // the line of the last package's final event
	for i, l := range lines {
		if finalEvent.MatchString(l) {
			ends = i
		}
	}
	require.Greater(t, ends, 100)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		data string
		cut  []string // packages the note names
	}{
		{"whole.json", string(whole), nil},
		{"cut.json", strings.Join(lines[:ends], ""), []string{"github.com/futuresbench/futures/arcfour"}},
		{"cutfirst.json", strings.Join(lines[:30], ""), []string{"github.com/futuresbench/futures/sha"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			require.NoError(t, os.WriteFile(path, []byte(tt.data), 0o644))
			out, stderr, code := runCmd(t, "", path)
			assert.Equal(t, 0, code, stderr)
			assert.NotEmpty(t, out, "the report is still written")
			var want string
			for _, p := range tt.cut {
				want += "benchreport: note: " + path + ": the stream of " + p + " ends without go test's final event: the run was cut short?\n"
			}
			assert.Equal(t, want, stderr)
		})
	}
}

// TestTerminalPrefixes: a result line behind a progress prefix ended by a
// carriage return, or an ANSI color sequence, is read as a terminal shows
// it, in text and in a -json stream: the report is the clean run's, every
// worker count in it, nothing on stderr.
func TestTerminalPrefixes(t *testing.T) {
	dir := t.TempDir()
	clean := gunzip(t, streams+"sweeps_p2.txt.gz")
	cleanPath := filepath.Join(dir, "clean.txt")
	require.NoError(t, os.WriteFile(cleanPath, clean, 0o644))
	want, wantErr, code := runCmd(t, "", cleanPath)
	require.Equal(t, 0, code, wantErr)
	require.Contains(t, string(clean), "\nBenchmarkJobs/workers=2-2 ")
	for name, prefix := range map[string]string{"cr": "progress 50%\r", "ansi": "\x1b[31m"} {
		text := strings.ReplaceAll(string(clean), "\nBenchmarkJobs/workers=2-2 ", "\n"+prefix+"BenchmarkJobs/workers=2-2 ")
		path := filepath.Join(dir, name+".txt")
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		for _, in := range []string{path, test2jsonFile(t, dir, path, false)} {
			got, gotErr, code := runCmd(t, "", in)
			assert.Equal(t, 0, code, gotErr)
			assert.Equal(t, wantErr, gotErr, in)
			assert.Equal(t, want, got, in)
		}
	}
}

// TestLongLogLine: a log line over 64 KiB, no result or sites line, is
// left out and named in a note, in text and in a -json stream (at the
// stream's line that ends it); the report is the run's without it.
func TestLongLogLine(t *testing.T) {
	dir := t.TempDir()
	clean := string(gunzip(t, streams+"sweeps_p2.txt.gz"))
	cleanPath := filepath.Join(dir, "clean.txt")
	require.NoError(t, os.WriteFile(cleanPath, []byte(clean), 0o644))
	want, _, code := runCmd(t, "", cleanPath)
	require.Equal(t, 0, code)
	lines := strings.SplitAfter(clean, "\n")
	text := strings.Join(lines[:4], "") + "    some log: " + strings.Repeat("y", 100000) + "\n" + strings.Join(lines[4:], "")
	path := filepath.Join(dir, "longlog.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	got, gotErr, code := runCmd(t, "", path)
	assert.Equal(t, 0, code, gotErr)
	assert.Equal(t, want, got)
	assert.Equal(t, "benchreport: note: "+path+":5: 1 line longer than 65535 bytes skipped, not a result or sites line (the first here)\n", gotErr)

	stream := test2jsonFile(t, dir, path, false)
	b, err := os.ReadFile(stream)
	require.NoError(t, err)
	ends := 0
	for n, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, `yyy\n"`) {
			ends = n + 1
		}
	}
	require.Greater(t, ends, 50, "the line in 1 KiB events")
	got, gotErr, code = runCmd(t, "", stream)
	assert.Equal(t, 0, code, gotErr)
	assert.Equal(t, want, got)
	assert.Equal(t, fmt.Sprintf("benchreport: note: %s:%d: 1 line longer than 65535 bytes skipped, not a result or sites line (the first here)\n", stream, ends), gotErr)
}
