package sweep

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/google/pprof/profile"

	"github.com/futuresbench/futures/internal/atomicfile"
)

// The environment variables of the sites pass (see [Over]).
const (
	// EnvSites turns the pass off ("off" or "0", in any case), or sets
	// its length at every point: a duration ("150ms") or a count of ops
	// ("5x"), at most a minute or 10000x (more is said on stderr and
	// clamped to that), and cut (said once) so that the passes left fit
	// in half of what is left of -test.timeout; a value it cannot be is
	// said on stderr, and the default passes run. Unset, the passes take at most 5% of the sweep's wall
	// time, at the points the verdict reads (see planPasses), each one op
	// at least; "runs:K" says the sweep runs in K processes, of which this
	// one takes the passes (make bench's rounds): the budget is of all K.
	EnvSites = "SWEEP_SITES"
	// EnvProfiles names a folder in which each point's profiles are kept
	// as files go tool pprof opens: NAME.cpu.pprof, NAME.mutex.pprof,
	// NAME.block.pprof, NAME.allocs.pprof (the last three as deltas over
	// the pass), and its execution trace, NAME.trace, which go tool trace
	// opens. NAME is the point's name with "/" written "_", and a hash of
	// the whole name after a "~" where two names could meet
	// ("BenchmarkX_k=1", "BenchmarkX_k_1~3f2a..."), in a folder of its
	// package's (its import path within the main module: "arcfour_test"),
	// so that go test ./... keeps arcfour's and sha's BenchmarkJobs apart.
	// A relative folder is the package's (go test runs the test binary
	// there); a folder that cannot be used is said on stderr, once.
	EnvProfiles = "SWEEP_PROFILES"
)

// window is how long the sites pass runs: d, or n ops.
type window struct {
	d time.Duration
	n int
}

func parseWindow(v string) (window, bool) {
	if n, ok := strings.CutSuffix(v, "x"); ok {
		if k, err := strconv.Atoi(n); err == nil && k > 0 {
			return window{n: k}, true
		}
		return window{}, false
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return window{d: d}, true
	}
	return window{}, false
}

// setWindow makes b run its b.Loop for the window, as -benchtime would: the
// testing package keeps a sub-benchmark's benchtime in an unexported field
// copied from its parent, and has no other way to bound one run. ok is
// false where the field is not as expected (another Go version): the pass
// then runs one op with b.N = 1, or b.Loop's full benchtime.
func setWindow(b *testing.B, w window) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	v := reflect.ValueOf(b).Elem().FieldByName("benchTime")
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return false
	}
	d, n := v.FieldByName("d"), v.FieldByName("n")
	if !d.IsValid() || d.Type() != reflect.TypeFor[time.Duration]() || !n.IsValid() || n.Kind() != reflect.Int {
		return false
	}
	*(*time.Duration)(unsafe.Pointer(d.UnsafeAddr())) = w.d
	*(*int)(unsafe.Pointer(n.UnsafeAddr())) = w.n
	return true
}

// sitesDone holds the points whose sites this process has collected: once
// a point, however many -count runs it makes.
var sitesDone sync.Map

// passMu keeps two passes from profiling at once (benchmarks run one at a
// time; this guards a sweep run from a test).
var passMu sync.Mutex

// userFlag is whether go test was asked for the profile named by flag.
func userFlag(name string) bool {
	f := flag.Lookup("test." + name)
	return f != nil && f.Value.String() != ""
}

// mainModule is the module of the benchmark being run ("" if the binary
// does not say).
func mainModule() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path
	}
	return ""
}

// selfPkg is this package's import path: its frames are the harness's.
var selfPkg = reflect.TypeFor[Sites]().PkgPath()

// sitesPass runs fn once more, untimed, in a sub-benchmark of b that prints
// no result (it is skipped), for the window w, with the CPU, mutex and
// block profiles and an execution trace on, and reads where the time went.
// It returns nil where this process has run the point's pass already.
func sitesPass(b *testing.B, name, benchPkg string, w window, fn func(b *testing.B)) *Sites {
	if _, seen := sitesDone.LoadOrStore(b.Name()+"/"+name, true); seen {
		return nil
	}
	var sites *Sites
	point := printedName(b.Name() + "/" + name)
	b.Run("sites-"+name, func(b *testing.B) {
		if !setWindow(b, w) {
			w = window{}
		}
		sites = profilePassFor(b, fn, benchPkg, profilesPath(benchPkg, point), w)
		b.SkipNow()
	})
	return sites
}

// callerPkg is the package of the first caller outside this package: the
// benchmark's.
func callerPkg() string {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(2, pcs)
	frs := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frs.Next()
		if p := pkgOf(fr.Function); fr.Function != "" && p != selfPkg {
			return p
		}
		if !more {
			return ""
		}
	}
}

