package sha_test

import (
	"crypto/sha256"
	"io"
	"testing"

	"github.com/futuresbench/futures/sha"
	"github.com/futuresbench/futures/sweep"
)

const jobCount = 12 // as in the original

// BenchmarkJobs runs the original's 12 jobs of 1 MiB at every worker count.
func BenchmarkJobs(b *testing.B) {
	jobs := sha.Jobs(jobCount, sha.DefaultSize)
	sweep.Workers(b, func(b *testing.B, w int) {
		b.SetBytes(jobCount * sha.DefaultSize)
		for b.Loop() {
			for r := range sha.Run(b.Context(), w, jobs) {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
		b.ReportMetric(float64(b.N*jobCount)/b.Elapsed().Seconds(), "jobs/s")
	})
}

// BenchmarkGenerate is the first phase of a job alone: making 1 MiB of
// random bytes, ChunkSize at a time.
func BenchmarkGenerate(b *testing.B) {
	buf := make([]byte, sha.ChunkSize)
	b.SetBytes(sha.DefaultSize)
	for b.Loop() {
		r := sha.Job{Seed: 7, Size: sha.DefaultSize}.Random()
		if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHash is the second phase alone: hashing 1 MiB already in memory,
// streamed ChunkSize at a time (impl=stream) or in one call (impl=sum256).
func BenchmarkHash(b *testing.B) {
	data, _ := io.ReadAll(sha.Job{Seed: 7, Size: sha.DefaultSize}.Random())
	b.Run("impl=stream", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := sha.Digest(chunks(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sum256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			sha256.Sum256(data)
		}
	})
}

// chunks is an in-memory source that hands its data to Digest in ChunkSize
// writes without a copy, as a job's generator hands over each chunk it made.
type chunks []byte

func (c chunks) Read([]byte) (int, error) { panic("unused: Digest prefers WriteTo") }

func (c chunks) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for len(c) > 0 {
		m, err := w.Write(c[:min(sha.ChunkSize, len(c))])
		n += int64(m)
		if err != nil {
			return n, err
		}
		c = c[m:]
	}
	return n, nil
}
