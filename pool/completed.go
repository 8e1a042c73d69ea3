package pool

import (
	"context"
	"fmt"
	"sync/atomic"
)

// maxLanes is the most workers [Completed] gives a lane each; with more
// (workers < 1: one per input) it runs on run, whose one completion counter
// costs more a result but nothing a worker.
const maxLanes = 64

// lane is one worker's finished inputs, in the order it finished them: the
// chunks it claimed, linked by their first input (laneRun.link), each run
// in order. The worker stores how many it has finished in progress, an
// atomic store on a cache line of the lane's own, instead of a claim on a
// counter every worker writes; the ranging goroutine reads every lane's
// progress and yields what is new.
type lane struct {
	_        [64]byte
	progress atomic.Int64
	_        [56]byte
	// Written by the lane's worker only (passed on to its replacement
	// after a runtime.Goexit): its count, the chunk it runs, the first.
	count, last, first int64
	// Read by the ranging goroutine only: how many it has yielded, and
	// where the next is: chunk start and offset.
	seen, at, off int64
}

type laneRun[In, Out any] struct {
	ctx      context.Context
	inputs   []In
	fn       Func[In, Out]
	values   []Out
	chunkEnd []int64 // by chunk start: its end
	link     []int64 // by chunk start: the next chunk of its lane
	lanes    []*lane

	claims

	errs inputErrors
	waker
	crew
}

func (r *laneRun[In, Out]) work(l *lane, from, to int64) {
	defer r.leave()
	for i := from; i < to; i++ {
		r.call(l, i, to)
	}
	for {
		i, end, ok := r.claim()
		if !ok {
			return
		}
		// Linked into the lane before any of its inputs is counted, so
		// that the ranging goroutine, which reads progress first, finds it.
		r.chunkEnd[i] = end
		if l.last < 0 {
			l.first = i
		} else {
			r.link[l.last] = i
		}
		l.last = i
		for ; i < end; i++ {
			r.call(l, i, end)
		}
	}
}

// done counts input i finished in lane l and wakes the ranging goroutine
// if it sleeps.
func (r *laneRun[In, Out]) done(l *lane) {
	l.count++
	l.progress.Store(l.count)
	r.notify()
}

func (r *laneRun[In, Out]) fail(l *lane, i int, err error) {
	r.errs.put(i, err)
	r.done(l)
}

// call is run.call for a lane: see there.
func (r *laneRun[In, Out]) call(l *lane, i64, end int64) {
	i := int(i64)
	if err := r.ctx.Err(); err != nil {
		r.fail(l, i, fmt.Errorf("%w: %w", ErrSkipped, err))
		return
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		err, goexit := callFailed(recover(), i)
		r.fail(l, i, err)
		if goexit {
			r.replace()
			go r.work(l, i64+1, end)
		}
	}()
	v, err := r.fn(r.ctx, r.inputs[i])
	returned = true
	r.values[i] = v
	if err != nil {
		r.fail(l, i, err)
		return
	}
	r.done(l)
}

// take is the next input lane l has finished and the ranging goroutine has
// not yielded; call it only when its progress says there is one.
func (r *laneRun[In, Out]) take(l *lane) Result[Out] {
	switch {
	case l.seen == 0:
		l.at, l.off = l.first, 0
	case l.at+l.off == r.chunkEnd[l.at]:
		l.at, l.off = r.link[l.at], 0
	}
	i := int(l.at + l.off)
	l.off++
	l.seen++
	return Result[Out]{Index: i, Value: r.values[i], Err: r.errs.get(i)}
}

// completedLanes is Completed with a lane per worker.
func completedLanes[In, Out any](ctx context.Context, workers int, inputs []In, fn Func[In, Out], yield func(Result[Out]) bool) {
	n := len(inputs)
	ctx, cancel := context.WithCancel(ctx)
	r := &laneRun[In, Out]{
		ctx: ctx, inputs: inputs, fn: fn,
		claims: claims{n: int64(n), workers: int64(workers), max: maxChunk},
		values: make([]Out, n), chunkEnd: make([]int64, n), link: make([]int64, n),
	}
	r.waker.init()
	r.crew.init(workers)
	for range workers {
		l := &lane{last: -1}
		r.lanes = append(r.lanes, l)
		go r.work(l, 0, 0)
	}
	defer func() {
		cancel()
		<-r.finished
	}()
	ready := func() bool {
		for _, l := range r.lanes {
			if l.seen < l.progress.Load() {
				return true
			}
		}
		return false
	}
	for yielded := 0; yielded < n; {
		if !ready() {
			r.sleep(ready)
			continue
		}
		for _, l := range r.lanes {
			for p := l.progress.Load(); l.seen < p; yielded++ {
				if !yield(r.take(l)) {
					return
				}
			}
		}
	}
}