// profilePass runs fn under the profiles and summarizes them. keep, where
// not empty (EnvProfiles set: profilesPath), is the path prefix of the
// files to keep. b's window (setWindow) bounds a b.Loop; a benchmark
// written with b.N is run again with a larger b.N until it has run for
// the window (or its count).
func profilePass(b *testing.B, fn func(b *testing.B), benchPkg, keep string) *Sites {
	return profilePassFor(b, fn, benchPkg, keep, windowOf(b))
}

// windowOf is the window setWindow gave b (zero where it could not).
func windowOf(b *testing.B) (w window) {
	defer func() {
		if recover() != nil {
			w = window{}
		}
	}()
	v := reflect.ValueOf(b).Elem().FieldByName("benchTime")
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return window{}
	}
	d, n := v.FieldByName("d"), v.FieldByName("n")
	if !d.IsValid() || !n.IsValid() || d.Kind() != reflect.Int64 || n.Kind() != reflect.Int {
		return window{}
	}
	return window{d: time.Duration(d.Int()), n: int(n.Int())}
}

// usedLoop reports whether fn ran b.Loop (testing's unexported loop
// count is set); ok is false where the field is not as expected.
func usedLoop(b *testing.B) (used, ok bool) {
	defer func() {
		if recover() != nil {
			used, ok = false, false
		}
	}()
	v := reflect.ValueOf(b).Elem().FieldByName("loop")
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return false, false
	}
	n := v.FieldByName("n")
	if !n.IsValid() || n.Kind() != reflect.Uint64 {
		return false, false
	}
	return n.Uint() > 0, true
}

// runOps runs fn for the window: once, where it ran b.Loop (which the
// window bounds); else (a benchmark written with b.N) again with a
// larger b.N, as testing's launch does, until the ops ran for w.d or w.n
// ops ran. It returns the ops run and the time they took (the timer's).
func runOps(b *testing.B, fn func(b *testing.B), w window) (ops int, took time.Duration) {
	fn(b)
	ops, took = max(b.N, 1), b.Elapsed()
	if used, ok := usedLoop(b); used || !ok {
		return ops, took
	}
	for range 8 {
		var n int
		switch {
		case w.n > 0:
			n = w.n - ops
		case w.d > took:
			per := max(took/time.Duration(ops), time.Microsecond)
			n = int(min((w.d-took)/per+1, 1e9))
		}
		if n <= 0 {
			break
		}
		b.StopTimer()
		b.N = n
		b.ResetTimer()
		b.StartTimer()
		fn(b)
		b.StopTimer()
		ops += n
		took += b.Elapsed()
	}
	b.N = ops
	return ops, took
}

