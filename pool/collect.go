package pool

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// collectRun is the state of one call of [Collect]. It is [run] without a
// hand-over per input: each value goes straight into the output slice,
// and what is published is ranges, once a range is done: done[s] = e + 1
// says inputs s..e-1 have finished (done[s] = 0: not yet). A worker
// publishes the chunk it claimed once at its end, or cut at a failed
// input, so that an input costs its call, a context check and a store,
// with one deferred recover and one atomic store per chunk.
type collectRun[In, Out any] struct {
	ctx    context.Context
	inputs []In
	fn     Func[In, Out]
	out    []Out
	done   []atomic.Int64

	claims

	// The caller sleeps on it waiting on done after a failure.
	waker

	// mu guards the failure with the smallest index; failed takes a
	// token at the first.
	mu      sync.Mutex
	errAt   int // index of the first failed input in input order; len(inputs) if none
	err     error
	failed  chan struct{}
	anyFail atomic.Bool

	crew
}

func (c *collectRun[In, Out]) fail(i int, err error) {
	c.mu.Lock()
	if i < c.errAt {
		c.errAt, c.err = i, err
	}
	c.mu.Unlock()
	if !c.anyFail.Swap(true) {
		c.failed <- struct{}{}
	}
}

func (c *collectRun[In, Out]) firstFailure() (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errAt, c.err
}

// publish marks inputs s..e-1 finished and wakes the waiting caller.
func (c *collectRun[In, Out]) publish(s, e int) {
	if s >= e {
		return
	}
	c.done[s].Store(int64(e) + 1)
	c.notify()
}

// wait returns the end of the range that starts at input s, once it is
// published.
func (c *collectRun[In, Out]) wait(s int) int { return int(c.waitSlot(&c.done[s]) - 1) }

// work runs the inputs from..to-1 (what is left of a chunk whose worker
// called runtime.Goexit), then claims chunks as run.work does.
func (c *collectRun[In, Out]) work(from, to int) {
	defer c.leave()
	c.chunk(from, to)
	for {
		i, end, ok := c.claim()
		if !ok {
			return
		}
		c.chunk(int(i), int(end))
	}
}

// chunk runs inputs s..e-1 and publishes them. A failed input cuts the
// range: s..i is published at once (the caller may be waiting for it) and
// the rest is a range of its own. A panic is recovered and the chunk goes
// on; on runtime.Goexit a new worker takes the rest of the chunk.
func (c *collectRun[In, Out]) chunk(s, e int) {
	if s >= e {
		return
	}
	i := s
	defer func() {
		if i >= e {
			return
		}
		err, goexit := callFailed(recover(), i)
		c.fail(i, err)
		c.publish(s, i+1)
		if !goexit {
			c.chunk(i+1, e)
			return
		}
		c.replace()
		go c.work(i+1, e)
	}()
	for ; i < e; i++ {
		if err := c.ctx.Err(); err != nil {
			c.fail(i, fmt.Errorf("%w: %w", ErrSkipped, err))
			i = e
			break
		}
		v, err := c.fn(c.ctx, c.inputs[i])
		if err != nil {
			c.fail(i, err)
			c.publish(s, i+1)
			s = i + 1
			continue
		}
		c.out[i] = v
	}
	c.publish(s, e)
}

// collect is Collect's run: see [Collect].
func collect[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out]) ([]Out, error) {
	n := len(inputs)
	out := make([]Out, n)
	if n == 0 {
		return out, nil
	}
	if workers < 1 || workers > n {
		workers = n
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &collectRun[In, Out]{
		ctx: ctx, inputs: inputs, fn: fn, out: out,
		claims: claims{n: int64(n), workers: int64(workers), max: collectMaxChunk},
		done:   make([]atomic.Int64, n),
		errAt:  n, failed: make(chan struct{}, 1),
	}
	c.waker.init()
	c.crew.init(workers)
	for range workers {
		go c.work(0, 0)
	}
	defer func() {
		cancel()
		<-c.finished
	}()
	select {
	case <-c.finished:
	case <-c.failed:
	}
	if !c.anyFail.Load() {
		return out, nil
	}
	// The first failure in input order: every input before the earliest
	// failure known must be done before it can be called the first (an
	// earlier one may fail yet).
	for s := 0; ; {
		at, err := c.firstFailure()
		if s > at {
			return nil, err
		}
		s = c.wait(s)
	}
}

// collectMaxChunk bounds a claim of Collect: larger than run's, since no
// result is handed over one by one; the guided share (a quarter of a fair
// share of what is left) still hands out the last inputs one by one.
const collectMaxChunk = 256
