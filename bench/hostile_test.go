package bench_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// hostile reads a file of testdata/bench/hostile.
func hostile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shared, "hostile", name))
	require.NoError(t, err)
	return b
}

// TestSameBaseName: two packages that end alike (a.example/limits and
// b.example/limits, each with BenchmarkLock and its sites) are two sweeps
// of their own runs, each shown with as much of its path as tells it
// apart, and each point carries its own package's sites, never the other's.
func TestSameBaseName(t *testing.T) {
	data := hostile(t, "same_base.txt")
	for _, withoutA := range []bool{false, true} {
		in := data
		if withoutA {
			// The sites of b.example/limits alone: a.example/limits's
			// points must have none.
			var b strings.Builder
			pkg := ""
			for line := range strings.Lines(string(data)) {
				if p, ok := strings.CutPrefix(line, "pkg: "); ok {
					pkg = strings.TrimSpace(p)
				}
				if pkg == "a.example/limits" && strings.Contains(line, "sweep-sites:") {
					continue
				}
				b.WriteString(line)
			}
			in = []byte(b.String())
		}
		s, err := bench.Read(bench.Input{Name: "same_base.txt", Data: in})
		require.NoError(t, err)
		as := bench.Analyze(s)
		require.Len(t, as, 2, "one sweep a package")
		for i, pkg := range []string{"a.example/limits", "b.example/limits"} {
			a := as[i]
			assert.Equal(t, pkg, a.Pkg)
			assert.Equal(t, pkg+": Lock-2", a.Title())
			other := strings.Replace(pkg, pkg[:1], string('a'+'b'-pkg[0]), 1)
			for _, p := range a.Points {
				assert.Len(t, p.Values, 6, "%s %s: its own 6 runs", pkg, p.Name)
				if withoutA && i == 0 {
					assert.Nil(t, p.Sites, "%s %s: the other package's sites", pkg, p.Name)
					continue
				}
				require.NotNil(t, p.Sites, "%s %s", pkg, p.Name)
				for _, st := range p.Sites.Mutex {
					assert.NotContains(t, st.Func+st.User, other, "%s %s", pkg, p.Name)
				}
			}
			assert.NotContains(t, a.Verdict(), other, a.Title())
		}
	}
}

// TestFailedInItsPackage: a --- FAIL line is its own package's sweep's,
// not that of a package ending alike.
func TestFailedInItsPackage(t *testing.T) {
	data := string(hostile(t, "same_base.txt")) + "--- FAIL: BenchmarkLock/workers=2\n"
	s, err := bench.Read(bench.Input{Name: "in", Data: []byte(data)})
	require.NoError(t, err)
	as := bench.Analyze(s)
	require.Len(t, as, 2)
	assert.Empty(t, as[0].Failed, as[0].Title())
	assert.Equal(t, []string{"Lock/workers=2"}, as[1].Failed, as[1].Title())
}

func TestLabels(t *testing.T) {
	tests := []struct {
		keys []string
		want []string
	}{
		{[]string{"a.example/limits Lock-2", "b.example/limits Lock-2", "example.com/m/pool Map-2"},
			[]string{"a.example/limits Lock-2", "b.example/limits Lock-2", "pool Map-2"}},
		{[]string{"m/service1/cache Get", "m/service2/cache Get", "m/service1/cache Put"},
			[]string{"service1/cache Get", "service2/cache Get", "service1/cache Put"}},
		{[]string{"x/a/limits L", "a/limits L", "limits L"},
			[]string{"x/a/limits L", "a/limits L", "limits L"}},
		{[]string{"example.com/m/arcfour Jobs-2", " Jobs-2"}, []string{"arcfour Jobs-2", " Jobs-2"}},
		{[]string{"q/r/s/t/u/v/w/z A", "p/r/s/t/u/v/w/z A"}, []string{"q/r/s/t/u/v/w/z A", "p/r/s/t/u/v/w/z A"}},
	}
	for _, tt := range tests {
		got := bench.Labels(tt.keys)
		for i, k := range tt.keys {
			assert.Equal(t, tt.want[i], got[k], k)
		}
	}
}

