package pool_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/futuresbench/futures/pool"
)

// The examples below replay the chapter's demo_executor_map.py: loiter(n)
// sleeps n seconds and returns 10*n, and five of them run on three workers.
// They sleep on a logical clock rather than the real one, so that the
// timeline they print is the same on any machine, however loaded.

// logicalClock is a clock of logical time for tasks run by a pool of w
// workers over n inputs: it moves to the next wake-up time only when every
// task that can run (min(w, unfinished) of them) is asleep. (That holds for this pool while
// fewer than 4×w inputs are left unclaimed: each claim then takes one.)
type logicalClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Duration
	wakes  []time.Duration // wake-up times of the sleeping tasks
	n, w   int
	done   int
	events []clockStep
	began  map[int]time.Duration
}

type clockStep struct {
	at    time.Duration
	began time.Duration // when the task began
	task  int           // the task the step is about
	order int           // 0 start, 1 done, 2 result
	text  string
}

func newLogicalClock(n, w int) *logicalClock {
	c := &logicalClock{n: n, w: w, began: map[int]time.Duration{}}
	c.cond = sync.NewCond(&c.mu)
	go c.run()
	return c
}

// run moves the clock on until every task is done.
func (c *logicalClock) run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.done < c.n {
		if len(c.wakes) == 0 || len(c.wakes) < min(c.w, c.n-c.done) {
			c.cond.Wait()
			continue
		}
		c.now = slices.Min(c.wakes)
		c.wakes = slices.DeleteFunc(c.wakes, func(t time.Duration) bool { return t == c.now })
		c.cond.Broadcast()
	}
}

func (c *logicalClock) sleep(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d <= 0 {
		return
	}
	wake := c.now + d
	c.wakes = append(c.wakes, wake)
	c.cond.Broadcast()
	for c.now < wake {
		c.cond.Wait()
	}
}

// log records an event at the current logical time.
func (c *logicalClock) log(task, order int, format string, args ...any) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if order == 0 {
		c.began[task] = c.now
	}
	c.events = append(c.events, clockStep{c.now, c.began[task], task, order, fmt.Sprintf(format, args...)})
	if order == 1 {
		c.done++
		c.cond.Broadcast()
	}
	return c.now
}

// result records a result yielded when the task that made it available
// ended, at second sec.
func (c *logicalClock) result(sec, task int, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, clockStep{time.Duration(sec) * time.Second, c.began[task], task, 2, fmt.Sprintf(format, args...)})
}

// print prints the timeline: by time; within an instant, the tasks that
// began earlier first (an end frees the worker for the next start), then by
// task, a task's start before its end, and results last.
func (c *logicalClock) print() {
	c.mu.Lock()
	defer c.mu.Unlock()
	slices.SortStableFunc(c.events, func(a, b clockStep) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.order/2, b.order/2), cmp.Compare(a.began, b.began),
			cmp.Compare(a.task, b.task), cmp.Compare(a.order, b.order))
	})
	for _, e := range c.events {
		fmt.Printf("[%v] %s\n", e.at, e.text)
	}
}

// loiter is the chapter's task, on the logical clock: it returns 10*n and
// the logical time it ended.
func (c *logicalClock) loiter(_ context.Context, n int) (done [2]int, err error) {
	pad := strings.Repeat("  ", n)
	c.log(n, 0, "%sloiter(%d): doing nothing for %ds...", pad, n, n)
	c.sleep(time.Duration(n) * time.Second)
	at := c.log(n, 1, "%sloiter(%d): done.", pad, n)
	return [2]int{10 * n, int(at / time.Second)}, nil
}

// Map yields results in input order, like Executor.map: loiter(4) ends at
// 5s, after loiter(3) (3s), so results 0..3 come as their tasks end, and the
// last one when loiter(4) does. Three workers: loiter(3) starts at once, in
// the worker that ran loiter(0); loiter(4) when loiter(1) ends, at 1s.
func ExampleMap_loiter() {
	c := newLogicalClock(5, 3)
	i, ready := 0, 0
	for v, err := range pool.Map(context.Background(), 3, []int{0, 1, 2, 3, 4}, c.loiter) {
		if err != nil {
			panic(err)
		}
		// A result is yielded once it and every one before it are done.
		ready = max(ready, v[1])
		c.result(ready, i, "result %d: %d", i, v[0])
		i++
	}
	c.print()
	// Output:
	// [0s] loiter(0): doing nothing for 0s...
	// [0s] loiter(0): done.
	// [0s]   loiter(1): doing nothing for 1s...
	// [0s]     loiter(2): doing nothing for 2s...
	// [0s]       loiter(3): doing nothing for 3s...
	// [0s] result 0: 0
	// [1s]   loiter(1): done.
	// [1s]         loiter(4): doing nothing for 4s...
	// [1s] result 1: 10
	// [2s]     loiter(2): done.
	// [2s] result 2: 20
	// [3s]       loiter(3): done.
	// [3s] result 3: 30
	// [5s]         loiter(4): done.
	// [5s] result 4: 40
}

// Completed yields results as their tasks end, like as_completed: submitted
// in the order 4, 3, 2, 1, 0 on three workers, loiter(2) ends first; its
// worker takes loiter(1), which ends at 3s with loiter(3); loiter(0) starts
// when loiter(3) ends, and loiter(4) ends last.
func ExampleCompleted_loiter() {
	c := newLogicalClock(5, 3)
	for r := range pool.Completed(context.Background(), 3, []int{4, 3, 2, 1, 0}, c.loiter) {
		if r.Err != nil {
			panic(r.Err)
		}
		n := r.Value[0] / 10
		c.result(r.Value[1], n, "result of input %d, loiter(%d): %d", r.Index, n, r.Value[0])
	}
	c.print()
	// Output:
	// [0s]     loiter(2): doing nothing for 2s...
	// [0s]       loiter(3): doing nothing for 3s...
	// [0s]         loiter(4): doing nothing for 4s...
	// [2s]     loiter(2): done.
	// [2s]   loiter(1): doing nothing for 1s...
	// [2s] result of input 2, loiter(2): 20
	// [3s]       loiter(3): done.
	// [3s]   loiter(1): done.
	// [3s] loiter(0): doing nothing for 0s...
	// [3s] loiter(0): done.
	// [3s] result of input 1, loiter(3): 30
	// [3s] result of input 3, loiter(1): 10
	// [3s] result of input 4, loiter(0): 0
	// [4s]         loiter(4): done.
	// [4s] result of input 0, loiter(4): 40
}

func ExampleCollect() {
	square := func(_ context.Context, n int) (int, error) { return n * n, nil }
	squares, err := pool.Collect(context.Background(), 4, []int{1, 2, 3, 4, 5}, square)
	fmt.Println(squares, err)
	// Output: [1 4 9 16 25] <nil>
}
