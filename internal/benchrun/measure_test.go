package benchrun

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/benchtest"
	"github.com/futuresbench/futures/internal/cli"
)

// fake writes a test binary that is a shell script printing body's output
// (it sees GOMAXPROCS and SWEEP_ROTATE as a test binary does).
func fake(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755))
}

// steady is a CPU-bound sweep on GOMAXPROCS cores whose every round
// measures the same times, within 1%.
const steady = `echo "pkg: example.com/m/sha"
j=$((SWEEP_ROTATE % 3))
for w in 1 2 3 4; do
	c=$w; [ $c -gt $GOMAXPROCS ] && c=$GOMAXPROCS
	s=""; [ $GOMAXPROCS -gt 1 ] && s="-$GOMAXPROCS"
	echo "BenchmarkJobs/workers=$w$s 1 $((100000000 / c + j * 300000 / c)) ns/op 0.1 cpu-sec/op 0 others-sec/op 0 runq-sec/op $GOMAXPROCS gomaxprocs"
done
`

// noisy is the same sweep, every other round twice as slow at 3 and 4
// workers: its knee never settles.
const noisy = `echo "pkg: example.com/m/qsort"
for w in 1 2 3 4; do
	c=$w; [ $c -gt $GOMAXPROCS ] && c=$GOMAXPROCS
	f=1; [ $w -gt 2 ] && [ $((SWEEP_ROTATE % 2)) = 1 ] && f=2
	s=""; [ $GOMAXPROCS -gt 1 ] && s="-$GOMAXPROCS"
	echo "BenchmarkSortMany/workers=$w$s 1 $((100000000 * f / c)) ns/op 0.1 cpu-sec/op 0 others-sec/op 0 runq-sec/op $GOMAXPROCS gomaxprocs"
done
`

const canary = `echo "pkg: example.com/m/internal/canary"
echo "BenchmarkCanary 1 1000000 ns/op"
`

type rig struct {
	m    *measurer
	raw  *os.File
	out  *bytes.Buffer
	tree string
}

func newRig(t *testing.T, plan Plan, budget time.Duration, scripts map[string]string) *rig {
	t.Helper()
	tree, bin := t.TempDir(), t.TempDir()
	for _, s := range append([]Suite{plan.Canary}, plan.Suites...) {
		require.NoError(t, os.MkdirAll(filepath.Join(tree, s.Pkg), 0o755))
		fake(t, bin, s.Binary(), scripts[s.ID])
	}
	raw, err := os.Create(filepath.Join(t.TempDir(), "raw.txt"))
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	header := "cores: 2\nlooks: 6 12 20\n"
	_, err = raw.WriteString(header)
	require.NoError(t, err)
	out := &bytes.Buffer{}
	m, err := newMeasurer(plan, "bench", Env{Stdout: out}, map[Side]string{One: tree}, map[Side]string{One: bin}, map[Side]*os.File{One: raw})
	require.NoError(t, err)
	m.header, m.budget = header, budget
	return &rig{m: m, raw: raw, out: out, tree: tree}
}

func suite(id, pkg string, procs ...int) Suite {
	return Suite{ID: id, Label: id, Pkg: pkg, Bench: ".", Benchtime: "1x", Procs: procs}
}

func fakeCanary() Suite {
	return Suite{ID: "canary", Label: "canary", Pkg: "./internal/canary", Bench: ".", Benchtime: "1x", Procs: []int{1}, Canary: true}
}

func rounds(t *testing.T, path, name string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Count(string(data), name+" ")
}

func TestMeasureSettles(t *testing.T) {
	sha, qsort := suite("sha", "./sha", 1, 2), suite("qsort", "./qsort", 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha, qsort}, Sides: []Side{One}, Looks: []int{6, 12, 20}}
	r := newRig(t, plan, time.Hour, map[string]string{"sha": steady, "qsort": noisy, "canary": canary})
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	// sha settles at the first look and stops; qsort never settles and
	// runs to the last look.
	assert.Equal(t, Last, res.stop)
	assert.Equal(t, 20, res.rounds)
	assert.Equal(t, []string{"qsort"}, IDs(res.open))
	assert.Equal(t, 6, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=2-2"))
	assert.Equal(t, 20, rounds(t, r.raw.Name(), "BenchmarkSortMany/workers=2-2"))
	assert.Equal(t, 40, rounds(t, r.raw.Name(), "BenchmarkCanary"), "the canary opens and closes every round")
	assert.Contains(t, r.out.String(), "round 7/12")
}