// profilePassFor is profilePass for the window w.
func profilePassFor(b *testing.B, fn func(b *testing.B), benchPkg, keep string, w window) *Sites {
	passMu.Lock()
	defer passMu.Unlock()
	s := &Sites{}
	cpuOn := !userFlag("cpuprofile")
	mutexOn := !userFlag("mutexprofile")
	blockOn := !userFlag("blockprofile")
	traceOn := !userFlag("trace")
	if !cpuOn {
		s.Skipped = append(s.Skipped, "cpu: go test -cpuprofile is on, and kept whole")
	}
	if !mutexOn {
		s.Skipped = append(s.Skipped, "mutex: go test -mutexprofile is on, and kept whole")
	}
	if !blockOn {
		s.Skipped = append(s.Skipped, "block: go test -blockprofile is on, and kept whole")
	}
	if !traceOn {
		s.Skipped = append(s.Skipped, "trace: go test -trace is on, and kept whole")
	}
	if w == (window{}) {
		s.Skipped = append(s.Skipped, "window: this Go's testing.B has no benchtime to bound the pass by: it ran go test's -benchtime")
	}
	runtime.GC()
	runtime.GC()
	allocs0 := readProfile("allocs")
	var mutex0, block0 *profile.Profile
	if mutexOn {
		// The fraction the program set is put back after the pass.
		prev := runtime.SetMutexProfileFraction(1)
		defer runtime.SetMutexProfileFraction(prev)
		mutex0 = readProfile("mutex")
	}
	if blockOn {
		// The runtime does not say the block profile's rate. A profile
		// that holds events the passes did not leave was turned on by the
		// program: its rate stays, and the delta is at that rate. Else it
		// was off, and is turned off again after the pass.
		block0 = readProfile("block")
		if events(block0) > blockLeft.Load() {
			s.Skipped = append(s.Skipped, "block: on at the program's own rate, which the pass leaves as it is (delays below it are sampled)")
		} else {
			runtime.SetBlockProfileRate(1)
			defer func() {
				runtime.SetBlockProfileRate(0)
				blockLeft.Store(events(readProfile("block")))
			}()
		}
	}
	var cpu bytes.Buffer
	hz := 100
	if cpuOn {
		var err error
		if hz, err = startCPUProfile(&cpu); err != nil {
			cpuOn = false
			s.Skipped = append(s.Skipped, "cpu: a CPU profile is already running")
		}
	}
	// The trace is of the whole pass: the timed ops' windows are found in
	// it by testing's timer marks, so that setup and StopTimer sections
	// are left out, and the tail of the last op is in it. The pass's
	// length is what bounds what reading it costs.
	var tr bytes.Buffer
	if traceOn && trace.Start(&tr) != nil {
		traceOn = false
		s.Skipped = append(s.Skipped, "trace: a trace is already running")
	}
	opsStart := time.Now()
	ops, took := runOps(b, fn, w)
	s.opsWall = time.Since(opsStart)
	if traceOn {
		trace.Stop()
	}
	// StopCPUProfile waits for runtime/pprof's writer: it waits in the
	// background while the other profiles are read.
	cpuDone := make(chan struct{})
	go func() {
		if cpuOn {
			pprof.StopCPUProfile()
		}
		close(cpuDone)
	}()
	var mutex1, block1 *profile.Profile
	if mutexOn {
		mutex1 = readProfile("mutex")
	}
	if blockOn {
		block1 = readProfile("block")
	}
	runtime.GC()
	runtime.GC()
	allocs1 := readProfile("allocs")

	s.Ops = ops
	f := frames{bench: benchPkg, module: mainModule(), self: selfPkg}
	kept := map[string]*profile.Profile{}
	if d, err := delta(mutex0, mutex1); err == nil && d != nil {
		s.Mutex = f.mutexSites(d, s.Ops)
		kept["mutex"] = d
	}
	if d, err := delta(block0, block1); err == nil && d != nil {
		s.Block = f.blockSites(d, s.Ops)
		kept["block"] = d
	}
	if d, err := delta(allocs0, allocs1); err == nil && d != nil {
		s.Alloc = f.allocSites(d, s.Ops)
		kept["allocs"] = d
	}
	var fromTrace *traceResult
	if traceOn {
		opTime := took.Seconds() / float64(max(ops, 1))
		res, err := f.traceSites(tr.Bytes(), runtime.GOMAXPROCS(0), opTime, 1/float64(hz), s)
		if err != nil {
			s.Skipped = append(s.Skipped, "trace: "+err.Error())
		}
		fromTrace = res
	}
	<-cpuDone
	if cpuOn {
		if p, err := profile.Parse(&cpu); err == nil {
			kept["cpu"] = p
			if fromTrace != nil && fromTrace.whole && fromTrace.ops > 0 && fromTrace.cpu.samples > 0 {
				// The trace holds the same samples, with their times: those
				// of the timed ops only.
				fromTrace.cpu.into(fromTrace.ops, s)
				if hz != 100 {
					s.CPUPeriod = 1 / float64(hz)
				}
			} else {
				f.cpuSites(p, s.Ops, s)
			}
		}
	}
	// What reading the profiles leaves is garbage: collected here, so
	// that what runs next starts from the heap it would have.
	defer runtime.GC()
	if keep != "" {
		var trace []byte
		if traceOn {
			trace = tr.Bytes()
		}
		if err := keepProfiles(keep, kept, trace); err != nil {
			s.Skipped = append(s.Skipped, "files: "+err.Error())
			profilesFailed(err)
		}
	}
	return s
}

// blockLeft is the count of events the block profile held when a pass
// turned it off: one that holds more was turned on by the program since
// (the runtime does not say the rate).
var blockLeft atomic.Int64

// events is the count of events a block profile holds (0 for none).
func events(p *profile.Profile) int64 {
	if p == nil {
		return 0
	}
	n := int64(0)
	for _, s := range p.Sample {
		if len(s.Value) > 0 {
			n += s.Value[0]
		}
	}
	return n
}

// readProfile reads the named cumulative profile (nil if it cannot).
func readProfile(name string) *profile.Profile {
	pr := pprof.Lookup(name)
	if pr == nil {
		return nil
	}
	var buf bytes.Buffer
	if pr.WriteTo(&buf, 0) != nil {
		return nil
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		return nil
	}
	return p
}

// keepProfiles writes each profile to prefix.KIND.pprof, and the trace to
// prefix.trace, each whole or not at all.
func keepProfiles(prefix string, ps map[string]*profile.Profile, tr []byte) error {
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return err
	}
	var errs []error
	for kind, p := range ps {
		errs = append(errs, atomicfile.WriteNoSync(fmt.Sprintf("%s.%s.pprof", prefix, kind), 0o644, p.Write))
	}
	if tr != nil {
		errs = append(errs, atomicfile.WriteNoSync(prefix+".trace", 0o644, func(w io.Writer) error {
			_, err := w.Write(tr)
			return err
		}))
	}
	return errors.Join(errs...)
}
