package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/pool"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func square(_ context.Context, n int) (int, error) { return n * n, nil }

var errOdd = errors.New("odd input")

func failOnOdd(_ context.Context, n int) (int, error) {
	if n%2 == 1 {
		return 0, fmt.Errorf("input %d: %w", n, errOdd)
	}
	return n, nil
}

func TestCollect(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		inputs  []int
		fn      pool.Func[int, int]
		want    []int
		wantErr error
	}{
		{name: "empty", workers: 3, inputs: nil, fn: square, want: []int{}},
		{name: "one worker", workers: 1, inputs: []int{1, 2, 3}, fn: square, want: []int{1, 4, 9}},
		{name: "more workers than inputs", workers: 10, inputs: []int{3, 2, 1}, fn: square, want: []int{9, 4, 1}},
		{name: "no limit (workers=0)", workers: 0, inputs: []int{4, 5}, fn: square, want: []int{16, 25}},
		{name: "no limit (workers=-1)", workers: -1, inputs: []int{6}, fn: square, want: []int{36}},
		{name: "error", workers: 2, inputs: []int{2, 4, 5, 6}, fn: failOnOdd, wantErr: errOdd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pool.Collect(t.Context(), tt.workers, tt.inputs, tt.fn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestMapBoundsWorkers checks that no more than workers calls run at once,
// and that the bound is reached.
func TestMapBoundsWorkers(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var running, peak atomic.Int32
				fn := func(ctx context.Context, n int) (int, error) {
					cur := running.Add(1)
					for {
						old := peak.Load()
						if cur <= old || peak.CompareAndSwap(old, cur) {
							break
						}
					}
					time.Sleep(time.Second)
					running.Add(-1)
					return n, nil
				}
				inputs := make([]int, 20)
				_, err := pool.Collect(t.Context(), workers, inputs, fn)
				require.NoError(t, err)
				assert.Equal(t, int32(workers), peak.Load())
			})
		})
	}
}

// TestMapFirstErrorInInputOrder: the error of a later input that fails first
// is not reported before the earlier inputs have been yielded.
func TestMapFirstErrorInInputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fn := func(ctx context.Context, n int) (int, error) {
			time.Sleep(time.Duration(n) * time.Second)
			if n == 1 {
				return 0, errOdd
			}
			return n, nil
		}
		var got []int
		var gotErr error
		for v, err := range pool.Map(t.Context(), 4, []int{3, 2, 1, 4}, fn) {
			if err != nil {
				gotErr = err
				break
			}
			got = append(got, v)
		}
		assert.Equal(t, []int{3, 2}, got)
		assert.ErrorIs(t, gotErr, errOdd)
	})
}

func TestCompletedReportsEveryError(t *testing.T) {
	seen := map[int]error{}
	for r := range pool.Completed(t.Context(), 2, []int{1, 2, 3, 4}, failOnOdd) {
		_, dup := seen[r.Index]
		require.False(t, dup, "index %d yielded twice", r.Index)
		seen[r.Index] = r.Err
	}
	require.Len(t, seen, 4)
	assert.ErrorIs(t, seen[0], errOdd)
	assert.NoError(t, seen[1])
	assert.ErrorIs(t, seen[2], errOdd)
	assert.NoError(t, seen[3])
}

func TestPanicBecomesError(t *testing.T) {
	boom := errors.New("boom")
	fn := func(_ context.Context, n int) (int, error) {
		switch n {
		case 7:
			panic("seven")
		case 8:
			panic(boom)
		}
		return n, nil
	}
	_, err := pool.Collect(t.Context(), 2, []int{1, 7, 3}, fn)
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 1, pe.Index)
	assert.Equal(t, "seven", pe.Value)
	assert.Contains(t, pe.Error(), "input 1")
	assert.NotEmpty(t, pe.Stack)

	_, err = pool.Collect(t.Context(), 2, []int{1, 8}, fn)
	assert.ErrorIs(t, err, boom, "a panic with an error value unwraps to it")
}

// TestCancel: cancelling ctx stops the work; calls under way see it, inputs
// never started are reported as skipped, and every input is yielded once.
func TestCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var calls atomic.Int32
		fn := func(ctx context.Context, n int) (int, error) {
			calls.Add(1)
			select {
			case <-time.After(time.Hour):
				return n, nil
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start := time.Now()
		var skipped, cancelled int
		for r := range pool.Completed(ctx, 3, make([]int, 10), fn) {
			require.ErrorIs(t, r.Err, context.Canceled)
			if errors.Is(r.Err, pool.ErrSkipped) {
				skipped++
			} else {
				cancelled++
			}
		}
		assert.Equal(t, time.Second, time.Since(start))
		assert.Equal(t, 3, cancelled)
		assert.Equal(t, 7, skipped)
		assert.Equal(t, int32(3), calls.Load())

		_, err := pool.Collect(ctx, 2, []int{1, 2}, square)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, pool.ErrSkipped)
	})
}