// TestBMFSameBaseName: Bencher's names of two packages that end alike are
// two, each with its own median.
func TestBMFSameBaseName(t *testing.T) {
	s, err := bench.Read(bench.Input{Name: "in", Data: hostile(t, "same_base.txt")})
	require.NoError(t, err)
	b, leftOut := bench.NewBMF(s, bench.Analyze(s))
	assert.Empty(t, leftOut)
	for _, pkg := range []string{"a.example/limits", "b.example/limits"} {
		assert.Contains(t, b, pkg+".BenchmarkLock/workers=2-2")
	}
	assert.NotContains(t, b, "limits.BenchmarkLock/workers=2-2")
}

// limitsQuiet is testdata/limits/quiet.txt: internal/limits, each sweep
// with its sites lines.
func limitsQuiet(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "limits", "quiet.txt"))
	require.NoError(t, err)
	return string(b)
}

// editSites rewrites the JSON of every sites line of data through edit.
func editSites(t *testing.T, data string, edit func(m map[string]any)) string {
	t.Helper()
	var b strings.Builder
	for line := range strings.Lines(data) {
		i := strings.Index(line, "{")
		if !strings.Contains(line, "sweep-sites:") || i < 0 {
			b.WriteString(line)
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line[i:]), &m))
		edit(m)
		js, err := json.Marshal(m)
		require.NoError(t, err)
		b.WriteString(line[:i] + string(js) + "\n")
	}
	return b.String()
}

// reportAll is every format's report of data, and its verdicts.
func reportAll(t *testing.T, data string) (*bench.Samples, string, []string) {
	t.Helper()
	s, err := bench.Read(bench.Input{Name: "in.txt", Data: []byte(data)})
	require.NoError(t, err)
	as := bench.Analyze(s)
	var out strings.Builder
	for _, f := range []bench.Format{bench.Text, bench.Markdown, bench.CSV, bench.JSON, bench.HTML} {
		require.NoError(t, bench.Write(&out, f, as, s.Bad))
	}
	var verdicts []string
	for _, a := range as {
		verdicts = append(verdicts, a.Verdict())
	}
	return s, out.String(), verdicts
}

// TestImpossibleSiteValues: a site whose value is no measurement (1e308,
// which sums to +Inf; a negative size; NaN cannot be JSON) is left out of
// its line and named; no output prints it, and no verdict turns on it:
// the verdicts are those of the lines without them.
func TestImpossibleSiteValues(t *testing.T) {
	data := limitsQuiet(t)
	_, _, want := reportAll(t, data)
	hostile := editSites(t, data, func(m map[string]any) {
		add := func(list string, site map[string]any) {
			l, _ := m[list].([]any)
			m[list] = append(l, site)
		}
		add("mutex", map[string]any{"func": "b.example/limits.evil", "value": 1e308})
		add("mutex", map[string]any{"func": "b.example/limits.evil2", "value": 1e308})
		add("block", map[string]any{"func": "b.example/limits.evil", "wait": "sync.(*Mutex).Lock", "value": 1e308})
		add("alloc", map[string]any{"func": "b.example/limits.alloc", "value": -8.64e6})
		add("cpu", map[string]any{"func": "b.example/limits.spin", "value": -1})
		add("waits", map[string]any{"func": "b.example/limits.sleep", "wait": "sleep", "value": 5e20})
	})
	s, out, got := reportAll(t, hostile)
	assert.Equal(t, want, got, "the verdicts of the lines without the impossible values")
	for _, bad := range []string{"+Inf", "8.64e+06", "evil", "b.example"} {
		assert.False(t, strings.Contains(out, bad), "an output holds %q", bad)
	}
	require.NotEmpty(t, s.BadSites)
	assert.Contains(t, s.BadSites, "in.txt:11: sites of BenchmarkCores/workers=2-2: mutex[0] b.example/limits.evil: value 1e+308, not a measurement (a finite number from 0 to 1e+12)")
	assert.Contains(t, strings.Join(s.BadSites, "\n"), "alloc[")
	assert.Contains(t, strings.Join(s.BadSites, "\n"), ": value -8.64e+06")

	// Impossible totals and counts: left out, never printed.
	hostile = editSites(t, data, func(m map[string]any) {
		m["samples"], m["cpuTotal"], m["serialCPU"], m["runTotal"] = -5, 1e300, -1, 1e13
	})
	s, out, _ = reportAll(t, hostile)
	for _, bad := range []string{"+Inf", "-5 samples", "1e+300", "1e+13"} {
		assert.False(t, strings.Contains(out, bad), "an output holds %q", bad)
	}
	assert.Contains(t, s.BadSites, "in.txt:11: sites of BenchmarkCores/workers=2-2: cpuTotal 1e+300, not a measurement (a finite number from 0 to 1e+12)")
	assert.Contains(t, s.BadSites, "in.txt:11: sites of BenchmarkCores/workers=2-2: samples -5, not a count (a whole number from 0)")
}