func TestMeasureBudget(t *testing.T) {
	qsort := suite("qsort", "./qsort", 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{qsort}, Sides: []Side{One}, Looks: []int{6, 12, 20}}
	r := newRig(t, plan, time.Nanosecond, map[string]string{"qsort": noisy, "canary": canary})
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Budget, res.stop, "past its budget, the first look's rounds only")
	assert.Equal(t, 6, res.rounds)
	assert.Greater(t, res.need, res.spent, "it says what budget the next look needs")
}

func TestMeasureFixedCount(t *testing.T) {
	sha := suite("sha", "./sha", 1, 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha}, Sides: []Side{One}, Count: 8}
	r := newRig(t, plan, 0, map[string]string{"sha": steady, "canary": canary})
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Counted, res.stop)
	assert.Equal(t, 8, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=1"), "a fixed count measures settled suites too")
}

// cancelAt is a progress writer that cancels when the progress reaches a
// round.
type cancelAt struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	round  string
	cancel context.CancelFunc
}

func (c *cancelAt) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(c.round)) {
		c.cancel()
	}
	return c.buf.Write(p)
}

func TestMeasureInterrupted(t *testing.T) {
	sha := suite("sha", "./sha", 1, 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha}, Sides: []Side{One}, Count: 6}
	slow := steady + "if [ $SWEEP_ROTATE = 2 ]; then sleep 5; fi\n"
	r := newRig(t, plan, 0, map[string]string{"sha": slow, "canary": canary})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Interrupted in round 3, while sha sleeps: rounds 1 and 2 are kept,
	// whole, and nothing of round 3.
	r.m.progress.w = &cancelAt{round: "round 3/6 [2/", cancel: cancel}
	res, err := r.m.run(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, res.rounds)
	require.NoError(t, r.m.truncate())
	assert.Equal(t, 2, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=1"))
	assert.Equal(t, 4, rounds(t, r.raw.Name(), "BenchmarkCanary"))
}

// TestMeasureFailure: a suite that fails in round 8 has that round cut
// (its GOMAXPROCS=1 process, which passed, too) and measures no more; the
// other suite and the canary measure every round, and the failed
// process's output is kept beside raw.txt.
func TestMeasureFailure(t *testing.T) {
	sha, qsort := suite("sha", "./sha", 1, 2), suite("qsort", "./qsort", 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha, qsort}, Sides: []Side{One}, Count: 10}
	broken := steady + `if [ $GOMAXPROCS = 2 ] && [ $SWEEP_ROTATE = 7 ]; then echo "--- FAIL: BenchmarkJobs/workers=2-2"; echo "    jobs_test.go:12: wrong digest"; fi` + "\n"
	r := newRig(t, plan, 0, map[string]string{"sha": broken, "qsort": noisy, "canary": canary})
	res, err := r.m.run(context.Background())
	require.NoError(t, err, "a suite's failure does not end the run")
	assert.Equal(t, 10, res.rounds)
	assert.Equal(t, Counted, res.stop)
	require.Len(t, res.failed, 1)
	f := res.failed[0]
	assert.Equal(t, "sha", f.Suite.ID)
	assert.Equal(t, 8, f.Round)
	assert.Equal(t, "sha at GOMAXPROCS=2 failed in round 8", f.Msg)
	assert.Equal(t, filepath.Join(filepath.Dir(r.raw.Name()), "failed-sha.txt"), f.Log)
	log, err := os.ReadFile(f.Log)
	require.NoError(t, err)
	assert.Contains(t, string(log), "wrong digest")

	raw, err := os.ReadFile(r.raw.Name())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "FAIL", "the failed process's output is not in raw.txt")
	assert.Equal(t, 7, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=1"), "round 8 of sha cut whole: GOMAXPROCS=1 too")
	assert.Equal(t, 7, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=2-2"))
	assert.Equal(t, 10, rounds(t, r.raw.Name(), "BenchmarkSortMany/workers=2-2"), "the other suite measured every round")
	assert.Equal(t, 20, rounds(t, r.raw.Name(), "BenchmarkCanary"))
	assert.Equal(t, map[string]int{"canary": 10, "sha": 7, "qsort": 10}, r.m.ran)
	assert.Equal(t, 7, bytes.Count(r.m.suiteOut["sha"].Bytes(), []byte("BenchmarkJobs/workers=1 ")), "the looks see the cut rounds only")
	assert.Contains(t, r.out.String(), "sha at GOMAXPROCS=2 failed in round 8: round 8 of it cut, measuring the others on")

	err = failedError(res.failed, filepath.Dir(r.raw.Name()))
	var ee *cli.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, cli.ExitFailure, ee.Code)
	assert.Equal(t, "sha at GOMAXPROCS=2 failed in round 8 (its output in failed-sha.txt; its 7 complete rounds are reported); every other suite measured its rounds", ee.Msg)
}

