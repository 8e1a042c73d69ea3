package sweep

import (
	"bytes"
	"flag"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contend is a pass's body: goroutines that take turns on one mutex.
func contend(b *testing.B) {
	var mu sync.Mutex
	for b.Loop() {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 200 {
					mu.Lock()
					time.Sleep(10 * time.Microsecond)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
}

// TestPassLeavesUserProfiles: a CPU profile the user already runs (as go
// test -cpuprofile does) stays whole, and a mutex profile the user asked
// for is left alone: the pass skips what would clash and says so.
func TestPassLeavesUserProfiles(t *testing.T) {
	var theirs bytes.Buffer
	require.NoError(t, pprof.StartCPUProfile(&theirs))
	f := flag.Lookup("test.mutexprofile")
	require.NotNil(t, f)
	require.NoError(t, f.Value.Set(t.TempDir()+"/mutex.out"))
	var s *Sites
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, window{n: 2})
		s = profilePass(b, contend, "", "")
	})
	require.NoError(t, f.Value.Set(""))
	pprof.StopCPUProfile()
	require.NotNil(t, s)
	joined := strings.Join(s.Skipped, "; ")
	assert.Contains(t, joined, "cpu: a CPU profile is already running")
	assert.Contains(t, joined, "mutex: go test -mutexprofile is on")
	assert.Empty(t, s.Mutex, "no mutex profile taken")
	assert.NotEmpty(t, s.Waits, "the trace still sees the waits: %v %+v", s.Skipped, s.Idle)
	p, err := profile.Parse(&theirs)
	require.NoError(t, err, "the user's CPU profile is whole")
	assert.NotEmpty(t, p.SampleType)
}

// TestPassFindsLock: with nothing of the user's in the way, the pass
// charges the mutex's contention to the function that held it.
func TestPassFindsLock(t *testing.T) {
	var s *Sites
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, window{n: 3})
		s = profilePass(b, contend, selfPkg, "")
	})
	require.NotNil(t, s)
	assert.Equal(t, 3, s.Ops, "the window bounds b.Loop")
	require.NotEmpty(t, s.Mutex)
	assert.Contains(t, s.Mutex[0].Func, "contend")
}
