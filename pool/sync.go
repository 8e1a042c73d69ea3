package pool

import (
	"sync"
	"sync/atomic"
)

// The pieces every run of this package shares: its crew of workers, the
// sleep of the goroutine that waits on them, and the errors of failed
// inputs.

// crew counts the workers of a run; finished is closed when the last one
// ends.
type crew struct {
	live     atomic.Int64
	finished chan struct{}
}

func (c *crew) init(workers int) {
	c.live.Store(int64(workers))
	c.finished = make(chan struct{})
}

// replace counts a worker that takes over from one ending by
// runtime.Goexit: called before that one's own count goes.
func (c *crew) replace() { c.live.Add(1) }

// leave is a worker's last act.
func (c *crew) leave() {
	if c.live.Add(-1) == 0 {
		close(c.finished)
	}
}

// waker lets the one goroutine that waits on a run's workers (the ranging
// goroutine, or Collect's caller after a failure) sleep when nothing is
// ready: it sets sleeping before it waits on wake, and the worker that
// clears it sends the one token wake ever holds. No channel operation is
// made while there is something to take.
type waker struct {
	sleeping atomic.Bool
	wake     chan struct{}
}

func (w *waker) init() { w.wake = make(chan struct{}, 1) }

// notify wakes the waiting goroutine if it sleeps; a worker calls it after
// it publishes.
func (w *waker) notify() {
	if w.sleeping.Load() && w.sleeping.CompareAndSwap(true, false) {
		w.wake <- struct{}{}
	}
}

// sleep waits for a notify, unless ready reports true once the goroutine is
// marked asleep (what was published between its last look and then).
func (w *waker) sleep(ready func() bool) {
	w.sleeping.Store(true)
	if ready() {
		if !w.sleeping.CompareAndSwap(true, false) {
			<-w.wake // a worker saw us asleep and sent its token
		}
		return
	}
	<-w.wake
}

// waitSlot returns the value of slot once it is not 0. (run.wait writes
// the same out: Map takes every result through it.)
func (w *waker) waitSlot(slot *atomic.Int64) int64 {
	for {
		if v := slot.Load(); v != 0 {
			return v
		}
		w.sleep(func() bool { return slot.Load() != 0 })
	}
}

// inputErrors keeps the errors of failed inputs by index: few, so a map
// under a lock, and a flag that spares the lock while there are none.
type inputErrors struct {
	mu  sync.Mutex
	m   map[int]error
	any atomic.Bool
}

func (e *inputErrors) put(i int, err error) {
	e.mu.Lock()
	if e.m == nil {
		e.m = map[int]error{}
	}
	e.m[i] = err
	e.mu.Unlock()
	e.any.Store(true)
}

// get is the error of input i, nil if it did not fail; small enough to
// be inlined, since Completed asks it of every result.
func (e *inputErrors) get(i int) error {
	if !e.any.Load() {
		return nil
	}
	return e.lookup(i)
}

func (e *inputErrors) lookup(i int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[i]
}