// TestBreakStopsWork: leaving the loop early cancels calls still running and
// returns only when they have ended (goleak checks none outlive the test).
func TestBreakStopsWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var started, ended atomic.Int32
		fn := func(ctx context.Context, n int) (int, error) {
			started.Add(1)
			defer ended.Add(1)
			if n == 0 {
				return 0, nil
			}
			<-ctx.Done() // only the cancel from the break ends this call
			return 0, ctx.Err()
		}
		inputs := []int{0, 1, 2, 3, 4, 5}
		for range pool.Map(t.Context(), 4, inputs, fn) {
			break
		}
		assert.Positive(t, started.Load())
		assert.Equal(t, started.Load(), ended.Load(), "Map returned before its calls ended")
		for range pool.Completed(t.Context(), 4, inputs, fn) {
			break
		}
		assert.Equal(t, started.Load(), ended.Load(), "Completed returned before its calls ended")
	})
}

// loiter is the task of the chapter's demo: it sleeps n seconds and returns 10*n.
func loiter(_ context.Context, n int) (int, error) {
	time.Sleep(time.Duration(n) * time.Second)
	return 10 * n, nil
}

type event struct {
	Value int
	At    time.Duration // fake time since the start
}

// assertCompletionOrder checks a completion-order sequence: the fake time of
// every result exactly, hence the order of results that end at different
// times. Results that end at the same fake instant may come in any order
// (which goroutine the scheduler runs first is not ours to fix, just as
// as_completed orders ties arbitrarily), so within a tie it checks the set.
func assertCompletionOrder(t *testing.T, want, got []event) {
	t.Helper()
	require.Len(t, got, len(want))
	times := func(es []event) (ts []time.Duration) {
		for _, e := range es {
			ts = append(ts, e.At)
		}
		return ts
	}
	require.Equal(t, times(want), times(got), "fake times of the results, in order")
	for i := 0; i < len(want); {
		j := i
		for j < len(want) && want[j].At == want[i].At {
			j++
		}
		assert.ElementsMatch(t, want[i:j], got[i:j], "results at %v", want[i].At)
		i = j
	}
}

// TestLoiter is the "loiter" experiment of Fluent Python's chapter on
// concurrent.futures (demo_executor_map.py): 5 tasks, 3 workers, in fake time.
func TestLoiter(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name      string
		sleeps    []int
		map_      []event // what Map yields, in order
		completed []event // what Completed yields, in order
	}{
		{
			name:   "sleeps 0..4",
			sleeps: []int{0, 1, 2, 3, 4},
			map_:   []event{{0, 0}, {10, 1 * s}, {20, 2 * s}, {30, 3 * s}, {40, 5 * s}},
			// Task 3 starts when task 0 ends (0s) and ends at 3s; task 4 starts
			// when task 1 ends (1s) and ends at 5s.
			completed: []event{{0, 0}, {10, 1 * s}, {20, 2 * s}, {30, 3 * s}, {40, 5 * s}},
		},
		{
			name:   "sleeps 4..0",
			sleeps: []int{4, 3, 2, 1, 0},
			map_:   []event{{40, 4 * s}, {30, 4 * s}, {20, 4 * s}, {10, 4 * s}, {0, 4 * s}},
			// The 2 s task ends at 2s and frees a worker for the 1 s task
			// (ends at 3s); the 3 s task ends at 3s and frees one for the 0 s
			// task; the 4 s task ends last.
			completed: []event{{20, 2 * s}, {30, 3 * s}, {10, 3 * s}, {0, 3 * s}, {40, 4 * s}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/Map", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var got []event
				for v, err := range pool.Map(t.Context(), 3, tt.sleeps, loiter) {
					require.NoError(t, err)
					got = append(got, event{v, time.Since(start)})
				}
				assert.Equal(t, tt.map_, got)
			})
		})
		t.Run(tt.name+"/Completed", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var got []event
				for r := range pool.Completed(t.Context(), 3, tt.sleeps, loiter) {
					require.NoError(t, r.Err)
					assert.Equal(t, 10*tt.sleeps[r.Index], r.Value, "value of input %d", r.Index)
					got = append(got, event{r.Value, time.Since(start)})
				}
				assertCompletionOrder(t, tt.completed, got)
			})
		})
	}
}
