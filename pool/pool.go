// Package pool is the executor every workload of this module runs on: a bounded
// set of worker goroutines that applies a function to every element of a slice,
// in the spirit of Python's concurrent.futures.Executor. Its own cost per input
// is that of a loop over an atomic counter or less ([Collect]: a few
// nanoseconds), about that of conc's iter.Map where each result is handed
// over ([Map], [Completed]), so that what a benchmark measures is the work,
// not the pool.
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
//     index of the input; it never crashes the process. A call of
//     runtime.Goexit inside fn (t.FailNow does it) ends only that call: its
//     input gets an error matching [ErrGoexit], and another worker takes over.
//   - Each range over a returned sequence is a run of its own: a sequence may
//     be ranged again, or from several goroutines at once.
//   - fn is never called for an input once ctx is done; such inputs are
//     reported with an error that matches both [ErrSkipped] and ctx.Err().
package pool

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"sync/atomic"
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

// ErrGoexit marks an input whose fn called runtime.Goexit instead of
// returning (t.FailNow and testify's require do, inside a test).
var ErrGoexit = errors.New("pool: fn called runtime.Goexit")

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

// run is the state of one range over a sequence of [Map] (or of
// [Completed] with more than maxLanes workers): long-lived workers claim
// inputs from an atomic counter, write each value into values and publish
// it through slots, where the ranging goroutine picks it up. No channel
// operation is made per input but when the ranging goroutine has found
// nothing to do and gone to sleep.
type run[In, Out any] struct {
	ctx     context.Context
	inputs  []In
	fn      Func[In, Out]
	ordered bool // Map: slots are indexed by input; Completed: by completion

	// values holds what fn returned, by input: no pointers of the pool's
	// own, so that a slice of ints is neither scanned by the collector nor
	// written more than a word a result. The errors, rare, are in errs.
	values []Out
	// slots publishes results. In completion order, slots[k] is 1 + the
	// index of the k-th result to finish; in input order, slots[i] is 1 once
	// the result of input i is written. 0 means not yet. Either is doubled,
	// plus one where the call failed (its error is in errs).
	slots []atomic.Int64
	// The two counters every worker writes, each on a cache line of its
	// own: sharing one, claims and completions would fight over it.
	claims
	done atomic.Int64 // results finished, in completion order
	_    [56]byte

	waker
	crew
	errs inputErrors
}

