package flags

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/futuresbench/futures/pool"
)

// Mode is a concurrency style of the chapter.
type Mode string

const (
	Sequential Mode = "sequential" // one by one (flags.py)
	Pool       Mode = "pool"       // a pool, results in input order (executor.map)
	Completed  Mode = "completed"  // a pool, results as they complete (as_completed)
	Async      Mode = "async"      // a goroutine per code, a semaphore (asyncio)
)

// Modes lists every mode.
var Modes = []Mode{Sequential, Pool, Completed, Async}

// MaxConcurrency is the most concurrent requests any mode makes.
const MaxConcurrency = 1000

// DefaultConcurrency is the book's default for the mode: 1 for sequential,
// 30 for the pools, 5 for async.
func (m Mode) DefaultConcurrency() int {
	switch m {
	case Sequential:
		return 1
	case Async:
		return 5
	}
	return 30
}

// MaxConcurrency is the most concurrent requests the mode makes: 1 for
// sequential, MaxConcurrency otherwise.
func (m Mode) MaxConcurrency() int {
	if m == Sequential {
		return 1
	}
	return MaxConcurrency
}

// ParseMode returns the mode named s.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q: want sequential, pool, completed or async", s)
}

// Counts tallies results by status.
type Counts struct{ OK, NotFound, Error, Interrupted int }

// Add counts one result.
func (c *Counts) Add(s Status) {
	switch s {
	case OK:
		c.OK++
	case NotFound:
		c.NotFound++
	case Error:
		c.Error++
	case Interrupted:
		c.Interrupted++
	}
}

// Total is the number of results counted.
func (c Counts) Total() int { return c.OK + c.NotFound + c.Error + c.Interrupted }

// Run downloads the flag of every code in the given mode, with at most
// concurrency requests at once (1 in Sequential mode), and calls report with
// each result as it comes: in input order for Sequential and Pool, in
// completion order for Completed and Async. report is called from one
// goroutine at a time, exactly once per code. Run returns when every
// download has ended; when ctx ends, downloads under way are cancelled and
// codes not started are reported as Interrupted. The error is only for a bad
// mode or concurrency.
func (d *Downloader) Run(ctx context.Context, mode Mode, concurrency int, codes []string, report func(Result)) (Counts, error) {
	var counts Counts
	if concurrency < 1 {
		return counts, fmt.Errorf("concurrency %d: want at least 1", concurrency)
	}
	concurrency = min(concurrency, mode.MaxConcurrency())
	client := d.Client
	if client == nil {
		client = NewClient(concurrency)
		defer client.CloseIdleConnections()
	}
	emit := func(r Result) {
		counts.Add(r.Status)
		if report != nil {
			report(r)
		}
	}
	one := func(ctx context.Context, cc string) (Result, error) { return d.One(ctx, client, cc), nil }
	interrupted := func(cc string) Result {
		return Result{CC: cc, Status: Interrupted, Err: context.Cause(ctx)}
	}
	switch mode {
	case Sequential:
		for _, cc := range codes {
			if ctx.Err() != nil {
				emit(interrupted(cc))
				continue
			}
			emit(d.One(ctx, client, cc))
		}
	case Pool:
		// Map stops at the first error in input order, which can only be a
		// code skipped after cancellation: the rest are skipped too.
		i := 0
		for r, err := range pool.Map(ctx, concurrency, codes, one) {
			if err != nil {
				break
			}
			emit(r)
			i++
		}
		for _, cc := range codes[i:] {
			emit(interrupted(cc))
		}
	case Completed:
		for r := range pool.Completed(ctx, concurrency, codes, one) {
			if errors.Is(r.Err, pool.ErrSkipped) {
				emit(interrupted(codes[r.Index]))
				continue
			}
			emit(r.Value)
		}
	case Async:
		d.async(ctx, client, concurrency, codes, emit, interrupted)
	default:
		return counts, fmt.Errorf("unknown mode %q", mode)
	}
	return counts, nil
}

// async starts a goroutine per code, as asyncio starts a task per
// coroutine, and bounds the requests under way with a semaphore; the saving
// of a flag does not hold it.
func (d *Downloader) async(ctx context.Context, client *http.Client, concurrency int, codes []string, emit func(Result), interrupted func(string) Result) {
	sem := semaphore.NewWeighted(int64(concurrency))
	results := make(chan Result)
	var g errgroup.Group
	for _, cc := range codes {
		g.Go(func() error {
			if err := sem.Acquire(ctx, 1); err != nil {
				results <- interrupted(cc)
				return nil
			}
			// The semaphore bounds the requests: as in flags2_asyncio, the
			// flag is saved after the semaphore is released.
			f := d.download(ctx, client, cc)
			sem.Release(1)
			results <- d.save(ctx, f)
			return nil
		})
	}
	go func() {
		g.Wait()
		close(results)
	}()
	for r := range results {
		emit(r)
	}
}
