package bench_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

const cleanRuns = "cores: 2\npkg: example.com/m/work\n" +
	"BenchmarkSpin/workers=1-2 10 100000000 ns/op 0.1 cpu-sec/op\n" +
	"BenchmarkSpin/workers=2-2 10 55000000 ns/op 0.2 cpu-sec/op\n"

// TestReadAsTerminalShows: a result line behind a progress prefix ended
// by a carriage return, or colored by ANSI control sequences, is read as a
// terminal shows it: the same samples as the clean lines, no worker count
// lost.
func TestReadAsTerminalShows(t *testing.T) {
	want, err := bench.Read(bench.Input{Name: "x", Data: []byte(cleanRuns)})
	require.NoError(t, err)
	for name, data := range map[string]string{
		"cr prefix":    strings.Replace(cleanRuns, "BenchmarkSpin/workers=2-2", "progress 50%\rBenchmarkSpin/workers=2-2", 1),
		"two cr":       strings.Replace(cleanRuns, "BenchmarkSpin/workers=2-2", "10%\r50%\rBenchmarkSpin/workers=2-2", 1),
		"crlf":         strings.ReplaceAll(strings.Replace(cleanRuns, "BenchmarkSpin/workers=2-2", "50%\rBenchmarkSpin/workers=2-2", 1), "\n", "\r\n"),
		"ansi start":   strings.Replace(cleanRuns, "BenchmarkSpin/workers=2-2", "\x1b[31mBenchmarkSpin/workers=2-2", 1),
		"ansi around":  strings.Replace(strings.Replace(cleanRuns, "BenchmarkSpin/workers=2-2", "\x1b[1;31m\x1b[KBenchmarkSpin/workers=2-2", 1), "0.2 cpu-sec/op\n", "0.2 cpu-sec/op\x1b[0m\n", 1),
		"ansi then cr": strings.Replace(cleanRuns, "BenchmarkSpin/workers=1-2", "\x1b[2Kwait\r\x1b[32mBenchmarkSpin/workers=1-2", 1),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := bench.Read(bench.Input{Name: "x", Data: []byte(data)})
			require.NoError(t, err)
			assert.Equal(t, want.Names, got.Names)
			assert.Equal(t, want.Benchmarks, got.Benchmarks)
		})
	}
}

// TestReadLongLines: a line longer than MaxLine that is no result or
// sites line (a log line) is left out and counted, the rest read; a long
// result or sites line is refused, naming it.
func TestReadLongLines(t *testing.T) {
	long := "    some log: " + strings.Repeat("y", 100000) + "\n"
	lines := strings.SplitAfter(cleanRuns, "\n")
	data := strings.Join(lines[:3], "") + long + long + strings.Join(lines[3:], "")
	got, err := bench.Read(bench.Input{Name: "x", Data: []byte(data)})
	require.NoError(t, err)
	assert.Len(t, got.Names, 2)
	assert.Equal(t, []string{"x:4: 2 lines longer than 65535 bytes skipped, not a result or sites line (the first here)"}, got.Skipped)
	for name, bad := range map[string]string{
		"result":             "BenchmarkSpin/workers=3-2 10 5 ns/op" + strings.Repeat(" 1 x/op", 20000) + "\n",
		"sites":              "    sweep-sites: BenchmarkSpin/workers=1-2 {\"ops\":1,\"cpu\":[{\"func\":\"" + strings.Repeat("x", 70000) + "\",\"value\":1}]}\n",
		"result behind a cr": "50%\rBenchmarkSpin/workers=3-2 10 5 ns/op" + strings.Repeat(" 1 x/op", 20000) + "\n",
	} {
		_, err := bench.Read(bench.Input{Name: "x", Data: []byte(cleanRuns + bad)})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "x:5: a line of ", name)
	}
}

// TestTwoSitesLinesOnePoint: the hostile review's case, two sites lines
// for one point of one package: the first is kept, and the second named
// with it, not dropped without a word.
func TestTwoSitesLinesOnePoint(t *testing.T) {
	site := func(fn string) string {
		return `    sweep-sites: BenchmarkSpin/workers=2-2 {"ops":1,"mutex":[{"func":"` + fn + `","file":"a.go","line":3,"value":0.05}]}` + "\n"
	}
	data := "cores: 2\npkg: b.example/limits\n" +
		"BenchmarkSpin/workers=1-2 10 100000000 ns/op 0.1 cpu-sec/op 0 runq-sec/op 0 others-sec/op 0.01 lockwait-sec/op\n" +
		"BenchmarkSpin/workers=2-2 10 100000000 ns/op 0.2 cpu-sec/op 0 runq-sec/op 0 others-sec/op 0.09 lockwait-sec/op\n" +
		site("a.example/limits.crit") + site("b.example/limits.crit")
	s, err := bench.Read(bench.Input{Name: "two.txt", Data: []byte(data)})
	require.NoError(t, err)
	st := s.Sites["b.example/limits Spin/workers=2-2"]
	require.NotNil(t, st)
	require.Len(t, st.Mutex, 1)
	assert.Equal(t, "a.example/limits.crit", st.Mutex[0].Func)
	assert.Equal(t, []string{"two.txt:6: a second sites line of BenchmarkSpin/workers=2-2 (package b.example/limits): the first, two.txt:5, is kept"}, s.BadSites)
}
