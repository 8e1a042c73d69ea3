package flags

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// Modes returns every mode.
func Modes() []Mode { return []Mode{Sequential, Pool, Completed, Async} }

// maxConcurrency is the most concurrent requests any mode makes.
const maxConcurrency = 1000

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
// sequential, 1000 otherwise.
func (m Mode) MaxConcurrency() int {
	if m == Sequential {
		return 1
	}
	return maxConcurrency
}

// ParseMode returns the mode named s.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q: want sequential, pool, completed or async", s)
}

// Counts tallies results by status.
type Counts struct{ OK, NotFound, Error, Interrupted int }

// Add counts one result. A Status that is no outcome (the zero value)
// counts as an Error: it is never a flag saved.
func (c *Counts) Add(s Status) {
	switch s {
	case OK:
		c.OK++
	case NotFound:
		c.NotFound++
	case Interrupted:
		c.Interrupted++
	default:
		c.Error++
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
// codes not started are reported as Interrupted. Every other failure of a
// code is that code's Error, in every mode, whatever its cause: the server,
// a code that is not two letters, a body that is not a GIF, a file that
// cannot be written, a panic or runtime.Goexit in the client's transport.
// With Metadata, two codes never write one file (the second is an Error,
// ErrNameTaken). The error is only for a bad mode or concurrency.
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
		if r.Status == 0 { // no outcome: a bug, never an OK
			r.Status, r.Err = Error, fmt.Errorf("no outcome reported for %s", r.CC)
		}
		counts.Add(r.Status)
		if report != nil {
			report(r)
		}
	}
	names := &nameClaims{m: map[string]string{}}
	interrupted := func(cc string) Result {
		return Result{CC: strings.ToUpper(cc), Status: Interrupted, Err: context.Cause(ctx)}
	}
	// resultOf is the result of the pool's call for codes[r.Index]: the
	// code's own, Interrupted if the pool skipped it, and an Error for
	// anything else the pool reports (a *pool.PanicError, pool.ErrGoexit:
	// a panic or runtime.Goexit in the download, the client's transport
	// included, is that code's Error, never the process's).
	resultOf := func(r pool.Result[Result]) Result {
		cc := codes[r.Index]
		switch {
		case errors.Is(r.Err, pool.ErrSkipped):
			return interrupted(cc)
		case r.Err != nil:
			return Result{CC: strings.ToUpper(cc), Status: Error, Err: r.Err}
		}
		return r.Value
	}
	var fn pool.Func[string, Result]
	workers := concurrency
	switch mode {
	case Sequential, Pool, Completed:
		fn = func(ctx context.Context, cc string) (Result, error) {
			return d.save(ctx, d.download(ctx, client, cc, names)), nil
		}
	case Async:
		// A goroutine per code, as asyncio starts a task per coroutine; a
		// semaphore bounds the requests under way, and the saving of a
		// flag does not hold it (as in flags2_asyncio).
		workers = len(codes)
		sem := semaphore.NewWeighted(int64(concurrency))
		fn = func(ctx context.Context, cc string) (Result, error) {
			if err := sem.Acquire(ctx, 1); err != nil {
				return interrupted(cc), nil
			}
			released := false
			defer func() { // a panic in the download releases it too
				if !released {
					sem.Release(1)
				}
			}()
			f := d.download(ctx, client, cc, names)
			sem.Release(1)
			released = true
			return d.save(ctx, f), nil
		}
	default:
		return counts, fmt.Errorf("unknown mode %q", mode)
	}
	if mode == Completed || mode == Async {
		for r := range pool.Completed(ctx, workers, codes, fn) {
			emit(resultOf(r))
		}
		return counts, nil
	}
	// Input order, as executor.map (Sequential is the pool with one
	// worker), but each code's failure is its own: pool.Map's fail-fast
	// would cancel the codes after a failed one.
	pending := map[int]Result{}
	next := 0
	for r := range pool.Completed(ctx, workers, codes, fn) {
		pending[r.Index] = resultOf(r)
		for res, ok := pending[next]; ok; res, ok = pending[next] {
			delete(pending, next)
			emit(res)
			next++
		}
	}
	return counts, nil
}
