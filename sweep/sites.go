package sweep

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// SitesPrefix starts the line in which a point's sites travel in the
// benchmark output, indented so that benchfmt takes it for no result and
// no configuration ("    sweep-sites: BenchmarkX/workers=2-2 {...}"),
// printed after the sweep's results, where cmd/benchreport finds it: `go
// test -bench ... > out.txt` carries them with no extra step.
const SitesPrefix = "sweep-sites:"

// Sites is where one point's time went, from profiles taken in a pass of
// its own (see [Over]): each list holds the largest entries, values per op.
type Sites struct {
	// Ops is the ops the pass ran: 0 where it did not run at this point,
	// and Skipped says why ("not run: ...").
	Ops int `json:"ops"`
	// Skipped names what the pass could not collect, and why (a profile
	// the user asked go test for, which the pass leaves whole).
	Skipped []string `json:"skipped,omitempty"`
	// CPU is the CPU time per op by function (flat: the function that ran)
	// with the user's frame that led there; Samples the CPU profile's
	// samples (at 100 Hz: 10 ms each).
	CPU     []Site `json:"cpu,omitempty"`
	Samples int    `json:"samples,omitempty"`
	// Roots is the CPU time per op by the function each goroutine started
	// in: the workers, the benchmark's own goroutine, the collector, and
	// goroutines of a library's own.
	Roots []Site `json:"roots,omitempty"`
	// Serial is the CPU time per op of the benchmark's own goroutine (the
	// code around the executor, which runs alone), by function.
	Serial []Site `json:"serial,omitempty"`
	// SerialCPU is the benchmark goroutine's whole CPU time per op.
	SerialCPU float64 `json:"serialCPU,omitempty"`
	// CPUTotal is the profile's whole CPU time per op.
	CPUTotal float64 `json:"cpuTotal,omitempty"`
	// Mutex is the contention delay per op by critical section: the
	// function that unlocked a mutex others waited for.
	Mutex []Site `json:"mutex,omitempty"`
	// Block is the time per op goroutines waited, by where they waited
	// (Wait names what: sync.(*Mutex).Lock, a channel, select, sleep).
	Block []Site `json:"block,omitempty"`
	// Alloc is the bytes allocated per op, by site.
	Alloc []Site `json:"alloc,omitempty"`
	// Waits is the time per op goroutines waited, from an execution trace
	// of the pass, by where they waited; Wait names why, as the runtime
	// says it (sleep, chan receive, select, sync, network, syscall...):
	// unlike Block, it sees sleep and IO.
	Waits []Site `json:"waits,omitempty"`
	// RunTotal is the time per op goroutines ran, from the trace, and
	// RunSerial that of the benchmark's own goroutine (the code around
	// the executor): exact, where the CPU profile's samples are few.
	RunTotal  float64 `json:"runTotal,omitempty"`
	RunSerial float64 `json:"runSerial,omitempty"`

	// CPUPeriod is the CPU profile's sampling period in seconds (0: the
	// default 100 Hz, 0.01): the pass may sample faster, so that a short
	// pass still locates a growth.
	CPUPeriod float64 `json:"cpuPeriod,omitempty"`
	// LockCPU is the CPU time per op spent in a lock's spin and wake
	// paths (sync.(*Mutex).lockSlow and unlockSlow, runtime.procyield,
	// osyield, futex, runtime.lock2, semacquire and semrelease), by the
	// site that took the lock: Func the function that called Lock (or
	// Unlock, for the wake path), Wait the lock's function
	// ("sync.(*Mutex).Lock"), Kind "lock", Path the call path. This CPU is
	// left out of CPU: it is the lock's, not growth of the code's own.
	// LockCPUTotal is its whole per op.
	LockCPU      []Site  `json:"lockCPU,omitempty"`
	LockCPUTotal float64 `json:"lockCPUTotal,omitempty"`
	// Idle splits the idle core time of the timed ops, from the trace
	// (nil where no trace was read).
	Idle *Idle `json:"idle,omitempty"`
	// PassWall is the wall time the pass took, reading its profiles
	// included, and SweepWall that of the sweep's timed samples in the
	// process (seconds, whole, not per op): what the pass cost, measured.
	PassWall  float64 `json:"passWall,omitempty"`
	SweepWall float64 `json:"sweepWall,omitempty"`

	opsWall time.Duration // the wall time the pass's ops ran, for the budget
}