// TestLongSitesLine: a line longer than MaxLine is refused before any of
// it is decoded, with an error that names it; one of MaxLine is read.
func TestLongSitesLine(t *testing.T) {
	head := "pkg: example.com/m\nBenchmarkW/workers=1-2 1 100 ns/op\n"
	js := `{"ops":1,"cpu":[{"func":"` + strings.Repeat("x", bench.MaxLine) + `","value":1}]}`
	line := "    sweep-sites: BenchmarkW/workers=1-2 " + js
	_, err := bench.Read(bench.Input{Name: "long.txt", Data: []byte(head + line + "\n")})
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("long.txt:3: a line of %d bytes, longer than the 65535 that a line of benchmark output may be (benchfmt's and benchstat's limit)", len(line)), err.Error())

	line = strings.Replace(line, strings.Repeat("x", len(line)-bench.MaxLine), "", 1)
	require.Len(t, line, bench.MaxLine)
	s, err := bench.Read(bench.Input{Name: "long.txt", Data: []byte(head + line + "\n")})
	require.NoError(t, err, "a line of MaxLine")
	require.NotNil(t, s.Sites["example.com/m W/workers=1-2"])
	// The CR of a CRLF counts, as for bufio.Scanner.
	_, err = bench.Read(bench.Input{Name: "long.txt", Data: []byte(head + line + "\r\n")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "long.txt:3: a line of 65536 bytes")
	s, err = bench.Read(bench.Input{Name: "long.txt", Data: []byte(head + strings.Replace(line, "x", "", 1) + "\r\n")})
	require.NoError(t, err, "a line of MaxLine with its CR")
	require.NotNil(t, s.Sites["example.com/m W/workers=1-2"])
}

