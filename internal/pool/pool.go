// Package pool is the executor every workload of this module runs on: a bounded
// set of worker goroutines that applies a function to every element of a slice,
// in the spirit of Python's concurrent.futures.Executor.
//
// Two forms are offered:
//
//   - [Map] yields results in input order, like Executor.map: a result is
//     yielded only when every result before it is done, even if later ones
//     finished first. [Collect] gathers Map into a slice.
//   - [Completed] yields each result, tagged with the index of its input, as
//     soon as it is done, like submit + as_completed.
//
// Contracts shared by both forms:
//
//   - At most workers calls of fn run at once. workers < 1 means no limit:
//     one goroutine per input (as errgroup.Group.SetLimit does for a negative
//     limit).
//   - Both are synchronous: every goroutine they start has ended by the time
//     the iteration ends, whether it ran to the end, the caller broke out of
//     the loop, or ctx was cancelled. Breaking out of the loop cancels the
//     context passed to calls of fn that are still running.
//   - A panic inside fn is recovered and becomes a [*PanicError] that names the
//     index of the input; it never crashes the process.
//   - fn is never called for an input once ctx is done; such inputs are
//     reported with an error that matches both [ErrSkipped] and ctx.Err().
package pool

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"

	"golang.org/x/sync/errgroup"
)

// Func is the work applied to each input. It should return promptly once ctx
// is done.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Result is the outcome of one call of fn: the index of its input in the
// slice, and the value or the error that fn returned.
type Result[Out any] struct {
	Index int
	Value Out
	Err   error
}

// ErrSkipped marks an input whose fn was never called because the context was
// done first. Errors that wrap it also wrap the context's error.
var ErrSkipped = errors.New("pool: skipped, context done before start")

// PanicError is the error for an input whose fn panicked.
type PanicError struct {
	Index int    // index of the input in the slice
	Value any    // the value passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("pool: fn panicked on input %d: %v", e.Index, e.Value)
}

// Unwrap returns the panic value if it is an error, so that errors.Is and
// errors.As see through a panic(err).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// call runs fn on one input, turning a panic into a *PanicError and skipping
// the call if ctx is already done.
func call[In, Out any](ctx context.Context, i int, in In, fn Func[In, Out]) (r Result[Out]) {
	r.Index = i
	if err := ctx.Err(); err != nil {
		r.Err = fmt.Errorf("%w: %w", ErrSkipped, err)
		return r
	}
	defer func() {
		if v := recover(); v != nil {
			r.Err = &PanicError{Index: i, Value: v, Stack: debug.Stack()}
		}
	}()
	r.Value, r.Err = fn(ctx, in)
	return r
}

// Completed runs fn over inputs with at most workers concurrent calls and
// yields one Result per input, in the order the calls complete. An error from
// one call does not stop the others: each Result carries its own error (the
// per-item policy of as_completed). If ctx is done, calls under way see it
// through their context and inputs not yet started are yielded with an error
// wrapping [ErrSkipped] and ctx.Err(), so every input is accounted for exactly
// once when the loop runs to the end.
func Completed[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) iter.Seq[Result[Out]] {
	return func(yield func(Result[Out]) bool) {
		ctx, cancel := context.WithCancel(ctx)
		results := make(chan Result[Out])
		go func() {
			var g errgroup.Group
			if workers < 1 {
				workers = -1 // errgroup: negative is no limit, 0 would block forever
			}
			g.SetLimit(workers)
			for i, in := range inputs {
				g.Go(func() error {
					results <- call(ctx, i, in, fn)
					return nil
				})
			}
			_ = g.Wait() // the workers never return an error
			close(results)
		}()
		// However the loop ends, cancel what is left and wait for every
		// goroutine: each worker sends exactly one result, so draining the
		// channel until it is closed joins them all.
		defer func() {
			cancel()
			for range results {
			}
		}()
		for r := range results {
			if !yield(r) {
				return
			}
		}
	}
}

// Map runs fn over inputs with at most workers concurrent calls and yields
// the results in input order, like Executor.map: the result of input i is
// yielded only when those of inputs 0..i-1 have been. The error policy is
// fail-fast in input order: the first error met in that order is yielded
// (with the zero Out) and the iteration ends, cancelling the calls still
// running. If ctx is done, the iteration ends with ctx.Err() (wrapped with
// [ErrSkipped] when it reaches an input that never started).
func Map[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		pending := make(map[int]Result[Out])
		next := 0
		for r := range Completed(ctx, workers, inputs, fn) {
			pending[r.Index] = r
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if r.Err != nil {
					var zero Out
					yield(zero, r.Err)
					return
				}
				if !yield(r.Value, nil) {
					return
				}
			}
		}
	}
}

// Collect runs [Map] to the end and returns the results in input order, or
// the first error in input order.
func Collect[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) ([]Out, error) {
	out := make([]Out, 0, len(inputs))
	for v, err := range Map(ctx, workers, inputs, fn) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
