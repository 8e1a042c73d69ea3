package sweep_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/limits"
	"github.com/futuresbench/futures/sweep"
)

func TestCountsFor(t *testing.T) {
	tests := []struct {
		procs int
		want  []int // nil: check the properties only
	}{
		{procs: 1, want: []int{1, 2, 3, 4}},
		{procs: 2, want: []int{1, 2, 3, 4}},
		{procs: 4, want: []int{1, 2, 3, 4, 5, 6, 8}},
		{procs: 64},
		{procs: 96},
		{procs: 1000},
		{procs: 1 << 20},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("procs=%d", tt.procs), func(t *testing.T) {
			got := sweep.CountsFor(tt.procs)
			if tt.want != nil {
				assert.Equal(t, tt.want, got)
			}
			assert.LessOrEqual(t, len(got), sweep.MaxCounts)
			assert.True(t, slices.IsSorted(got), "ascending: %v", got)
			assert.Equal(t, len(got), len(slices.Compact(slices.Clone(got))), "no count twice: %v", got)
			for _, c := range []int{1, tt.procs, max(2*tt.procs, 4)} {
				assert.Contains(t, got, c)
			}
			if tt.procs > 2 {
				assert.Contains(t, got, tt.procs-1)
				assert.Contains(t, got, tt.procs+1)
			}
			// Geometric: no gap wider than 4x between neighbours below procs.
			for i := 1; i < len(got) && got[i] <= tt.procs; i++ {
				assert.LessOrEqual(t, got[i], 4*got[i-1], "gap in %v", got)
			}
		})
	}
}

// BenchmarkProbe is run by TestWorkersOutput in a child process.
func BenchmarkProbe(b *testing.B) {
	sweep.Workers(b, func(b *testing.B, workers int) {
		for b.Loop() {
		}
	})
}

// TestWorkersOutput runs BenchmarkProbe in a child test process with
// GOMAXPROCS set in its environment, as make bench does, and checks the
// lines it prints: workers=N for each count at that setting, Go's -N suffix
// for GOMAXPROCS (none for 1), and a gomaxprocs metric that agrees with it.
func TestWorkersOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	for _, procs := range []int{1, 2, 5} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkProbe$", "-test.benchtime=1x")
			cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs))
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			line := regexp.MustCompile(`(?m)^BenchmarkProbe/workers=(\d+)(-\d+)?\s+\d+\s+.*?\s([0-9.]+) gomaxprocs`)
			var got []int
			for _, m := range line.FindAllStringSubmatch(string(out), -1) {
				w, _ := strconv.Atoi(m[1])
				got = append(got, w)
				suffix := ""
				if procs > 1 {
					suffix = fmt.Sprintf("-%d", procs)
				}
				assert.Equal(t, suffix, m[2], "suffix of workers=%d", w)
				assert.Equal(t, fmt.Sprintf("%d.000", procs), m[3], "gomaxprocs metric of workers=%d", w)
			}
			assert.Equal(t, sweep.CountsFor(procs), got, "output:\n%s", out)
		})
	}
}

var sink uint64

// TestMeasure: the CPU per op of a CPU-bound loop on one goroutine is
// positive and no more than the time per op on GOMAXPROCS threads; the
// GOMAXPROCS it ran at is reported.
func TestMeasure(t *testing.T) {
	r := testing.Benchmark(func(b *testing.B) {
		sweep.Measure(b, func(b *testing.B) {
			x := uint64(1)
			for b.Loop() {
				for range 10_000 {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
				}
			}
			sink = x
		})
	})
	cpu, wall := r.Extra["cpu-sec/op"], float64(r.T.Seconds())/float64(r.N)
	assert.Positive(t, cpu)
	assert.LessOrEqual(t, cpu, 1.5*wall*float64(runtime.GOMAXPROCS(0)), "cpu %g s/op against %g s/op of wall time", cpu, wall)
	assert.Equal(t, float64(runtime.GOMAXPROCS(0)), r.Extra["gomaxprocs"])
}

