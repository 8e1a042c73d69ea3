package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/pool"
)

// TestGoexitAccountedFor: a task that calls runtime.Goexit (as t.FailNow does)
// ends only its own call; every input is still accounted for.
func TestGoexitAccountedFor(t *testing.T) {
	fn := func(_ context.Context, n int) (int, error) {
		if n%2 == 1 {
			runtime.Goexit()
		}
		return n, nil
	}
	inputs := []int{0, 1, 2, 3, 4, 5, 6}
	for _, workers := range []int{1, 2, 0} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			got, err := pool.Collect(t.Context(), workers, inputs, fn)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, pool.ErrGoexit)

			seen := map[int]error{}
			for r := range pool.Completed(t.Context(), workers, inputs, fn) {
				seen[r.Index] = r.Err
			}
			require.Len(t, seen, len(inputs))
			for i, err := range seen {
				if i%2 == 1 {
					assert.ErrorIs(t, err, pool.ErrGoexit, "input %d", i)
				} else {
					assert.NoError(t, err, "input %d", i)
				}
			}
		})
	}
}

// TestSeqRangedConcurrently: one sequence ranged from several goroutines at once
// gives independent, complete runs (run with -race).
func TestSeqRangedConcurrently(t *testing.T) {
	inputs := make([]int, 200)
	for i := range inputs {
		inputs[i] = i
	}
	seq := pool.Completed(t.Context(), 0, inputs, square)
	mapped := pool.Map(t.Context(), -1, inputs, square)
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for g := range sums {
		wg.Go(func() {
			if g%2 == 0 {
				for r := range seq {
					sums[g] += r.Value
				}
				return
			}
			for v, err := range mapped {
				if err == nil {
					sums[g] += v
				}
			}
		})
	}
	wg.Wait()
	want := 0
	for _, n := range inputs {
		want += n * n
	}
	for g, s := range sums {
		assert.Equal(t, want, s, "goroutine %d", g)
	}
}

// TestEarliestErrorWins: Map and Collect return the error of the
// earliest input that fails, even when a later one fails first, and then
// cancel the calls still running instead of waiting for them.
func TestEarliestErrorWins(t *testing.T) {
	errA, errB := errors.New("input 0"), errors.New("input 1")
	fn := func(ctx context.Context, i int) (int, error) {
		switch i {
		case 0:
			time.Sleep(3 * time.Second)
			return 0, errA
		case 1:
			time.Sleep(time.Second)
			return 0, errB
		}
		<-ctx.Done() // only a cancel ends the others
		return 0, ctx.Err()
	}
	inputs := []int{0, 1, 2, 3}
	runs := map[string]func(context.Context) error{
		"Collect": func(ctx context.Context) error {
			_, err := pool.Collect(ctx, 3, inputs, fn)
			return err
		},
		"Map": func(ctx context.Context) error {
			for _, err := range pool.Map(ctx, 3, inputs, fn) {
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				err := run(t.Context())
				assert.ErrorIs(t, err, errA)
				assert.Equal(t, 3*time.Second, time.Since(start))
			})
		})
	}
}

// TestGoexitMidChunk: a worker that ends by runtime.Goexit in the middle of
// a chunk of claimed inputs hands the rest of the chunk to its replacement.
func TestGoexitMidChunk(t *testing.T) {
	fn := func(_ context.Context, n int) (int, error) {
		if n == 5 || n == 500 {
			runtime.Goexit()
		}
		return n, nil
	}
	inputs := make([]int, 1000) // chunks of up to 32 at 2 workers
	for i := range inputs {
		inputs[i] = i
	}
	seen := 0
	var goexits []int
	for r := range pool.Completed(t.Context(), 2, inputs, fn) {
		seen++
		if errors.Is(r.Err, pool.ErrGoexit) {
			goexits = append(goexits, r.Index)
		} else {
			require.NoError(t, r.Err)
			assert.Equal(t, r.Index, r.Value)
		}
	}
	assert.Equal(t, len(inputs), seen)
	assert.ElementsMatch(t, []int{5, 500}, goexits)
	_, err := pool.Collect(t.Context(), 2, inputs, fn)
	assert.ErrorIs(t, err, pool.ErrGoexit)
}