// TestMeasureFailureLooks: in a looking run the failed suite is no
// longer open, and a run whose every suite failed stops.
func TestMeasureFailureLooks(t *testing.T) {
	qsort := suite("qsort", "./qsort", 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{qsort}, Sides: []Side{One}, Looks: []int{6, 12, 20}}
	broken := noisy + `if [ $SWEEP_ROTATE = 8 ]; then exit 1; fi` + "\n"
	r := newRig(t, plan, time.Hour, map[string]string{"qsort": broken, "canary": canary})
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Failed, res.stop)
	assert.Equal(t, 9, res.rounds, "round 9: qsort failed, the canary measured")
	require.Len(t, res.failed, 1)
	assert.Equal(t, 9, res.failed[0].Round)
	assert.Equal(t, 8, rounds(t, r.raw.Name(), "BenchmarkSortMany/workers=2-2"))
	assert.Empty(t, res.open)
}

// TestMeasureCanaryFails: without the canary no round is judged: the
// rounds end, cut back to the last complete one.
func TestMeasureCanaryFails(t *testing.T) {
	sha := suite("sha", "./sha", 1, 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha}, Sides: []Side{One}, Count: 6}
	broken := canary + `if [ $SWEEP_ROTATE = 3 ]; then echo panic: boom; fi` + "\n"
	r := newRig(t, plan, 0, map[string]string{"sha": steady, "canary": broken})
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Failed, res.stop)
	assert.Equal(t, 3, res.rounds)
	assert.Equal(t, 3, rounds(t, r.raw.Name(), "BenchmarkJobs/workers=1"))
	assert.Equal(t, 6, rounds(t, r.raw.Name(), "BenchmarkCanary"))
	require.Len(t, res.failed, 1)
	assert.True(t, res.failed[0].Suite.Canary)
	err = failedError(res.failed, filepath.Dir(r.raw.Name()))
	require.Error(t, err)
	assert.Equal(t, "canary at GOMAXPROCS=1 failed in round 4 (its output in failed-canary.txt; the rounds before it are reported); the rounds ended there", err.Error())
}

// TestMeasureFailureAB: in bench-ab a suite failing on one side is cut
// on both, so that the sides' rounds stay pairs.
func TestMeasureFailureAB(t *testing.T) {
	sha := suite("sha", "./sha", 1, 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha}, Sides: []Side{Old, New}, Count: 6}
	tree, dir := t.TempDir(), t.TempDir()
	bins := map[Side]string{Old: t.TempDir(), New: t.TempDir()}
	files := map[Side]*os.File{}
	for side, bin := range bins {
		for _, s := range []Suite{plan.Canary, sha} {
			require.NoError(t, os.MkdirAll(filepath.Join(tree, s.Pkg), 0o755))
			body := steady
			if s.Canary {
				body = canary
			}
			if side == New && !s.Canary {
				body += `if [ $SWEEP_ROTATE = 3 ] && [ $GOMAXPROCS = 2 ]; then exit 2; fi` + "\n"
			}
			fake(t, bin, s.Binary(), body)
		}
		f, err := os.Create(filepath.Join(dir, string(side)+".txt"))
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		files[side] = f
	}
	m, err := newMeasurer(plan, "bench-ab", Env{Stdout: &bytes.Buffer{}}, map[Side]string{One: tree, Old: tree, New: tree}, bins, files)
	require.NoError(t, err)
	res, err := m.run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Failed, res.stop, "no suite left")
	assert.Equal(t, 4, res.rounds)
	require.Len(t, res.failed, 1)
	assert.Equal(t, "sha (new) at GOMAXPROCS=2 failed in round 4", res.failed[0].Msg)
	assert.Equal(t, filepath.Join(dir, "failed-sha-new.txt"), res.failed[0].Log)
	for side, f := range files {
		assert.Equal(t, 3, rounds(t, f.Name(), "BenchmarkJobs/workers=1"), side)
		assert.Equal(t, 3, rounds(t, f.Name(), "BenchmarkJobs/workers=2-2"), side)
		assert.Equal(t, 8, rounds(t, f.Name(), "BenchmarkCanary"), side)
		data, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		assert.Equal(t, 4, strings.Count(string(data), bench.RoundMarker), "every round begins with its line")
		rs, err := bench.ReadRounds(bench.Input{Name: f.Name(), Data: data}, "sec/op")
		require.NoError(t, err)
		assert.Len(t, rs["example.com/m/sha Jobs/workers=2-2"], 3, side)
		assert.Len(t, rs["example.com/m/internal/canary Canary"][4], 2, "the canary's round 4 stays, twice")
	}
}