// Idle is the idle core time of a point, split by what the trace shows
// at each instant a core sat idle, over the timed ops only (setup before
// b.Loop and StopTimer sections left out). Each value is in core-seconds
// per op; the parts sum to Total.
//
// At each instant, the idle cores are GOMAXPROCS less the goroutines
// running (a goroutine in a syscall holds a core). They are charged, in
// this order: to the goroutines runnable but not running (Runnable, up to
// one core each); where the benchmark's own goroutine runs and no worker
// does, to a serial part (Serial); the rest in equal shares to the
// workers not running: a worker blocked counts as Blocked if another
// goroutine or the runtime ended its wait (a lock, a channel, a
// WaitGroup, sleep, IO), and as Tail if it had finished (exited, or
// waited for work the benchmark's own goroutine gave it next) while
// another still ran its last input. What none of these explains is Other.
// The workers are the goroutines other than the benchmark's own, the
// harness's and the runtime's that ran in the window.
type Idle struct {
	Procs int     `json:"procs"` // GOMAXPROCS
	Ops   float64 `json:"ops"`   // timed ops the trace covered
	Span  float64 `json:"span"`  // wall seconds per op, timed ops only
	Total float64 `json:"total"` // idle core-seconds per op: Procs×Span less the goroutines' run time
	// Serial: the benchmark's own goroutine ran and no worker did (code
	// around the executor); SerialSites where it ran then, from the CPU
	// samples in the trace (Value: Serial's share, per op).
	Serial      float64 `json:"serial,omitempty"`
	SerialSites []Site  `json:"serialSites,omitempty"`
	// Tail: the benchmark's goroutine waited for its workers, some of
	// which had finished while others still ran their last input (one
	// long task); TailSites what those ran then, from the CPU samples in
	// the trace: Func the user's task function where the stack holds one,
	// Path the call path.
	Tail      float64 `json:"tail,omitempty"`
	TailSites []Site  `json:"tailSites,omitempty"`
	// Blocked: workers waited for something another goroutine or the
	// runtime gave them, by Kind ("lock", "chan", "select", "waitgroup",
	// "cond", "sleep", "io", "syscall", "gc": the collector's assists,
	// "other"), Wait (the std function
	// they waited in, or the runtime's reason) and the site that waited
	// (Func, Path). BlockedTotal is their sum.
	Blocked      []Site  `json:"blocked,omitempty"`
	BlockedTotal float64 `json:"blockedTotal,omitempty"`
	// Runnable: goroutines runnable but not running while a core sat
	// idle (the scheduler's latency), charged to what made them runnable:
	// Func the site of the waking goroutine (for a lock, the caller of
	// Unlock; Wait "sync.(*Mutex).Unlock"), Kind what they had waited for
	// ("lock", "chan", ...; "preempted" or "new" where nothing woke them).
	// RunnableTotal is their sum.
	Runnable      []Site  `json:"runnable,omitempty"`
	RunnableTotal float64 `json:"runnableTotal,omitempty"`
	// Other is the idle core time none of the above explains (no worker
	// existed, or the trace's edges).
	Other float64 `json:"other,omitempty"`
}

