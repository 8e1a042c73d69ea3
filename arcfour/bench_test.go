package arcfour_test

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rc4"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/futuresbench/futures/arcfour"
	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/sweep"
)

func BenchmarkXORKeyStream(b *testing.B) {
	key := []byte("'Twas brillig, and the slithy toves")
	impls := []struct {
		name string
		new  func() cipher.Stream
	}{
		{"arcfour", func() cipher.Stream { c, _ := arcfour.NewCipher(key, 1); return c }},
		{"crypto_rc4", func() cipher.Stream { c, _ := rc4.NewCipher(key); return c }},
	}
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		src, dst := make([]byte, size), make([]byte, size)
		for _, buf := range []string{"inplace", "outofplace"} {
			out := src
			if buf == "outofplace" {
				out = dst
			}
			for _, impl := range impls {
				b.Run(fmt.Sprintf("size=%s/buf=%s/impl=%s", sizeName(size), buf, impl.name), func(b *testing.B) {
					c := impl.new()
					b.SetBytes(int64(size))
					for b.Loop() {
						c.XORKeyStream(out, src)
					}
				})
			}
		}
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// The chapter's workload (arcfour_futures.py): 12 jobs of sizes
// SIZE + int(SIZE/JOBS*(i-JOBS/2)) for i = 12 down to 1, 393,216 down to
// 152,918 bytes, each encrypted and decrypted with loops = 20 and the round
// trip checked.
const (
	jobCount = 12
	jobSize  = 1 << 18
	jobLoops = 20
)

var jobKey = []byte("'Twas brillig, and the slithy toves\nDid gyre")

// jobSizes returns the sizes of the chapter's 12 jobs, in submission order.
func jobSizes() []int {
	sizes := make([]int, 0, jobCount)
	for i := jobCount; i > 0; i-- {
		sizes = append(sizes, jobSize+int(float64(jobSize)/jobCount*(float64(i)-jobCount/2)))
	}
	return sizes
}

func TestJobSizes(t *testing.T) {
	sizes := jobSizes()
	total := 0
	for _, s := range sizes {
		total += s
	}
	if sizes[0] != 393_216 || sizes[11] != 152_918 || total != 3_276_800 {
		t.Errorf("job sizes %v (total %d), want 393216..152918, 3276800 in all", sizes, total)
	}
}

type job struct {
	plain, work []byte // the random input, and a buffer for the round trip
}

// roundTrip encrypts and decrypts one job's data and checks the result.
func roundTrip(_ context.Context, j job) (int, error) {
	enc, err := arcfour.NewCipher(jobKey, jobLoops)
	if err != nil {
		return 0, err
	}
	enc.XORKeyStream(j.work, j.plain)
	dec, _ := arcfour.NewCipher(jobKey, jobLoops)
	dec.XORKeyStream(j.work, j.work)
	if !bytes.Equal(j.work, j.plain) {
		return 0, fmt.Errorf("round trip of %d bytes failed", len(j.plain))
	}
	return len(j.plain), nil
}

// BenchmarkJobs runs the chapter's 12 jobs on the pool at every worker count.
// The random data is made once, before the timed loop, so that the benchmark
// measures the cipher; each op encrypts and decrypts 3,276,800 bytes.
func BenchmarkJobs(b *testing.B) {
	rng := rand.New(rand.NewChaCha8([32]byte{'a', 'r', 'c'}))
	var jobs []job
	total := 0
	for _, size := range jobSizes() {
		p := make([]byte, size)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		jobs = append(jobs, job{plain: p, work: make([]byte, size)})
		total += size
	}
	sweep.Workers(b, func(b *testing.B, w int) {
		b.SetBytes(int64(total))
		for b.Loop() {
			for r := range pool.Completed(b.Context(), w, jobs, roundTrip) {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(jobs))/b.Elapsed().Seconds(), "jobs/s")
	})
}
