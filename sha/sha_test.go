package sha_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/sha"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestNIST runs the SHA-256 examples of FIPS 180-2, Appendix B (NIST,
// "Secure Hash Standard", 2002; also NIST CSRC's example values) through the
// package's streaming path, whole, one byte at a time and in halves.
func TestNIST(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc (B.1)", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"448 bits, two blocks (B.2)", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"one million a (B.3)", strings.Repeat("a", 1_000_000),
			"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte", iotest.OneByteReader},
		{"halves", iotest.HalfReader},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			if rd.name == "one byte" && len(tt.msg) > 1000 {
				continue
			}
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				got, err := sha.Digest(rd.wrap(strings.NewReader(tt.msg)))
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			})
		}
	}
}

// TestStreamedEqualsOneShot: a job's streamed digest equals sha256.Sum256 of
// the same bytes in one call, at sizes around the block and chunk edges.
func TestStreamedEqualsOneShot(t *testing.T) {
	c := sha.ChunkSize
	for _, size := range []int{0, 1, 55, 56, 63, 64, 65, c - 1, c, c + 1, 3*c + 17} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			job := sha.Job{Seed: 42, Size: size}
			all, err := io.ReadAll(job.Random())
			require.NoError(t, err)
			require.Len(t, all, size)
			want := sha256.Sum256(all)
			got, err := job.Digest()
			require.NoError(t, err)
			assert.Equal(t, hex.EncodeToString(want[:]), got)
		})
	}
}

func TestJobIsSeeded(t *testing.T) {
	a, _ := sha.Job{Seed: 1, Size: 1000}.Digest()
	b, _ := sha.Job{Seed: 1, Size: 1000}.Digest()
	c, _ := sha.Job{Seed: 2, Size: 1000}.Digest()
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	_, err := sha.Job{Size: -1}.Digest()
	assert.ErrorIs(t, err, sha.ErrNegativeSize)
}

// TestRunDoesNotDependOnWorkers: every job's digest is the same whatever
// the worker count, and every job is reported once.
func TestRunDoesNotDependOnWorkers(t *testing.T) {
	jobs := sha.Jobs(12, 64<<10)
	var want map[int]string
	for _, workers := range []int{1, 2, 3, 12} {
		got := map[int]string{}
		for r := range sha.Run(t.Context(), workers, jobs) {
			require.NoError(t, r.Err)
			_, dup := got[r.Index]
			require.False(t, dup)
			got[r.Index] = r.Value
		}
		require.Len(t, got, len(jobs))
		if want == nil {
			want = got
			continue
		}
		assert.Equal(t, want, got, "workers=%d", workers)
	}
}

func TestReadError(t *testing.T) {
	boom := iotest.ErrReader(io.ErrClosedPipe)
	_, err := sha.Digest(boom)
	assert.ErrorIs(t, err, io.ErrClosedPipe)
}
