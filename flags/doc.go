// Package flags downloads flag images, in every concurrency style of the
// chapter on concurrent.futures of Fluent Python: one by one (Sequential), on
// a pool with results in input order (Pool, like Executor.map), on a pool
// with results as they complete (Completed, like submit + as_completed), and
// one goroutine per code bounded by a semaphore (Async, like asyncio with a
// Semaphore).
//
// Every requested code gets exactly one Result, whatever happens: OK (the
// flag saved whole, and a GIF), NotFound (404), Error (any other status, a
// refused or reset connection, a timeout, a body that is empty, not a GIF,
// shorter than its Content-Length or over the size cap, a code that is not
// two letters, a file that cannot be written, a panic or runtime.Goexit in
// the client's transport), or Interrupted (the context ended before or
// during the download). A body streams to a file without a name (an unnamed
// or temporary file in the destination folder) that gets its name only when
// complete, so memory does not grow with the body, and a failed download
// never leaves a partial file nor replaces a good one.
//
// Benchmarks (against flags/flagstest, on loopback):
//
//	go test -run '^$' -bench Download ./flags
package flags