// TestLongLineMemory: a sites line of 64 MiB is refused within a bounded
// peak of memory: the line's JSON is never decoded (it took 17x the line);
// 64 MiB of lines within the bound, each of thousands of entries, are read
// within a bounded peak too: each keeps what sweep writes.
// The peak is that of a process of its own (getrusage's maxrss), against
// that of one that makes the same input and reads nothing (the race
// detector's shadow memory, the input itself): the reading adds less than
// half the line.
func TestLongLineMemory(t *testing.T) {
	if mode := os.Getenv("BENCH_LONG_LINE_CHILD"); mode != "" {
		data := make([]byte, 0, 64<<20+200)
		data = append(data, "pkg: example.com/m\nBenchmarkW/workers=1-2 1 100 ns/op\n    sweep-sites: BenchmarkW/workers=1-2 {\"ops\":1,\"cpu\":["...)
		for len(data) < 64<<20 {
			data = append(data, `{"func":"f","value":1},`...)
		}
		data = append(data, "{\"func\":\"f\",\"value\":1}]}\n"...)
		if mode == "read" {
			_, err := bench.Read(bench.Input{Name: "huge.txt", Data: data})
			if err == nil || !strings.HasPrefix(err.Error(), "huge.txt:3: a line of ") {
				t.Fatalf("want the line refused, got %v", err)
			}
		}
		if mode == "many" || mode == "makemany" {
			// 64 MiB of sites lines each under the bound, each of its
			// own benchmark, each with thousands of small entries.
			data = append(data[:0], "pkg: example.com/m\n"...)
			for i := 0; len(data) < 64<<20; i++ {
				data = fmt.Appendf(data, "BenchmarkW%d/workers=1-2 1 100 ns/op\n    sweep-sites: BenchmarkW%d/workers=1-2 {\"ops\":1,\"cpu\":[", i, i)
				for j := 0; j < 2500; j++ {
					data = append(data, `{"func":"f","value":1},`...)
				}
				data = append(data, "{\"func\":\"f\",\"value\":1}]}\n"...)
			}
			if mode == "many" {
				s, err := bench.Read(bench.Input{Name: "many.txt", Data: data})
				if err != nil || len(s.Sites) < 1000 {
					t.Fatalf("want the lines read: %v", err)
				}
				runtime.KeepAlive(s)
			}
		}
		runtime.KeepAlive(data)
		return
	}
	peak := map[string]int64{}
	for _, mode := range []string{"make", "read", "makemany", "many"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLongLineMemory$", "-test.count", "1")
		// GOGC=20: the peak is what is kept, not the garbage a heap of
		// 150 MiB lets pile up before it collects (as much again).
		cmd.Env = append(os.Environ(), "BENCH_LONG_LINE_CHILD="+mode, "GOGC=20")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Skip("no rusage on this system")
		}
		peak[mode] = ru.Maxrss * 1024 // kilobytes on Linux
	}
	t.Logf("peak %d MiB reading a line of 64 MiB, %d MiB making it alone", peak["read"]>>20, peak["make"]>>20)
	assert.Less(t, peak["read"]-peak["make"], int64(32<<20), "what reading a 64 MiB line adds to the peak")
	// Lines under the bound: each list keeps sweep's 12 entries, the
	// rest garbage as soon as its line is read.
	t.Logf("peak %d MiB reading 64 MiB of sites lines of 2,500 entries each, %d MiB making them alone", peak["many"]>>20, peak["makemany"]>>20)
	bound := int64(96 << 20) // 27 MiB measured; 303 MiB before lists were capped
	if raceOn {
		bound *= 2 // 90 MiB measured under -race
	}
	assert.Less(t, peak["many"]-peak["makemany"], bound, "what reading 64 MiB of sites lines adds to the peak")
}

