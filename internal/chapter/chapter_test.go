package chapter_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/chapter"
)

func analyze(t *testing.T, name string) []*bench.Analysis {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bench", name))
	require.NoError(t, err)
	d, err := bench.Read(bench.Input{Name: name, Data: data})
	require.NoError(t, err)
	return bench.Analyze(d)
}

// TestChapterTable: a real, quiet make bench on this 2-core machine, with
// the evidence package sweep measures, gives the chapter's table: the
// CPU-bound workloads gain nothing one at a time and about 2x in parallel;
// the downloads overlap their waits either way. Every row's lesson is
// named: none says it cannot tell.
func TestChapterTable(t *testing.T) {
	as := analyze(t, "real_make_bench_quiet.txt")
	ls := chapter.Lessons(as)
	require.Len(t, ls, 5)
	for _, l := range ls {
		assert.NotContains(t, l.Says, "cannot tell", l.Workload)
		if strings.HasPrefix(l.Workload, "flags:") {
			assert.Contains(t, l.Says, "IO-bound", l.Workload)
			assert.Greater(t, l.One.Speedup, 20.0, l.Workload)
			continue
		}
		assert.Contains(t, l.Says, "CPU-bound", l.Workload)
		assert.InDelta(t, 1.0, l.One.Speedup, 0.1, l.Workload)
		assert.Greater(t, l.Parallel.Speedup, 1.6, l.Workload)
	}
	var out bytes.Buffer
	require.NoError(t, bench.Write(&out, bench.Text, as, nil, chapter.Section))
	assert.True(t, strings.HasPrefix(out.String(), "The chapter's table"), "the section comes first")
	line := ""
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "where futures pay off") {
			line = l
		}
	}
	assert.Regexp(t, `tasks reach 90% efficiency at 2 workers with channel from ~[0-9.]+µs, errgroup from ~[0-9.]+µs, pool.Collect from ~[0-9.]+µs a task`, line)
	out.Reset()
	require.NoError(t, bench.Write(&out, bench.Markdown, as, nil, chapter.Section))
	assert.Contains(t, out.String(), "## The chapter's table")
}

// TestWrongProcs: what is left of a go test -cpu 1,2 run pairs up in the
// chapter's table, but one sample a count (the second of the process, its
// workers=1 still cold) is no answer.
func TestWrongProcs(t *testing.T) {
	ls := chapter.Lessons(analyze(t, "real_cpuflag.txt"))
	require.Len(t, ls, 1)
	assert.Equal(t, "sha: Jobs", ls[0].Workload)
	assert.Contains(t, ls[0].Says, "cannot tell")
}

// TestGrains: the smallest task from which each executor reaches 90%
// efficiency at 2 workers, with the tasks per op as the sweep declares them
// (tasks/op): 1000 tasks of 1 µs and of 10 µs; the pool reaches 95% on both,
// errgroup 60% on 1 µs and 92% on 10 µs.
func TestGrains(t *testing.T) {
	var in strings.Builder
	in.WriteString("pkg: example.com/m/pool\n")
	for _, l := range []struct {
		work        string
		w1          float64
		pool, group float64 // efficiency at 2 workers
	}{{"1us", 1e6, 0.95, 0.6}, {"10us", 1e7, 0.95, 0.92}} {
		for exec, eff := range map[string]float64{"pool": l.pool, "errgroup": l.group} {
			fmt.Fprintf(&in, "BenchmarkGrain/work=%s/exec=%s/workers=1-2 1 %.0f ns/op 1000 tasks/op\n", l.work, exec, l.w1)
			fmt.Fprintf(&in, "BenchmarkGrain/work=%s/exec=%s/workers=2-2 1 %.0f ns/op 1000 tasks/op\n", l.work, exec, l.w1/(2*eff))
		}
	}
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in.String())})
	require.NoError(t, err)
	gs := chapter.Grains(bench.Analyze(d))
	require.Len(t, gs, 2)
	for _, g := range gs {
		require.True(t, g.Reached, g.Exec)
		want := map[string]float64{"pool": 1e-6, "errgroup": 1e-5}[g.Exec]
		assert.InDelta(t, want, g.Task, want*1e-9, g.Exec)
	}
}