// start starts the workers of one run. The caller must call stop.
func start[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out], ordered bool) (*run[In, Out], context.CancelFunc) {
	n := len(inputs)
	if workers < 1 || workers > n {
		workers = n
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &run[In, Out]{
		ctx:     ctx,
		inputs:  inputs,
		fn:      fn,
		ordered: ordered,
		claims:  claims{n: int64(n), workers: int64(workers), max: maxChunk},
		values:  make([]Out, n),
		slots:   make([]atomic.Int64, n),
	}
	r.waker.init()
	r.crew.init(workers)
	for range workers {
		go r.work(0, 0)
	}
	return r, cancel
}

// stop cancels the calls still running and waits for every worker.
func (r *run[In, Out]) stop(cancel context.CancelFunc) {
	cancel()
	<-r.finished
}

// maxChunk bounds the inputs one claim takes.
const maxChunk = 32

// work runs the inputs from..to-1 (a chunk a worker that ended by
// runtime.Goexit had claimed and not run), then claims chunks (see claims)
// until there are none left.
func (r *run[In, Out]) work(from, to int64) {
	defer r.leave()
	for i := from; i < to; i++ {
		r.call(i, to)
	}
	for {
		i, end, ok := r.claim()
		if !ok {
			return
		}
		for ; i < end; i++ {
			r.call(i, end)
		}
	}
}

// claims hands out the inputs of a run to its workers from an atomic
// counter on a cache line of its own. A claim takes a chunk of consecutive
// inputs, a share of what is left (guided self-scheduling: 1/4 of a fair
// share, at most max, at least 1), so that workers of tiny tasks neither
// fight over the counter nor write into each other's cache lines, while the
// last inputs are still handed out one by one to whichever worker is free.
type claims struct {
	_       [64]byte
	next    atomic.Int64 // the next input to claim
	_       [56]byte
	n       int64 // inputs
	workers int64
	max     int64 // the largest chunk
}

// claim returns the next chunk, inputs i..end-1; ok is false when none is
// left.
func (c *claims) claim() (i, end int64, ok bool) {
	left := c.n - c.next.Load()
	if left <= 0 {
		return 0, 0, false
	}
	size := min(max(left/(4*c.workers), 1), c.max)
	i = c.next.Add(size) - size
	if i >= c.n {
		return 0, 0, false // another worker took the rest meanwhile
	}
	return i, min(i+size, c.n), true
}

// call runs fn on input i, of a chunk that ends before input end, and
// publishes its result, turning a panic into a *PanicError, skipping the
// call if the context is already done, and accounting for a
// runtime.Goexit: the input gets its error and a new worker replaces the
// one that is ending, starting with the rest of its chunk.
func (r *run[In, Out]) call(i64, end int64) {
	i := int(i64)
	if err := r.ctx.Err(); err != nil {
		r.fail(i, fmt.Errorf("%w: %w", ErrSkipped, err))
		return
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		err, goexit := callFailed(recover(), i)
		r.fail(i, err)
		if goexit {
			r.replace()
			go r.work(i64+1, end)
		}
	}()
	v, err := r.fn(r.ctx, r.inputs[i])
	returned = true
	r.values[i] = v
	if err != nil {
		r.fail(i, err)
		return
	}
	r.publish(i, false)
}

// callFailed is the error of input i whose fn did not return: a
// *PanicError for the value recovered, or, where nothing was (fn called
// runtime.Goexit, which nothing stops), an error matching ErrGoexit, and
// goexit true: the worker is ending, and another must take over. It is
// the one guard's error of every call the pool makes; the recover itself
// must stay in each deferred function (recover works only there), and a
// shared guard function around every call costs a call per input (+8% to
// +28% at 3 ns tasks, BenchmarkPeers, GOMAXPROCS=1, interleaved).
func callFailed(recovered any, i int) (err error, goexit bool) {
	if recovered != nil {
		return &PanicError{Index: i, Value: recovered, Stack: debug.Stack()}, false
	}
	return fmt.Errorf("input %d: %w", i, ErrGoexit), true
}

// fail keeps the error of input i and publishes it.
func (r *run[In, Out]) fail(i int, err error) {
	r.errs.put(i, err)
	r.publish(i, true)
}

// result is the Result of input i, whose slot said whether it failed.
func (r *run[In, Out]) result(i int, failed bool) Result[Out] {
	res := Result[Out]{Index: i, Value: r.values[i]}
	if failed {
		res.Err = r.errs.get(i)
	}
	return res
}

// publish makes the result of input i visible to the ranging goroutine and
// wakes it if it sleeps.
func (r *run[In, Out]) publish(i int, failed bool) {
	flag := int64(0)
	if failed {
		flag = 1
	}
	if r.ordered {
		r.slots[i].Store(2 + flag)
	} else {
		k := r.done.Add(1) - 1
		r.slots[k].Store(2*(int64(i)+1) + flag)
	}
	r.notify()
}

// wait returns slot k once it is set: waker's protocol written out for
// the slots of this run, as Map takes every result through it (through
// waker.waitSlot, Map cost 6% more at ~90 ns tasks, p=0.008, n=16).
func (r *run[In, Out]) wait(k int) int64 {
	for {
		if v := r.slots[k].Load(); v != 0 {
			return v
		}
		r.sleeping.Store(true)
		if v := r.slots[k].Load(); v != 0 {
			if !r.sleeping.CompareAndSwap(true, false) {
				<-r.wake // a worker saw us asleep and sent its token
			}
			return v
		}
		<-r.wake
	}
}

// Completed runs fn over inputs with at most workers concurrent calls and
// yields one Result per input, in the order the calls complete (results that
// finish while the loop's body runs are yielded worker by worker, each
// worker's in the order they finished: up to 64 workers, each keeps its own
// count of finished inputs, so that no counter is written by all). An error from
// one call does not stop the others: each Result carries its own error (the
// per-item policy of as_completed). If ctx is done, calls under way see it
// through their context and inputs not yet started are yielded with an error
// wrapping [ErrSkipped] and ctx.Err(), so every input is accounted for exactly
// once when the loop runs to the end.
func Completed[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) iter.Seq[Result[Out]] {
	return func(yield func(Result[Out]) bool) {
		n := len(inputs)
		if n == 0 {
			return
		}
		if w := workers; w >= 1 && min(w, n) <= maxLanes {
			completedLanes(ctx, min(w, n), inputs, fn, yield)
			return
		}
		r, cancel := start(ctx, workers, inputs, fn, false)
		defer r.stop(cancel)
		for k := range inputs {
			v := r.wait(k)
			if !yield(r.result(int(v/2)-1, v%2 == 1)) {
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
		if len(inputs) == 0 {
			return
		}
		r, cancel := start(ctx, workers, inputs, fn, true)
		defer r.stop(cancel)
		for i := range inputs {
			if r.wait(i)%2 == 1 {
				var zero Out
				yield(zero, r.result(i, true).Err)
				return
			} else if !yield(r.values[i], nil) {
				return
			}
		}
	}
}

// Collect runs fn over inputs as [Map] does and returns the results in input
// order, or the first error in input order. It is Map without the hand-over
// of each result to a ranging goroutine: each value goes straight into the
// slice returned, and a worker says once per chunk of inputs, not once per
// input, that they are done, so that its cost per input is about that of a
// loop over an atomic counter. While no call fails, it sleeps until the last
// call ends. Once a call fails, it waits, as Map does, for the inputs before
// that one, then cancels the calls still running.
func Collect[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) ([]Out, error) {
	return collect(ctx, workers, inputs, fn)
}