// TestMeasureInterruptedGroup: Ctrl-C reaches the test binary too, which
// may die of it before the run's own context is cancelled; the run still
// ends as interrupted, not as a failure.
func TestMeasureInterruptedGroup(t *testing.T) {
	sha := suite("sha", "./sha", 1, 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{sha}, Sides: []Side{One}, Count: 6}
	dies := steady + "if [ $SWEEP_ROTATE = 1 ]; then kill -INT $$; sleep 1; fi\n"
	r := newRig(t, plan, 0, map[string]string{"sha": dies, "canary": canary})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		time.Sleep(300 * time.Millisecond) // after the binary died
		cancel()
	}()
	res, err := r.m.run(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, res.rounds)
}

// wobbly is a CPU-bound sweep at GOMAXPROCS 1 and N on a host whose
// parallel speed moves from round to round (every other round, the
// counts past 1 take twice as long, on the same CPU time): the parallel
// column's gain is undecided, the chapter's row with it, and more rounds
// are what could decide it. busy adds a machine's evidence to those
// rounds (others' CPU and a run queue): a CPU hog, which more rounds do
// not quiet.
func wobbly(busy bool) string {
	others := "0"
	if busy {
		others = "0.15"
	}
	return `echo "pkg: example.com/m/primes"
for w in 1 2 3 4; do
	c=$w; [ $c -gt $GOMAXPROCS ] && c=$GOMAXPROCS
	f=1; o=0; q=0
	if [ $GOMAXPROCS -gt 1 ] && [ $w -gt 1 ] && [ $((SWEEP_ROTATE % 2)) = 1 ]; then f=2; o=` + others + `; q=` + others + `; fi
	s=""; [ $GOMAXPROCS -gt 1 ] && s="-$GOMAXPROCS"
	echo "BenchmarkMap/workers=$w$s 1 $((100000000 * f / c)) ns/op 0.1 cpu-sec/op $o others-sec/op $q runq-sec/op $GOMAXPROCS gomaxprocs"
done
`
}

