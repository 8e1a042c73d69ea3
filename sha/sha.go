// Package sha is the chapter's SHA-256 workload: each job makes Size bytes of
// seeded random data and returns their SHA-256 hex digest; many jobs run on
// the pool and their results come back in completion order, as the original
// (sha_futures.py) prints them.
//
// A job streams: it makes and hashes its data ChunkSize bytes at a time, so
// it needs one small buffer whatever its size. Its random bytes come from a
// ChaCha8 generator seeded by the job's seed, so a job's digest is
// reproducible and does not depend on which worker runs it.
//
// Benchmarks:
//
//	go test -run '^$' -bench Jobs ./sha            # 12 jobs x 1 MiB, workers=1..N
//	go test -run '^$' -bench 'Generate|Hash' ./sha # the two phases apart
package sha

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"iter"
	"math/rand/v2"

	"github.com/futuresbench/futures/pool"
)

// ChunkSize is how many bytes a job makes and hashes at a time.
const ChunkSize = 32 << 10

// DefaultSize is the size of a job in the original: 1 MiB.
const DefaultSize = 1 << 20

// Job is one unit of work: Size random bytes from the generator seeded by Seed.
type Job struct {
	Seed uint64
	Size int
}

// ErrNegativeSize is returned for a job of negative size.
var ErrNegativeSize = errors.New("sha: negative job size")

// Random returns a reader of the job's Size random bytes.
func (j Job) Random() io.Reader {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], j.Seed)
	return io.LimitReader(rand.NewChaCha8(seed), int64(max(j.Size, 0)))
}

// Digest makes the job's random bytes and returns their SHA-256 hex digest.
func (j Job) Digest() (string, error) {
	if j.Size < 0 {
		return "", ErrNegativeSize
	}
	return Digest(j.Random())
}

// Digest returns the SHA-256 hex digest of everything r yields, read
// ChunkSize bytes at a time (or written to the hash directly when r is an
// io.WriterTo, which saves a copy).
func Digest(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.CopyBuffer(h, r, make([]byte, ChunkSize)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Jobs returns n jobs of size bytes with seeds 0..n-1.
func Jobs(n, size int) []Job {
	jobs := make([]Job, n)
	for i := range jobs {
		jobs[i] = Job{Seed: uint64(i), Size: size}
	}
	return jobs
}

// Run runs the jobs on the pool with at most workers at once (workers < 1:
// one per job) and yields each digest, with the job's index, as soon as it is
// done. See [pool.Completed] for cancellation and errors.
func Run(ctx context.Context, workers int, jobs []Job) iter.Seq[pool.Result[string]] {
	return pool.Completed(ctx, workers, jobs, func(_ context.Context, j Job) (string, error) {
		return j.Digest()
	})
}