// TestLooksLines: two looks lines that differ are refused, in one input
// or two, by an error that names the second; two alike are one.
func TestLooksLines(t *testing.T) {
	run := "BenchmarkW/workers=1 1 100 ns/op\n"
	_, err := bench.Read(bench.Input{Name: "a.txt", Data: []byte("looks: 6 12 20\n" + run + "looks: 6 12\n" + run)})
	require.Error(t, err)
	assert.Equal(t, `a.txt:3: looks "6 12" differs from looks "6 12 20" (a.txt:1): one run looks after one set of rounds; report the two runs apart`, err.Error())
	for _, order := range [][]string{{"a", "b"}, {"b", "a"}} {
		files := map[string]string{"a": "looks: 6 12 20\n" + run, "b": "looks: 6 12\n" + run}
		_, err = bench.Read(bench.Input{Name: order[0], Data: []byte(files[order[0]])}, bench.Input{Name: order[1], Data: []byte(files[order[1]])})
		require.Error(t, err, "the intervals would depend on the order of the files")
		assert.Contains(t, err.Error(), order[1]+":1: looks")
	}
	s, err := bench.Read(bench.Input{Name: "a.txt", Data: []byte("looks: 6 12 20\r\n" + run + "looks:  6 12 20\n" + run)})
	require.NoError(t, err)
	assert.Equal(t, []int{6, 12, 20}, s.Looks)
	_, err = bench.Read(bench.Input{Name: "a.txt", Data: []byte(run + run + "looks: 6 x\n" + run)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.txt:3: looks")
	// An empty looks line is as malformed as any other, not no looks.
	for _, empty := range []string{"looks: \n", "looks:\t\n", "looks:\n"} {
		_, err = bench.Read(bench.Input{Name: "a.txt", Data: []byte(run + empty + run)})
		require.Error(t, err, "%q", empty)
		assert.Contains(t, err.Error(), "a.txt:2: looks")
	}
}

func TestCleanCommit(t *testing.T) {
	for c, want := range map[string]bool{
		"84f79e0": true, "84F79E0": true, "84f79e0d6c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a": true,
		"84f79e0-dirty": false, "84f79e0-DIRTY": false, "84f79e0-Dirty": false, "84f79e0 ": false, " 84f79e0": false,
		"unknown": false, "": false, "v1.2.3": false, "84f79e0\x1b[31m": false, "abc": false,
		"84f79e0+dirty": false, "84f79e0.dirty": false, "HEAD": false,
	} {
		assert.Equal(t, want, bench.CleanCommit(c), "%q", c)
	}
	// Two runs of one commit marked dirty in capitals, or with a trailing
	// space on both sides, are not an A/A comparison.
	for _, c := range []string{"84f79e0-DIRTY", "84f79e0 "} {
		in := "commit: " + c + "\npkg: example.com/m\nBenchmarkW-2 1 100 ns/op\n"
		old, err := bench.Read(bench.Input{Name: "old", Data: []byte(in)})
		require.NoError(t, err)
		require.Equal(t, []string{c}, old.Commits)
		_, same := bench.SameCode(old, old)
		assert.False(t, same, "%q", c)
	}
}

// TestLastWorkersElement: a sweep inside b.Run("workers=9") is a sweep over
// its last workers= element.
func TestLastWorkersElement(t *testing.T) {
	var in strings.Builder
	in.WriteString("pkg: example.com/m\n")
	for range 6 {
		fmt.Fprintf(&in, "BenchmarkX/workers=9/workers=1-2 1 200 ns/op\nBenchmarkX/workers=9/workers=2-2 1 100 ns/op\n")
	}
	in.WriteString("--- FAIL: BenchmarkX/workers=9/workers=3\n")
	s, err := bench.Read(bench.Input{Name: "in", Data: []byte(in.String())})
	require.NoError(t, err)
	as := bench.Analyze(s)
	require.Len(t, as, 1)
	assert.Equal(t, "X/workers=9-2", as[0].Name)
	require.Len(t, as[0].Rows, 2)
	assert.Equal(t, []int{1, 2}, []int{as[0].Rows[0].X, as[0].Rows[1].X})
	assert.Equal(t, []string{"X/workers=9/workers=3"}, as[0].Failed)
}

// TestForgedNames: a site's function name that holds a newline, a CR, a
// script, terminal escapes and a direction override, and a benchmark name
// and a commit line that hold escapes, print as one line each: one
// "verdict:" line a sweep, no raw control character in the text or the
// markdown, no raw markup in the markdown.
func TestForgedNames(t *testing.T) {
	s, err := bench.Read(bench.Input{Name: "forged_names.txt", Data: hostile(t, "forged_names.txt")})
	require.NoError(t, err)
	as := bench.Analyze(s)
	require.Len(t, as, 1)
	require.Contains(t, as[0].Verdict(), "verdict: scales perfectly", "the model keeps the name whole")
	for _, f := range []bench.Format{bench.Text, bench.Markdown} {
		var out strings.Builder
		require.NoError(t, bench.Write(&out, f, as, []string{"in:1: Benchmark\x1b[2Jx: NaN sec/op"}))
		text := out.String()
		for _, r := range text {
			if r != '\n' && (r < ' ' || r == 0x7f || r == '\u202e') {
				t.Errorf("%s: a raw %U", f, r)
			}
		}
		verdicts := 0
		for line := range strings.Lines(text) {
			if strings.HasPrefix(line, "verdict:") || strings.HasPrefix(line, "**does not scale") {
				verdicts++
			}
			assert.False(t, strings.HasPrefix(line, "verdict: scales perfectly"), "%s: a forged line", f)
		}
		assert.Equal(t, 1, verdicts, "%s: one verdict line", f)
		if f == bench.Markdown {
			assert.Contains(t, text, `evil\\nverdict: scales perfectly to 64 workers\\r&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J\\u202e\|\`+"`")
			assert.NotContains(t, text, "<script>")
		} else {
			assert.Contains(t, text, `evil\nverdict: scales perfectly to 64 workers\r<script>alert(1)</script>\x1b[2J\u202e|`+"`")
		}
	}
}

// TestPrintable: every control character, a line or paragraph separator,
// a direction override and invalid UTF-8 are escaped; the rest is kept.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"Jobs/workers=2-2":             "Jobs/workers=2-2",
		"a\nb\rc\td":                   `a\nb\rc\td`,
		"\x1b[31mred\x1b[0m":           `\x1b[31mred\x1b[0m`,
		"x\u2028y\u2029z\u202ew\u2066": `x\u2028y\u2029z\u202ew\u2066`,
		"caf\xe9":                      `caf\xe9`,
		"café ü 日本 \ufffd":             "café ü 日本 \ufffd",
		"\x00\x7f\u0085":               `\x00\x7f\u0085`,
	} {
		assert.Equal(t, want, bench.Printable(in), "%q", in)
	}
	assert.Equal(t, `a &lt;b&gt; &amp; \| \`+"`"+` \\n \*x\* [1, 2] [a\](javascript:x) a_b \\`, bench.MarkdownText("a <b> & | ` \n *x* [1, 2] [a](javascript:x) a_b \\"))
}

// TestCutShort: a file cut at any byte (a run killed while writing) reads,
// or fails in one line; a sites line cut short is named, and the report
// goes on without it.
func TestCutShort(t *testing.T) {
	data := hostile(t, "same_base.txt")
	named := 0
	for cut := 1; cut < len(data); cut += 101 {
		in := data[:cut]
		s, err := bench.Read(bench.Input{Name: "cut.txt", Data: in})
		if err != nil {
			assert.NotContains(t, err.Error(), "\n")
			continue
		}
		last := in[strings.LastIndexByte(string(in[:len(in)-1]), '\n')+1:]
		if strings.Contains(string(last), "sweep-sites:") && !strings.HasSuffix(string(last), "}") {
			require.NotEmpty(t, s.BadSites, "cut at %d", cut)
			assert.Contains(t, s.BadSites[len(s.BadSites)-1], "a sites line that does not read (cut short")
			named++
		}
		for _, f := range []bench.Format{bench.Text, bench.Markdown} {
			require.NoError(t, bench.Write(io.Discard, f, bench.Analyze(s), s.Bad))
		}
	}
	assert.Positive(t, named)
}

// TestKeyWithSpaces: a "pkg:" line that holds a space is split from the
// name at the key's last space (a name holds none).
func TestKeyWithSpaces(t *testing.T) {
	got := bench.Labels([]string{"my pkg/cache Get-2", "other/cache Get-2"})
	assert.Equal(t, "my pkg/cache Get-2", got["my pkg/cache Get-2"])
	assert.Equal(t, "other/cache Get-2", got["other/cache Get-2"])
}

// FuzzReadHostile reads the probes of issue #37 (keys that end alike,
// forged names, impossible sites values, looks that differ, commits that
// look clean, nested workers=, CRLF, cut short) and whatever the fuzzer
// makes of them: no panic, and every report line of one line.
func FuzzReadHostile(f *testing.F) {
	for _, name := range []string{"same_base.txt", "forged_names.txt", "sites.txt"} {
		b, err := os.ReadFile(filepath.Join(shared, "hostile", name))
		require.NoError(f, err)
		f.Add(b)
		f.Add([]byte(strings.ReplaceAll(string(b), "\n", "\r\n")))
		f.Add(b[:len(b)/2])
	}
	run := "pkg: example.com/m\nBenchmarkW/workers=1-2 1 200 ns/op\nBenchmarkW/workers=2-2 1 100 ns/op\n"
	for _, seed := range []string{
		"looks: 6 12 20\n" + run + "looks: 6 12\n" + run,
		run + "looks: 6 6\n",
		"commit: 84f79e0-DIRTY\n" + run,
		"commit: 84f79e0 \n" + run,
		"commit: 84f79e0\x1b[31m\n" + run,
		"pkg: a.example/limits\nBenchmarkX/workers=9/workers=1-2 1 200 ns/op\nBenchmarkX/workers=9/workers=2-2 1 100 ns/op\n--- FAIL: BenchmarkX/workers=9/workers=3\n",
		run + "    sweep-sites: BenchmarkW/workers=2-2 {\"ops\":1,\"samples\":-5,\"cpu\":[{\"func\":\"a\\nverdict: x\",\"value\":-8.64e6}]}\n",
		run + "    sweep-sites: BenchmarkW/workers=2-2 {\"ops\":1,\"mutex\":[{\"func\":\"<script>\",\"value\":1e308},{\"func\":\"b\",\"value\":1e308}]}\n",
		"pkg: a b\nBenchmarkCanary 1 100 ns/op\n" + run,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := bench.Read(bench.Input{Name: "in", Data: data})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("an error of more than one line: %q", err)
			}
			return
		}
		as := bench.Analyze(s)
		for _, format := range []bench.Format{bench.Text, bench.Markdown} {
			var out strings.Builder
			require.NoError(t, bench.Write(&out, format, as, s.Bad))
			for _, r := range out.String() {
				if r == '\r' || r == 0x1b || r == 0x85 || r == '\u2028' {
					t.Fatalf("%s: a raw %U", format, r)
				}
			}
			if n := strings.Count(out.String(), "\nverdict:"); format == bench.Text && n > len(as) {
				t.Fatalf("%d verdict lines for %d sweeps", n, len(as))
			}
		}
		for _, l := range s.BadSites {
			if strings.ContainsAny(l, "\n\r\x1b") {
				t.Fatalf("a raw control character in %q", l)
			}
		}
	})
}

// hostileShape is an output of n results in a shape that once took
// quadratic time: a sweep of n counts, n commit lines, n sweeps beside n
// failures, one benchmark of n units.
func hostileShape(shape string, n int) []byte {
	var b strings.Builder
	b.WriteString("pkg: example.com/m\n")
	for i := 1; i <= n; i++ {
		switch shape {
		case "counts":
			fmt.Fprintf(&b, "BenchmarkX/workers=%d-2 1 %d ns/op\n", i, 100+i%7)
		case "commits":
			fmt.Fprintf(&b, "commit: %x\nBenchmarkX/workers=%d-2 1 %d ns/op\n", i, 1+i%2, 100+i%7)
		case "failures":
			fmt.Fprintf(&b, "BenchmarkX%d/workers=1-2 1 100 ns/op\n--- FAIL: BenchmarkY%d/workers=2\n", i, i)
		case "units":
			fmt.Fprintf(&b, "BenchmarkX/workers=1-2 1 100 ns/op %d u%d/op\n", i, i)
		}
	}
	return []byte(b.String())
}

// BenchmarkHostileShapes reads and reports each hostile shape of 5,000
// results: each in linear time.
func BenchmarkHostileShapes(b *testing.B) {
	for _, shape := range []string{"counts", "commits", "failures", "units"} {
		data := hostileShape(shape, 5000)
		b.Run(shape, func(b *testing.B) {
			for b.Loop() {
				s, err := bench.Read(bench.Input{Name: "in", Data: data})
				if err != nil {
					b.Fatal(err)
				}
				if err := bench.Write(io.Discard, bench.CSV, bench.Analyze(s), s.Bad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestForgedNamesSVG: the speedup plots, a file of XML of their own, hold
// no control character (XML allows none, escaped or not): a name's is
// escaped as the text report escapes it, and the file parses.
func TestForgedNamesSVG(t *testing.T) {
	s, err := bench.Read(bench.Input{Name: "forged_names.txt", Data: hostile(t, "forged_names.txt")})
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, bench.WriteSVG(&out, bench.Analyze(s)))
	d := xml.NewDecoder(strings.NewReader(out.String()))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "the SVG is XML")
	}
	assert.Contains(t, out.String(), `Lock\x1b[31m`)
}

// TestSitesListsCapped: a list longer than sweep writes keeps its 12
// largest entries, and the rest is named; of two lines for one benchmark,
// in one file or two, the first counts and the second is named with it.
func TestSitesListsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("pkg: example.com/m\nBenchmarkW/workers=1-2 1 100 ns/op\n    sweep-sites: BenchmarkW/workers=1-2 {\"ops\":1,\"cpu\":[")
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"func":"f%d","value":%d}`, i, i)
	}
	b.WriteString("]}\n")
	second := "pkg: example.com/m\n    sweep-sites: BenchmarkW/workers=1-2 {\"ops\":1,\"cpu\":[{\"func\":\"second\",\"value\":99}]}\n"
	s, err := bench.Read(bench.Input{Name: "in", Data: []byte(b.String() + second)}, bench.Input{Name: "in2", Data: []byte(second)})
	require.NoError(t, err)
	st := s.Sites["example.com/m W/workers=1-2"]
	require.NotNil(t, st)
	require.Len(t, st.CPU, 12)
	assert.Equal(t, "f19", st.CPU[0].Func)
	assert.Equal(t, "f8", st.CPU[11].Func)
	assert.Equal(t, []string{
		"in:3: sites of BenchmarkW/workers=1-2: cpu: 8 entries past its 12 largest, more than sweep writes",
		"in:5: a second sites line of BenchmarkW/workers=1-2 (package example.com/m): the first, in:3, is kept",
		"in2:2: a second sites line of BenchmarkW/workers=1-2 (package example.com/m): the first, in:3, is kept",
	}, s.BadSites, "the lines left out are named with the one kept")
}

// TestImpossibleValuesNewFields: #35's fields are checked as the others
// are, each named by its JSON path: the idle split's totals and lists, the
// lock's CPU, a call path's line.
func TestImpossibleValuesNewFields(t *testing.T) {
	line := `    sweep-sites: BenchmarkW/workers=2-2 {"ops":1,` +
		`"lockCPU":[{"func":"a","value":1e308},{"func":"b","value":0.001,"path":[{"func":"u","line":-3}]}],` +
		`"idle":{"procs":2,"ops":1,"span":0.01,"total":-5,"blocked":[{"func":"c","kind":"lock","value":-1},{"func":"d","kind":"chan","value":0.002}]}}`
	s, err := bench.Read(bench.Input{Name: "in", Data: []byte("pkg: example.com/m\nBenchmarkW/workers=2-2 1 100 ns/op\n" + line + "\n")})
	require.NoError(t, err)
	st := s.Sites["example.com/m W/workers=2-2"]
	require.NotNil(t, st)
	require.NotNil(t, st.Idle)
	assert.Equal(t, []string{
		"in:3: sites of BenchmarkW/workers=2-2: lockCPU[0] a: value 1e+308, not a measurement (a finite number from 0 to 1e+12)",
		"in:3: sites of BenchmarkW/workers=2-2: lockCPU[1].path[0].line -3, not a count (a whole number from 0)",
		"in:3: sites of BenchmarkW/workers=2-2: idle.total -5, not a measurement (a finite number from 0 to 1e+12)",
		"in:3: sites of BenchmarkW/workers=2-2: idle.blocked[0] c: value -1, not a measurement (a finite number from 0 to 1e+12)",
	}, s.BadSites)
	require.Len(t, st.LockCPU, 1)
	assert.Equal(t, "b", st.LockCPU[0].Func)
	assert.Equal(t, 0, st.LockCPU[0].Path[0].Line)
	assert.Zero(t, st.Idle.Total)
	require.Len(t, st.Idle.Blocked, 1)
	assert.Equal(t, "d", st.Idle.Blocked[0].Func)
	assert.Equal(t, 0.01, st.Idle.Span)
}