// TestMeasureTableGoesOn: past its budget, a looking run measures on the
// suites whose chapter rows are undecided for want of rounds, within
// the table's cap; the suites undecided for other reasons stop at the
// budget, and beside a busy machine nothing goes on.
func TestMeasureTableGoesOn(t *testing.T) {
	primes, qsort := suite("primes", "./primes", 1, 2), suite("qsort", "./qsort", 2)
	plan := Plan{Canary: fakeCanary(), Suites: []Suite{primes, qsort}, Sides: []Side{One}, Looks: []int{6, 12, 20}}

	r := newRig(t, plan, time.Nanosecond, map[string]string{"primes": wobbly(false), "qsort": noisy, "canary": canary})
	r.m.tableCap = time.Hour
	res, err := r.m.run(context.Background())
	require.NoError(t, err)
	assert.True(t, res.extended, "the chapter's row went on past the budget")
	assert.Equal(t, []string{"primes"}, IDs(res.table))
	assert.Equal(t, []string{"qsort"}, IDs(res.left), "qsort has no row of the table: it stops at the budget")
	assert.Equal(t, 20, res.rounds)
	assert.Equal(t, 20, rounds(t, r.raw.Name(), "BenchmarkMap/workers=2-2"))
	assert.Equal(t, 6, rounds(t, r.raw.Name(), "BenchmarkSortMany/workers=2-2"))
	assert.Equal(t, Last, res.stop)
	assert.ElementsMatch(t, []string{"primes", "qsort"}, IDs(res.open), "both named undecided at the end")

	// The cap is a cap: a look past it is not taken.
	r = newRig(t, plan, time.Nanosecond, map[string]string{"primes": wobbly(false), "qsort": noisy, "canary": canary})
	r.m.tableCap = 2 * time.Nanosecond
	res, err = r.m.run(context.Background())
	require.NoError(t, err)
	assert.False(t, res.extended)
	assert.Equal(t, Budget, res.stop)
	assert.Equal(t, 6, res.rounds)

	// Beside a CPU hog the row is undecided by disturbed points: the run
	// stops at its budget, as before.
	r = newRig(t, plan, time.Nanosecond, map[string]string{"primes": wobbly(true), "qsort": noisy, "canary": canary})
	r.m.tableCap = time.Hour
	res, err = r.m.run(context.Background())
	require.NoError(t, err)
	assert.False(t, res.extended, "a busy machine's rows do not take the run past its budget")
	assert.Equal(t, Budget, res.stop)
	assert.Equal(t, 6, res.rounds)
	assert.Contains(t, IDs(res.open), "primes", "its row undecided, named so")
}

// recordedLook is a recorded make bench's output as the measurer holds it
// at a look after round r: its configuration lines, and each suite's
// results of its first r rounds (the canary's left out).
func recordedLook(t *testing.T, file string, r int) (string, []Suite, map[string][]byte) {
	t.Helper()
	data := benchtest.Recorded(t, file)
	suites, err := Choose(knobs(t, nil), 2, "")
	require.NoError(t, err)
	header, _, _ := strings.Cut(string(data), "goos:")
	outs := map[string][]byte{}
	seen := map[string]int{}
	pkg := ""
	for line := range strings.Lines(string(data)) {
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		var id string
		for _, s := range suites {
			if strings.HasSuffix(pkg, strings.TrimPrefix(s.Pkg, ".")) {
				id = s.ID
				break
			}
		}
		if id == "downloads" && !strings.HasSuffix(name, "-2") {
			id = "downloads1"
		}
		if id == "" {
			continue // the canary
		}
		if seen[name]++; seen[name] > r {
			continue
		}
		outs[id] = append(outs[id], "pkg: "+pkg+"\n"+line...)
	}
	return header, suites, outs
}

// TestLookRecorded: the looks' judgement on recorded default runs at
// round 6. Issue 36's run (primes' rounds 2 and 5 on a core 1.7x
// slower, the host not busy) leaves primes' row undecided by rounds more
// can decide: primes goes on past the budget. In it and in the quiet run
// it was made from, arcfour's and sha's rows are undecided too: their
// round 1 at GOMAXPROCS=1 (the cold first round, with the sites pass) took
// 1.5x the CPU per op of the others, is left out as a slower core's, and
// leaves 5 runs, too few for an interval: they go on as well. Beside a
// CPU hog every row is disturbed: nothing goes on.
func TestLookRecorded(t *testing.T) {
	header, suites, outs := recordedLook(t, "slowcore_make_bench_looks.txt.gz", 6)
	still, table := lookAt(header, suites, outs, suites)
	assert.Subset(t, IDs(still), IDs(table))
	assert.Equal(t, []string{"arcfour", "sha", "primes"}, IDs(table), "the slow core's rows go on")

	header, suites, outs = recordedLook(t, "real_make_bench_looks.txt.gz", 6)
	_, table = lookAt(header, suites, outs, suites)
	assert.Equal(t, []string{"arcfour", "sha"}, IDs(table), "the quiet run: the cold first round's rows")

	header, suites, outs = recordedLook(t, "real_make_bench_looks_busy.txt.gz", 6)
	still, table = lookAt(header, suites, outs, suites)
	assert.NotEmpty(t, still, "beside a hog, rows are undecided")
	assert.Empty(t, IDs(table), "a busy machine's rows do not go on")
}
