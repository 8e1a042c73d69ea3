// Package flags downloads flag images, in every concurrency style of the
// chapter on concurrent.futures of Fluent Python: one by one (Sequential), on
// a pool with results in input order (Pool, like Executor.map), on a pool
// with results as they complete (Completed, like submit + as_completed), and
// one goroutine per code bounded by a semaphore (Async, like asyncio with a
// Semaphore).
//
// Every requested code gets exactly one Result, whatever the server does: OK,
// NotFound (404), Error (any other status, a refused or reset connection, a
// timeout, a body shorter than its Content-Length or over the size cap), or
// Interrupted (the context ended before or during the download). A file is
// written to a temporary name in the destination folder and renamed when
// complete, so a failed download never leaves a partial file nor replaces a
// good one.
//
// Benchmarks (against flags/flagstest, on loopback):
//
//	go test -run '^$' -bench Download ./flags
package flags