// TestRotate: SWEEP_ROTATE=r starts the sweep r counts further along.
func TestRotate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkProbe$", "-test.benchtime=1x")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2", "SWEEP_ROTATE=5")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^BenchmarkProbe/workers=(\d+)-2 `).FindAllStringSubmatch(string(out), -1) {
		got = append(got, m[1])
	}
	assert.Equal(t, []string{"2", "3", "4", "1"}, got, "5 mod 4 = 1 place along")
}

// TestMakespan: longest first onto the least loaded worker. Five tasks of
// 10 and one of 3 on 2 workers: 10+10+10 and 10+10+3, so 30; on 6 workers
// the longest task, 10; on 1 worker the sum, 53.
func TestMakespan(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tasks := []time.Duration{ms(10), ms(3), ms(10), ms(10), ms(10), ms(10)}
	assert.Equal(t, ms(30), sweep.Makespan(tasks, 2))
	assert.Equal(t, ms(10), sweep.Makespan(tasks, 6))
	assert.Equal(t, ms(53), sweep.Makespan(tasks, 1))
	assert.Equal(t, ms(53), sweep.Makespan(tasks, 0), "fewer than one worker is one")
	assert.Equal(t, []time.Duration{ms(10), ms(3), ms(10), ms(10), ms(10), ms(10)}, tasks, "the input is not reordered")
}

// TestEvidence: Measure reports the evidence metrics, lock waits where
// goroutines contend for a mutex, and the declared best and tasks although
// they were declared before b.Loop, which deletes the metrics reported
// before it.
func TestEvidence(t *testing.T) {
	var mu sync.Mutex
	r := testing.Benchmark(func(b *testing.B) {
		sweep.Measure(b, func(b *testing.B) {
			sweep.ReportBest(b, 3*time.Millisecond)
			sweep.ReportTasks(b, 4)
			for b.Loop() {
				var wg sync.WaitGroup
				for range 4 {
					wg.Go(func() {
						mu.Lock()
						time.Sleep(200 * time.Microsecond)
						mu.Unlock()
					})
				}
				wg.Wait()
			}
		})
	})
	assert.Equal(t, 0.003, r.Extra[sweep.UnitBest])
	assert.Equal(t, 4.0, r.Extra[sweep.UnitTasks])
	assert.Positive(t, r.Extra[sweep.UnitLock], "four goroutines on one mutex wait for it: %v", r.Extra)
	for _, unit := range []string{sweep.UnitGC, sweep.UnitSched} {
		assert.Contains(t, r.Extra, unit)
	}
	if runtime.GOOS == "linux" {
		for _, unit := range []string{sweep.UnitOthers, sweep.UnitRunq} {
			assert.Contains(t, r.Extra, unit)
			assert.GreaterOrEqual(t, r.Extra[unit], 0.0, unit)
		}
	}
}

// BenchmarkEvidenceCost is the same sweep point measured with and without
// the evidence reads: compare with
//
//	go test -run '^$' -bench EvidenceCost -count 10 ./sweep | benchstat -col /evidence -
//
// The reads run with the timer stopped, so the time per op must not move.
func BenchmarkEvidenceCost(b *testing.B) {
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("evidence=%v", on), func(b *testing.B) {
			sweep.SetEvidence(on)
			defer sweep.SetEvidence(true)
			sweep.Measure(b, func(b *testing.B) {
				for b.Loop() {
					sink += limits.Spin(20_000)
				}
			})
		})
	}
}

// BenchmarkLoopWatchCost is what Measure's watch for the loop's start
// costs: a benchmark written with b.Loop (the watcher ends at its start),
// and one written with b.N, which never resets its timer (the watcher
// runs in its first, one-op run only).
func BenchmarkLoopWatchCost(b *testing.B) {
	for _, style := range []string{"loop", "N"} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("style=%s/watch=%v", style, on), func(b *testing.B) {
				sweep.SetLoopWatch(on)
				defer sweep.SetLoopWatch(true)
				sweep.Measure(b, func(b *testing.B) {
					if style == "loop" {
						for b.Loop() {
							sink += limits.Spin(20_000)
						}
						return
					}
					for range b.N {
						sink += limits.Spin(20_000)
					}
				})
			})
		}
	}
}

// BenchmarkSnapshot is the wall time of one read of the evidence; Measure
// makes two per sub-benchmark run, outside the timer. Against a benchtime
// of 500ms it is the overhead of the whole sweep.
func BenchmarkSnapshot(b *testing.B) {
	for b.Loop() {
		sweep.Snapshot()
	}
}