// TestCollectFailuresInChunks: Collect publishes what is done by ranges,
// cut at each failed input. Over many inputs and worker counts, with
// errors, panics and runtime.Goexit at random inputs (mid-chunk, at a
// chunk's edge, several in one chunk), it returns the error of the
// earliest failing input, of the right kind, and without failures every
// value in its place. goleak (TestMain) checks no goroutine is left.
func TestCollectFailuresInChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	errBoom := errors.New("boom")
	for trial := range 200 {
		n := 1 + rng.IntN(2000)
		workers := 1 + rng.IntN(5)
		kinds := map[int]int{} // input -> 1 error, 2 panic, 3 Goexit
		for range rng.IntN(4) {
			kinds[rng.IntN(n)] = 1 + rng.IntN(3)
		}
		fn := chaos(kinds, func(i int) (int, error) { return 0, fmt.Errorf("input %d: %w", i, errBoom) })
		got, err := pool.Collect(t.Context(), workers, indices(n), fn)
		first := n
		for i := range kinds {
			first = min(first, i)
		}
		if first == n {
			require.NoError(t, err, "trial %d", trial)
			for i, v := range got {
				require.Equal(t, 2*i, v, "trial %d input %d", trial, i)
			}
			continue
		}
		require.Error(t, err, "trial %d: input %d fails", trial, first)
		assert.Nil(t, got)
		switch kinds[first] {
		case 1:
			assert.ErrorIs(t, err, errBoom, "trial %d", trial)
			assert.Contains(t, err.Error(), fmt.Sprintf("input %d:", first))
		case 2:
			var pe *pool.PanicError
			require.ErrorAs(t, err, &pe, "trial %d", trial)
			assert.Equal(t, first, pe.Index)
		case 3:
			assert.ErrorIs(t, err, pool.ErrGoexit, "trial %d", trial)
			assert.Contains(t, err.Error(), fmt.Sprintf("input %d:", first))
		}
	}
}

// TestCompletedEveryInputOnce: Completed over many inputs and worker counts
// (a lane each up to 64 workers, the shared counter beyond), with errors,
// panics and runtime.Goexit at random inputs, yields every input exactly
// once with its own value or error; broken off at a random point, it
// leaves no goroutine (goleak, TestMain).
func TestCompletedEveryInputOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	errBoom := errors.New("boom")
	for trial := range 150 {
		n := 1 + rng.IntN(1500)
		workers := []int{1, 2, 3, 7, 64, 65, 0}[rng.IntN(7)]
		kinds := map[int]int{}
		for range rng.IntN(5) {
			kinds[rng.IntN(n)] = 1 + rng.IntN(3)
		}
		fn := chaos(kinds, func(i int) (int, error) { return -i, errBoom })
		inputs := indices(n)
		stop := n
		if trial%3 == 0 {
			stop = rng.IntN(n + 1)
		}
		seen := make([]bool, n)
		count := 0
		for r := range pool.Completed(t.Context(), workers, inputs, fn) {
			if count == stop {
				break
			}
			count++
			require.False(t, seen[r.Index], "trial %d: input %d twice", trial, r.Index)
			seen[r.Index] = true
			switch kinds[r.Index] {
			case 0:
				require.NoError(t, r.Err)
				require.Equal(t, 2*r.Index, r.Value)
			case 1:
				require.ErrorIs(t, r.Err, errBoom)
				require.Equal(t, -r.Index, r.Value, "the value fn returned beside its error")
			case 2:
				var pe *pool.PanicError
				require.ErrorAs(t, r.Err, &pe)
				require.Equal(t, r.Index, pe.Index)
			case 3:
				require.ErrorIs(t, r.Err, pool.ErrGoexit)
			}
		}
		require.Equal(t, stop, count, "trial %d (n=%d, workers=%d)", trial, n, workers)
	}
}

// chaos is a task that, by kinds[input], fails (1, with what fail
// returns), panics (2) or calls runtime.Goexit (3), and otherwise returns
// twice its input.
func chaos(kinds map[int]int, fail func(int) (int, error)) pool.Func[int, int] {
	return func(_ context.Context, i int) (int, error) {
		switch kinds[i] {
		case 1:
			return fail(i)
		case 2:
			panic(i)
		case 3:
			runtime.Goexit()
		}
		return 2 * i, nil
	}
}

// indices is 0..n-1.
func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
