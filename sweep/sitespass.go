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
	"testing"
	"time"
	"unsafe"

	"github.com/google/pprof/profile"

	"github.com/futuresbench/futures/internal/atomicfile"
)

// The environment variables of the sites pass (see [Over]).
const (
	// EnvSites turns the pass off ("off" or "0", in any case), or sets its
	// length: a duration ("150ms") or a count of ops ("5x"); a value it
	// cannot be is said on stderr, and the default pass runs. Unset, the pass takes
	// 1.6% of the time the timed samples of the point take in the process (a 64th)
	// (-benchtime times -count).
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

// sitesWindow is the pass's length, from EnvSites or from -benchtime and
// -count; ok is false where the pass is off.
func sitesWindow() (window, bool) {
	if w, on, set := sitesSetting(); set {
		return w, on
	}
	count := 1
	if f := flag.Lookup("test.count"); f != nil {
		if c, err := strconv.Atoi(f.Value.String()); err == nil && c > 0 {
			count = c
		}
	}
	bt := "1s"
	if f := flag.Lookup("test.benchtime"); f != nil {
		bt = f.Value.String()
	}
	w, ok := parseWindow(bt)
	if !ok {
		return window{}, false
	}
	if w.n > 0 {
		// A count of ops: the pass runs where its share is one op or more.
		if n := w.n * count / 64; n >= 1 {
			return window{n: n}, true
		}
		return window{}, false
	}
	return window{d: w.d * time.Duration(count) / 64}, true
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

// traceWindow bounds the execution trace of a pass.
const traceWindow = 20 * time.Millisecond

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
// no result (it is skipped), for the window, with the CPU, mutex and block
// profiles on, and reads where the time went. It returns nil where the
// pass is off, or one op (opTime, from the timed samples) is longer than
// the window.
func sitesPass(b *testing.B, name, benchPkg string, opTime time.Duration, fn func(b *testing.B)) *Sites {
	w, on := sitesWindow()
	// A pass runs one op at least: where one op, as the timed samples
	// measured it, is longer than the pass's share, it is not run.
	if !on || w.d > 0 && opTime > w.d {
		return nil
	}
	if _, seen := sitesDone.LoadOrStore(b.Name()+"/"+name, true); seen {
		return nil
	}
	var sites *Sites
	point := printedName(b.Name() + "/" + name)
	b.Run("sites-"+name, func(b *testing.B) {
		setWindow(b, w)
		sites = profilePass(b, fn, benchPkg, profilesPath(benchPkg, point))
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
// files to keep.
func profilePass(b *testing.B, fn func(b *testing.B), benchPkg, keep string) *Sites {
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
	runtime.GC()
	runtime.GC()
	allocs0 := readProfile("allocs")
	var mutex0, block0 *profile.Profile
	prevFraction := 0
	if mutexOn {
		prevFraction = runtime.SetMutexProfileFraction(1)
		mutex0 = readProfile("mutex")
	}
	if blockOn {
		runtime.SetBlockProfileRate(1)
		block0 = readProfile("block")
	}
	var cpu bytes.Buffer
	if cpuOn && pprof.StartCPUProfile(&cpu) != nil {
		cpuOn = false
		s.Skipped = append(s.Skipped, "cpu: a CPU profile is already running")
	}
	var tr bytes.Buffer
	if traceOn && trace.Start(&tr) != nil {
		traceOn = false
		s.Skipped = append(s.Skipped, "trace: a trace is already running")
	}
	// The trace is of a bounded window, traceWindow at most: a workload
	// that starts a goroutine a task writes millions of events a second,
	// and reading them would cost more than the pass.
	start := time.Now()
	var traced time.Duration
	var stopOnce sync.Once
	stopTrace := func() {
		stopOnce.Do(func() {
			if traceOn {
				trace.Stop()
				traced = time.Since(start)
			}
		})
	}
	timer := time.AfterFunc(traceWindow, stopTrace)
	fn(b)
	timer.Stop()
	stopTrace()
	passed := time.Since(start)
	// StopCPUProfile waits for runtime/pprof's writer, which reads every
	// 100 ms: it waits in the background while the other profiles are read.
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
		runtime.SetMutexProfileFraction(prevFraction)
	}
	if blockOn {
		block1 = readProfile("block")
		runtime.SetBlockProfileRate(0)
	}
	runtime.GC()
	runtime.GC()
	allocs1 := readProfile("allocs")

	s.Ops = max(b.N, 1)
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
	if traceOn {
		// The ops the trace saw, in proportion to its share of the pass.
		ops := float64(s.Ops) * min(traced.Seconds()/max(passed.Seconds(), 1e-9), 1)
		if err := f.traceSites(tr.Bytes(), ops, s); err != nil {
			s.Skipped = append(s.Skipped, "trace: "+err.Error())
		}
	}
	<-cpuDone
	if cpuOn {
		if p, err := profile.Parse(&cpu); err == nil {
			f.cpuSites(p, s.Ops, s)
			kept["cpu"] = p
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