// Frame is one function of a call path: the function, and the file and
// line of its call to the next frame (or where the time went, for the
// last).
type Frame struct {
	Func string `json:"func"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Where is the frame as "Func (file:line)".
func (f Frame) Where() string {
	if f.File == "" {
		return f.Func
	}
	return fmt.Sprintf("%s (%s:%d)", f.Func, path.Base(f.File), f.Line)
}

// Site is one place where time (or memory) went.
type Site struct {
	Func string `json:"func"` // the function charged
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// User is the first frame of the user's own module on the way there
	// ("" if none): where the user's code leads to the site.
	User     string `json:"user,omitempty"`
	UserFile string `json:"userFile,omitempty"`
	UserLine int    `json:"userLine,omitempty"`
	// Wait is what the goroutines waited in (Block): the std function at
	// the leaf.
	Wait  string  `json:"wait,omitempty"`
	Value float64 `json:"value"` // per op: seconds, or bytes (Alloc)
	// Kind is what was waited for, where the site is a wait (Idle's
	// Blocked and Runnable, LockCPU): "lock", "chan", "select",
	// "waitgroup", "cond", "sleep", "io", "syscall", "gc", "preempted",
	// "new", "other".
	Kind string `json:"kind,omitempty"`
	// Path is the call path to the site, outermost first: the user's
	// frame that called into the library (preceded by its own caller
	// where it is a helper, a user's function called by another), then
	// the library function it called, then, where the time went deeper,
	// the function where it went (a runtime leaf climbed to the first
	// frame outside the runtime). Never a runtime leaf alone; empty
	// where the stack holds no frame of the user's. PathString writes it.
	Path []Frame `json:"path,omitempty"`
}

// PathString is the call path as "summarize (report_test.go:210) →
// encoding/json.Marshal", each user frame with the line of its call; the
// site alone (Where) where there is no path.
func (s Site) PathString() string {
	if len(s.Path) == 0 {
		return s.Where()
	}
	parts := make([]string, len(s.Path))
	for i, f := range s.Path {
		parts[i] = f.Func
		if i < len(s.Path)-1 || len(s.Path) == 1 {
			parts[i] = f.Where()
		}
	}
	return strings.Join(parts, " → ")
}

// Where is the site as "Func (file:line)".
func (s Site) Where() string {
	if s.File == "" {
		return s.Func
	}
	return fmt.Sprintf("%s (%s:%d)", s.Func, path.Base(s.File), s.Line)
}

// UserWhere is the user's frame as "Func (file:line)", "" if none.
func (s Site) UserWhere() string {
	if s.User == "" {
		return ""
	}
	return fmt.Sprintf("%s (%s:%d)", s.User, path.Base(s.UserFile), s.UserLine)
}

// Encode is the sites as the one line they travel in.
// Encode is the line the sites of the benchmark named name (its full
// name as go test prints it, "BenchmarkX/workers=2-2") travel in.
func (s *Sites) Encode(name string) string {
	b, err := json.Marshal(s)
	if err != nil {
		b = []byte("{}")
	}
	return "    " + SitesPrefix + " " + strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' {
			return '_'
		}
		return r
	}, name) + " " + string(b)
}

// ParseSites reads a line written by Encode: the benchmark's name, without
// "Benchmark", and its sites; ok is false for any other line. A line of a
// point whose pass did not run has Ops 0 and says why in Skipped.
func ParseSites(line string) (name string, s *Sites, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(line), SitesPrefix+" ")
	if !found {
		return "", nil, false
	}
	name, js, found := strings.Cut(rest, " ")
	name, isBench := strings.CutPrefix(name, "Benchmark")
	if !found || !isBench || name == "" {
		return "", nil, false
	}
	var st Sites
	if err := json.Unmarshal([]byte(js), &st); err != nil || st.Ops < 0 || st.Ops == 0 && len(st.Skipped) == 0 {
		return "", nil, false
	}
	return name, &st, true
}

// maxSites is how many entries each list keeps.
const maxSites = 12

// frame is one function of a stack.
type frame struct {
	fn, file string
	line     int
}

// stack is a sample's frames, leaf first.
func stack(s *profile.Sample) []frame {
	var out []frame
	for _, loc := range s.Location {
		// Lines of one location: inlined calls, innermost first.
		for _, l := range loc.Line {
			if l.Function == nil {
				continue
			}
			out = append(out, frame{fn: l.Function.Name, file: shortFile(l.Function.Filename), line: int(l.Line)})
		}
	}
	return out
}

// shortFile is a source file's last two path elements ("v2@v2.4.2/cache.go"):
// enough to find it, and short enough for one log line.
func shortFile(name string) string {
	dir, file := path.Split(name)
	if dir == "" {
		return file
	}
	return path.Join(path.Base(dir), file)
}

// stripGenerics drops the type arguments of a generic instantiation
// ("pool.(*collectRun[go.shape.int,go.shape.uint64]).work" is
// "pool.(*collectRun).work"), whose dots and slashes are not the path's.
func stripGenerics(fn string) string {
	if !strings.Contains(fn, "[") {
		return fn
	}
	var b strings.Builder
	depth := 0
	for _, r := range fn {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pkgOf is the import path of a function's package: "a/b/c.(*T).M" is
// "a/b/c".
func pkgOf(fn string) string {
	fn = stripGenerics(fn)
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

// isStd reports whether fn is of the standard library or the runtime: its
// path's first element has no dot. A module may have such a path too
// ("myapp"): frames.rank asks about the user's module first.
func isStd(fn string) bool {
	first, _, _ := strings.Cut(pkgOf(fn), "/")
	return !strings.Contains(first, ".")
}

// isRuntime reports whether fn is the runtime's (or an internal package's,
// which the runtime and std share): a leaf there is climbed out of.
func isRuntime(fn string) bool {
	p := pkgOf(fn)
	return p == "runtime" || strings.HasPrefix(p, "runtime/internal") || strings.HasPrefix(p, "internal/")
}

// frames classifies a stack against the user's code: the benchmark's own
// package first, then the rest of its module.
type frames struct {
	bench  string // the benchmark's package ("" if unknown)
	module string // the user's module path ("" if unknown)
	self   string // this package's path: its frames are the harness's
}

// rank is 1 for a frame of the benchmark's package, 2 for one of the
// rest of the user's module, 0 for any other.
func (f frames) rank(fn string) int {
	p := pkgOf(fn)
	switch {
	case f.bench != "" && p == f.bench:
		return 1
	case f.module != "" && (p == f.module || strings.HasPrefix(p, f.module+"/") || strings.HasPrefix(p, f.module+"_test")):
		if p == f.self {
			return 0
		}
		return 2
	}
	return 0
}

// user is the user's frame nearest the leaf: of the benchmark's own
// package where the stack holds one, else of the user's module.
func (f frames) user(st []frame) (frame, bool) {
	if i := f.userAt(st); i >= 0 {
		return st[i], true
	}
	return frame{}, false
}

// userAt is the index of the frame user returns (-1 if none).
func (f frames) userAt(st []frame) int {
	best := -1
	for i, fr := range st {
		switch r := f.rank(fr.fn); {
		case r == 1:
			return i
		case r == 2 && best < 0:
			best = i
		}
	}
	return best
}

// path is the call path of a stack (leaf first) as Site.Path gives it,
// outermost first: the user's frame nearest the leaf (preceded by its
// caller where that is the user's too: a helper is named with its
// caller), the function it called, and the function where the time went
// (the first frame from the leaf outside the runtime) where that is
// deeper still. nil where the stack holds no frame of the user's.
func (f frames) path(st []frame) []Frame {
	u := f.userAt(st)
	if u < 0 {
		return nil
	}
	var out []Frame
	if u+1 < len(st) && f.helperOf(st[u], st[u+1]) && !f.harness(st[u+1:]) {
		out = append(out, st[u+1].public())
	}
	out = append(out, st[u].public())
	leaf := 0
	for leaf < u && isRuntime(st[leaf].fn) {
		leaf++
	}
	if leaf >= u {
		// The time went in the runtime, called from the user's frame
		// (an allocation, an interface conversion, a map, an assist to
		// the collector): the runtime function it called says where, so
		// that the user's frame is not alone.
		if u > 0 {
			out = append(out, st[u-1].public())
		}
		return out
	}
	entry := u - 1
	if !isRuntime(st[entry].fn) {
		out = append(out, st[entry].public())
	}
	if leaf < entry {
		out = append(out, st[leaf].public())
	}
	return out
}

// helperOf reports whether the user's frame u is a helper of the user's
// frame caller: caller is of the benchmark's package, or of u's own.
func (f frames) helperOf(u, caller frame) bool {
	r := f.rank(caller.fn)
	return r == 1 || r == 2 && pkgOf(caller.fn) == pkgOf(u.fn)
}

func (fr frame) public() Frame { return Frame{Func: fr.fn, File: fr.file, Line: fr.line} }

// firstOutside is the first frame from the leaf that is not in the given
// packages (and not in the runtime).
func firstOutside(st []frame, pkgs ...string) (frame, bool) {
	for _, fr := range st {
		p := pkgOf(fr.fn)
		if p == "runtime" || strings.HasPrefix(p, "runtime/") || strings.HasPrefix(p, "internal/") || slices.Contains(pkgs, p) {
			continue
		}
		return fr, true
	}
	return frame{}, false
}

// tally sums values by site.
type tally struct {
	f     frames
	sites map[string]*tallied
}

// tallied is one site of a tally, with its value by line of the function
// charged and of the user's frame, so that each is named by its heaviest.
type tallied struct {
	Site
	lines, userLines map[int]float64
	paths            map[string]pathValue
}

type pathValue struct {
	path []Frame
	v    float64
}

func newTally(f frames) *tally { return &tally{f: f, sites: map[string]*tallied{}} }

func (t *tally) add(at frame, st []frame, wait string, v float64) {
	t.addKind(at, st, wait, "", v)
}

// addKind adds v at the site at, from the stack st (leaf first), waited
// in wait, of the kind given.
func (t *tally) addKind(at frame, st []frame, wait, kind string, v float64) {
	u, hasUser := t.f.user(st)
	key := at.fn + "\x00" + wait + "\x00" + u.fn + "\x00" + kind
	s := t.sites[key]
	if s == nil {
		s = &tallied{Site: Site{Func: at.fn, File: at.file, Wait: wait, Kind: kind},
			lines: map[int]float64{}, userLines: map[int]float64{}, paths: map[string]pathValue{}}
		if hasUser {
			s.User, s.UserFile = u.fn, u.file
		}
		t.sites[key] = s
	}
	s.Value += v
	s.lines[at.line] += v
	if hasUser {
		s.userLines[u.line] += v
	}
	if p := t.f.path(st); len(p) > 0 {
		// A wait's path ends at the std function waited in
		// (sync.(*RWMutex).Lock), not in its internals.
		if wait != "" {
			p = endAt(p, st, wait)
		}
		k := fmt.Sprint(p)
		pv := s.paths[k]
		pv.path, pv.v = p, pv.v+v
		s.paths[k] = pv
	}
}

// endAt ends a path at the std function wait: the std frames at its end
// (sync's, the runtime's internals) give way to wait's own frame.
func endAt(p []Frame, st []frame, wait string) []Frame {
	p = slices.Clone(p)
	for len(p) > 1 {
		last := p[len(p)-1].Func
		if q := pkgOf(last); last != wait && (isStd(last) || q == "internal/sync") {
			p = p[:len(p)-1]
			continue
		}
		break
	}
	if len(p) > 0 && p[len(p)-1].Func == wait {
		return p
	}
	for _, fr := range st {
		if fr.fn == wait {
			return append(p, fr.public())
		}
	}
	return p
}

// heaviest is the key of m with the largest value, the smallest key
// among equals (0 if m is empty).
func heaviest(m map[int]float64) int {
	best, bv := 0, -1.0
	for k, v := range m {
		if v > bv || v == bv && k < best {
			best, bv = k, v
		}
	}
	return best
}

// top is the largest sites, each value divided by ops.
func (t *tally) top(ops int) []Site { return t.topf(float64(ops)) }

// topf is top for a fractional count of ops (a window of the pass).
func (t *tally) topf(ops float64) []Site {
	if !(ops > 0) {
		return nil
	}
	var out []Site
	for _, s := range t.sites {
		if s.Value <= 0 {
			continue
		}
		c := s.Site
		c.Value /= ops
		c.Line = heaviest(s.lines)
		if c.User != "" {
			c.UserLine = heaviest(s.userLines)
		}
		var best pathValue
		for k, pv := range s.paths {
			if pv.v > best.v || pv.v == best.v && best.path != nil && k < fmt.Sprint(best.path) {
				best = pv
			}
		}
		c.Path = best.path
		out = append(out, c)
	}
	sortSites(out)
	if len(out) > maxSites {
		out = out[:maxSites]
	}
	return out
}

// sortSites orders sites by value, largest first, then by name.
func sortSites(out []Site) {
	slices.SortFunc(out, func(a, b Site) int {
		if a.Value != b.Value {
			if a.Value > b.Value {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Func+" "+a.User+" "+a.Wait, b.Func+" "+b.User+" "+b.Wait)
	})
}

// valueIndex is the index of the sample type named typ (-1 if none).
func valueIndex(p *profile.Profile, typ string) int {
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i
		}
	}
	return -1
}

// scale is what one unit of a sample type is in seconds (nanoseconds are
// 1e-9), or 1 for bytes and counts.
func scale(p *profile.Profile, i int) float64 {
	if p.SampleType[i].Unit == "nanoseconds" {
		return 1e-9
	}
	return 1
}

// cpuSites reads a CPU profile of ops ops: flat CPU by function, CPU by
// goroutine root, and the benchmark goroutine's own CPU (its root in
// package testing: code around the executor, which runs alone). The
// harness's samples are left out; those in a lock's spin and wake paths
// go to LockCPU, by the site that took the lock, not to CPU.
func (f frames) cpuSites(p *profile.Profile, ops int, s *Sites) {
	i := valueIndex(p, "cpu")
	if i < 0 {
		return
	}
	if p.Period > 0 && p.PeriodType != nil && p.PeriodType.Unit == "nanoseconds" && p.Period != 1e7 {
		s.CPUPeriod = float64(p.Period) * 1e-9
	}
	c := newCPUTally(f)
	n := valueIndex(p, "samples")
	for _, smp := range p.Sample {
		st := stack(smp)
		k := 1
		if n >= 0 {
			k = int(smp.Value[n])
		}
		c.add(st, float64(smp.Value[i])*scale(p, i), k)
	}
	c.into(float64(ops), s)
}

// cpuTally sums CPU samples, from a profile or a trace, into Sites' CPU
// lists.
type cpuTally struct {
	f                          frames
	flat, roots, serial, locks *tally
	samples                    int
	total, serialCPU, lockCPU  float64
}

func newCPUTally(f frames) *cpuTally {
	return &cpuTally{f: f, flat: newTally(f), roots: newTally(f), serial: newTally(f), locks: newTally(f)}
}

// add is one stack's CPU, v seconds over k samples.
func (c *cpuTally) add(st []frame, v float64, k int) {
	if len(st) == 0 || c.f.harness(st) {
		return
	}
	c.samples += k
	c.total += v
	if wait, at, ok := lockOf(st); ok {
		c.lockCPU += v
		c.locks.addKind(st[at], st, wait, "lock", v)
	} else {
		c.flat.add(st[0], st, "", v)
	}
	root := rootOf(st)
	c.roots.add(root, st, "", v)
	if pkgOf(root.fn) == "testing" {
		c.serialCPU += v
		at := st[0]
		if u, ok := c.f.user(st); ok {
			at = u
		}
		c.serial.add(at, st, "", v)
	}
}

func (c *cpuTally) into(ops float64, s *Sites) {
	if !(ops > 0) {
		return
	}
	s.Samples = c.samples
	s.CPUTotal = c.total / ops
	s.SerialCPU = c.serialCPU / ops
	s.LockCPUTotal = c.lockCPU / ops
	s.CPU, s.Roots, s.Serial, s.LockCPU = c.flat.topf(ops), c.roots.topf(ops), c.serial.topf(ops), c.locks.topf(ops)
}

// rootOf is the function a goroutine started in: a stack's outermost
// frame, past the runtime.goexit a trace's stacks end with.
func rootOf(st []frame) frame {
	for i := len(st) - 1; i > 0; i-- {
		if st[i].fn != "runtime.goexit" {
			return st[i]
		}
	}
	return st[0]
}

// lockFuncs are the functions of a lock, its spin and its wake paths: a
// CPU sample whose stack, from the leaf, runs through these (and the
// runtime's and sync's internals) before any other frame is the lock's.
var lockFuncs = map[string]bool{
	"sync.(*Mutex).Lock": true, "sync.(*Mutex).Unlock": true, "sync.(*Mutex).TryLock": true,
	"sync.(*Mutex).lockSlow": true, "sync.(*Mutex).unlockSlow": true,
	"sync.(*RWMutex).Lock": true, "sync.(*RWMutex).Unlock": true, "sync.(*RWMutex).RLock": true,
	"sync.(*RWMutex).RUnlock": true, "sync.(*RWMutex).rUnlockSlow": true, "sync.(*RWMutex).TryLock": true,
	"internal/sync.(*Mutex).Lock": true, "internal/sync.(*Mutex).Unlock": true,
	"internal/sync.(*Mutex).lockSlow": true, "internal/sync.(*Mutex).unlockSlow": true,
	"runtime.lock": true, "runtime.unlock": true, "runtime.lock2": true, "runtime.unlock2": true,
	"runtime.lockWithRank": true, "runtime.unlockWithRank": true,
}

// lockOf reports whether a stack (leaf first) is in a lock: wait is the
// lock's outermost function ("sync.(*Mutex).Lock"; for the runtime's own
// locks, the runtime function that took it, as runtime.chansend1), at
// the index of the frame that took the lock (the first outside the
// runtime and sync). ok is false where the stack leaves the runtime and
// sync before any lock function, or never leaves them.
func lockOf(st []frame) (wait string, at int, ok bool) {
	seen := false
	for i, fr := range st {
		p := pkgOf(fr.fn)
		inside := p == "sync" || p == "internal/sync" || isRuntime(fr.fn)
		if !inside {
			return wait, i, seen
		}
		switch {
		case lockFuncs[stripGenerics(fr.fn)]:
			seen = true
			wait = fr.fn
		case seen && isRuntime(fr.fn) && strings.HasPrefix(wait, "runtime."):
			// The runtime function that took a runtime lock.
			wait = fr.fn
		}
	}
	return "", 0, false
}

// harnessFuncs are this package's functions that run the pass: a stack
// whose first frame outside the runtime and std's sync and time is one of
// them is the harness's own work (reading the profiles, collecting), not
// the benchmark's, which runs under profilePass too.
var harnessFuncs = []string{".profilePass", ".profilePassFor", ".runOps", ".readProfile", ".keepProfiles", ".sitesPass", ".traceSites"}

// harness reports whether a stack is the harness's own work: runtime/pprof
// and runtime/trace writing their data, or the pass's own code (see
// harnessFuncs) before any of the user's code from the leaf: the user's
// code runs under the pass, and what it does is the user's.
func (f frames) harness(st []frame) bool {
	for _, fr := range st {
		if p := pkgOf(fr.fn); p == "runtime/pprof" || p == "runtime/trace" {
			return true
		}
	}
	for _, fr := range st {
		if pkgOf(fr.fn) == f.self {
			name := stripGenerics(fr.fn)[len(f.self):]
			for _, h := range harnessFuncs {
				if name == h || strings.HasPrefix(name, h+".") {
					return true
				}
			}
		}
		if f.rank(fr.fn) > 0 || pkgOf(fr.fn) != f.self && !isStd(fr.fn) {
			// The user's code, or a library it called.
			return false
		}
	}
	return false
}

// tallySites sums a profile's value typ, per op, by the first frame of
// each sample outside the runtime and pkgs; the harness's samples are left
// out, and so, with byWait, are the benchmark's own goroutine's (which
// waits for its workers all along), each site then named with the std
// function nearest it (Lock, Sleep, chanrecv1, selectgo).
func (f frames) tallySites(p *profile.Profile, ops int, typ string, byWait bool, pkgs ...string) []Site {
	i := valueIndex(p, typ)
	if i < 0 {
		return nil
	}
	t := newTally(f)
	for _, smp := range p.Sample {
		st := stack(smp)
		at, ok := firstOutside(st, pkgs...)
		if !ok || f.harness(st) || byWait && pkgOf(rootOf(st).fn) == "testing" {
			continue
		}
		wait := ""
		for _, fr := range st {
			if !byWait || fr == at {
				break
			}
			wait = fr.fn
		}
		t.add(at, st, wait, float64(smp.Value[i])*scale(p, i))
	}
	return t.top(ops)
}

// mutexSites reads a mutex profile delta: the delay by critical section,
// the function that called Unlock.
func (f frames) mutexSites(p *profile.Profile, ops int) []Site {
	return f.tallySites(p, ops, "delay", false, "sync")
}

// blockSites reads a block profile delta: the delay by where goroutines
// waited, and in what.
func (f frames) blockSites(p *profile.Profile, ops int) []Site {
	return f.tallySites(p, ops, "delay", true, "sync", "time")
}

// allocSites reads an allocs profile delta: bytes by the first frame
// outside the runtime.
func (f frames) allocSites(p *profile.Profile, ops int) []Site {
	return f.tallySites(p, ops, "alloc_space", false)
}

// delta is after less before, for cumulative profiles (mutex, block,
// allocs): samples that did not grow are dropped.
func delta(before, after *profile.Profile) (*profile.Profile, error) {
	if before == nil {
		return after, nil
	}
	if after == nil || before.PeriodType == nil || after.PeriodType == nil {
		return nil, fmt.Errorf("profiles without a period type cannot be merged")
	}
	b := before.Copy()
	b.Scale(-1)
	d, err := profile.Merge([]*profile.Profile{after, b})
	if err != nil {
		return nil, err
	}
	d.Sample = slices.DeleteFunc(d.Sample, func(s *profile.Sample) bool {
		for _, v := range s.Value {
			if v > 0 {
				return false
			}
		}
		return true
	})
	return d, nil
}
