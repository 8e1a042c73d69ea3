package sweep

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/exp/trace"
)

// traceResult is what traceSites reads beside what it writes into Sites:
// the CPU samples of the timed ops, and whether the trace held all of
// them (it saw the timed loop start).
type traceResult struct {
	cpu   *cpuTally
	whole bool
	ops   float64 // timed ops the trace covered
}

// timerMark is a boundary of the benchmark's timer, from the
// stop-the-world of runtime.ReadMemStats that testing's StartTimer,
// StopTimer and ResetTimer make (the only trace of them).
type timerMark struct {
	t  trace.Time
	on bool // the timer runs after it (StartTimer, ResetTimer)
}

// tev is one event of the trace that traceSites replays.
type tev struct {
	t        trace.Time
	sample   bool // a CPU sample of g (stack in bySt); else a transition
	g        trace.GoID
	from, to trace.GoState
	reason   string
	st       trace.Stack // the transitioning goroutine's stack
	by       trace.GoID  // the goroutine that made the event
	bySt     trace.Stack // its stack
}

// Classes of goroutines.
const (
	classOther   = iota // a library's own goroutine, or one never seen at work
	classWorker         // ran the user's code, or was created during the timed ops
	classBench          // the benchmark's own goroutine (its root in testing)
	classHarness        // the pass's own, runtime/pprof's, runtime/trace's
	classSystem         // the runtime's (the collector's workers, the sweeper...)
)

// traceSites reads an execution trace of the pass into s, over the timed
// ops only (the windows between testing's timer marks: setup before
// b.Loop and StopTimer sections are left out): the idle core time split
// by what the trace shows (Idle, see its doc), the time goroutines spent
// waiting by site and reason (Waits), and the time goroutines ran
// (RunTotal, and RunSerial for the benchmark's own). opTime is the pass's
// time per op, in seconds; procs GOMAXPROCS; period the CPU profile's
// sampling period (seconds), for the CPU samples the trace holds.
func (f frames) traceSites(data []byte, procs int, opTime, period float64, s *Sites) (*traceResult, error) {
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	conv := map[trace.Stack][]frame{}
	framesOf := func(st trace.Stack) []frame {
		if st == trace.NoStack {
			return nil
		}
		if fr, ok := conv[st]; ok {
			return fr
		}
		var out []frame
		for fr := range st.Frames() {
			out = append(out, frame{fn: fr.Func, file: shortFile(fr.File), line: int(fr.Line)})
		}
		conv[st] = out
		return out
	}
	var evs []tev
	var marks []timerMark
	starting := map[trace.GoID]bool{}
	type info struct {
		root          string
		user, harness bool
		created       trace.Time
		createdBy     trace.GoID
		hasCreated    bool
	}
	gs := map[trace.GoID]*info{}
	get := func(g trace.GoID) *info {
		in := gs[g]
		if in == nil {
			in = &info{}
			gs[g] = in
		}
		return in
	}
	see := func(g trace.GoID, st []frame) {
		if len(st) == 0 || g == trace.NoGoroutine {
			return
		}
		in := get(g)
		in.root = rootOf(st).fn
		if f.userAt(st) >= 0 {
			in.user = true
		}
		// A goroutine that started in runtime/pprof or runtime/trace is
		// the harness's (the benchmark's own runs the harness's code at
		// times, as trace.Stop: that sample is left out, not the
		// goroutine).
		if p := pkgOf(in.root); p == "runtime/pprof" || p == "runtime/trace" {
			in.harness = true
		}
	}
	var first, last trace.Time
	n := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			first = ev.Time()
		}
		n++
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventStackSample:
			g := ev.Goroutine()
			see(g, framesOf(ev.Stack()))
			evs = append(evs, tev{t: ev.Time(), sample: true, g: g, bySt: ev.Stack()})
		case trace.EventRangeBegin:
			if ev.Range().Name != "stop-the-world (read mem stats)" {
				continue
			}
			for _, fr := range framesOf(ev.Stack()) {
				switch fr.fn {
				case "testing.(*B).StartTimer", "testing.(*B).ResetTimer":
					// The timer starts once the world runs again: the
					// mark is the range's end.
					starting[ev.Goroutine()] = true
				case "testing.(*B).StopTimer":
					// It stops before the world does.
					marks = append(marks, timerMark{t: ev.Time(), on: false})
				default:
					continue
				}
				break
			}
		case trace.EventRangeEnd:
			if g := ev.Goroutine(); starting[g] && ev.Range().Name == "stop-the-world (read mem stats)" {
				delete(starting, g)
				marks = append(marks, timerMark{t: ev.Time(), on: true})
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			g := st.Resource.Goroutine()
			from, to := st.Goroutine()
			e := tev{t: ev.Time(), g: g, from: from, to: to, reason: st.Reason, st: st.Stack, by: ev.Goroutine(), bySt: ev.Stack()}
			see(g, framesOf(st.Stack))
			if from == trace.GoNotExist {
				in := get(g)
				in.created, in.createdBy, in.hasCreated = e.t, e.by, true
				// A goroutine the harness started (runtime/pprof's
				// writer, runtime/trace's readers) is the harness's.
				if fr := framesOf(st.Stack); len(fr) > 0 && f.harness(fr) {
					in.harness = true
				}
				if fr := framesOf(ev.Stack()); len(fr) > 0 && f.startedByHarness(fr) {
					in.harness = true
				}
			}
			evs = append(evs, e)
		}
	}
	win := timedWindows(marks, first, last)
	// Who each goroutine is.
	class := map[trace.GoID]int{}
	var classify func(g trace.GoID) int
	classify = func(g trace.GoID) int {
		if c, ok := class[g]; ok {
			return c
		}
		class[g] = classOther
		in := gs[g]
		c := classOther
		switch {
		case in == nil:
		case in.harness:
			c = classHarness
		case in.root != "" && pkgOf(in.root) == "testing":
			c = classBench
		case in.root != "" && isRuntime(in.root):
			c = classSystem
		case in.user:
			c = classWorker
		case in.hasCreated && win.in(in.created):
			if by := classify(in.createdBy); by == classBench || by == classWorker {
				c = classWorker
			}
		}
		class[g] = c
		return c
	}
	for g := range gs {
		classify(g)
	}

	rp := &replay{f: f, procs: float64(procs), class: class, win: win, framesOf: framesOf,
		g: map[trace.GoID]*gstate{}, runnableBy: map[string]int{}, runnableSite: map[string]wakeSite{},
		runnable: newTally(f), blocked: newTally(f), waits: newTally(f), serialAt: newTally(f), tailAt: newTally(f),
		cpu: newCPUTally(f), period: period}
	rp.last = first
	for _, e := range evs {
		rp.advance(e.t)
		if e.sample {
			rp.sample(e)
		} else {
			rp.transition(e)
		}
	}
	rp.advance(last)
	rp.finish()

	ops := 0.0
	if opTime > 0 {
		ops = rp.span / opTime
	}
	res := &traceResult{cpu: rp.cpu, whole: win.whole, ops: ops}
	if !(ops > 0) || !(rp.span > 0) {
		return res, nil
	}
	s.Waits = rp.waits.topf(ops)
	s.RunTotal = rp.ranAll / ops
	s.RunSerial = rp.ranBench / ops
	id := &Idle{Procs: procs, Ops: ops, Span: rp.span / ops,
		Total:         max(rp.procs*rp.span-rp.ranCores, 0) / ops,
		Serial:        rp.serial / ops,
		Tail:          rp.tail / ops,
		BlockedTotal:  rp.blockedTotal / ops,
		RunnableTotal: rp.runnableTotal / ops,
		Other:         rp.other / ops,
		Blocked:       firstN(rp.blocked.topf(ops)),
		Runnable:      firstN(rp.runnable.topf(ops)),
		SerialSites:   firstN(scaled(rp.serialAt, rp.serial/ops)),
		TailSites:     firstN(scaled(rp.tailAt, rp.tail/ops)),
	}
	s.Idle = id
	return res, nil
}

// maxIdleSites is how many entries each list of Idle keeps: the sites
// line stays short.
const maxIdleSites = 6

func firstN(s []Site) []Site {
	if len(s) > maxIdleSites {
		return s[:maxIdleSites]
	}
	return s
}

// startedByHarness reports whether a goroutine's creator stack is the
// harness's own code starting it: its first frame outside the runtime and
// std's sync is runtime/pprof's, runtime/trace's or a harness function
// (the pass's goroutine that stops the CPU profile), not code the pass
// runs (the benchmark's, which may start its workers under it).
func (f frames) startedByHarness(st []frame) bool {
	for _, fr := range st {
		p := pkgOf(fr.fn)
		if isRuntime(fr.fn) || p == "sync" || p == "internal/sync" {
			continue
		}
		if p == "runtime/pprof" || p == "runtime/trace" {
			return true
		}
		if p == f.self {
			name := stripGenerics(fr.fn)[len(f.self):]
			for _, h := range harnessFuncs {
				if name == h || strings.HasPrefix(name, h+".") {
					return true
				}
			}
		}
		return false
	}
	return false
}

// scaled is a tally's top sites with their values scaled to sum to total
// (the sites are CPU samples; total the time they stand for).
func scaled(t *tally, total float64) []Site {
	sites := t.topf(1)
	sum := 0.0
	for _, s := range t.sites {
		sum += s.Value
	}
	if !(sum > 0) || !(total > 0) {
		return nil
	}
	for i := range sites {
		sites[i].Value *= total / sum
	}
	return sites
}

// windows is the timed windows of a trace, in order.
type windows struct {
	w     [][2]trace.Time
	i     int  // the window advance has reached
	whole bool // the trace saw the timed part start
}

// timedWindows is the spans between testing's timer marks where its timer
// ran: before the first mark where it is a StopTimer (the trace started
// within the timed loop), and all of the trace where it holds no mark (a
// benchmark timed from its start).
func timedWindows(marks []timerMark, first, last trace.Time) windows {
	if len(marks) == 0 {
		return windows{w: [][2]trace.Time{{first, last}}, whole: true}
	}
	var w windows
	w.whole = marks[0].on
	on, from := !marks[0].on, first
	for _, m := range marks {
		if on && m.t > from {
			w.w = append(w.w, [2]trace.Time{from, m.t})
		}
		on, from = m.on, m.t
	}
	if on && last > from {
		w.w = append(w.w, [2]trace.Time{from, last})
	}
	return w
}

// in reports whether t is in a window.
func (w *windows) in(t trace.Time) bool {
	for _, x := range w.w {
		if t >= x[0] && t < x[1] {
			return true
		}
	}
	return false
}

// overlap is the seconds of [a, b) inside the windows; calls come in
// order of time.
func (w *windows) overlap(a, b trace.Time) float64 {
	total := 0.0
	for w.i < len(w.w) && w.w[w.i][1] <= a {
		w.i++
	}
	for j := w.i; j < len(w.w) && w.w[j][0] < b; j++ {
		lo, hi := max(a, w.w[j][0]), min(b, w.w[j][1])
		if hi > lo {
			total += hi.Sub(lo).Seconds()
		}
	}
	return total
}

// gstate is a goroutine's state in the replay.
type gstate struct {
	state trace.GoState
	// Of the current wait: when it began (in timed seconds), the
	// per-worker idle shares then, its reason and stack.
	judged0, accRun0, accIdle0 float64
	reason                     string
	st                         []frame
	// Of the current runnable spell: the key of what woke it.
	wakeKey string
}

// wakeSite is what made goroutines runnable: the site of the goroutine
// that woke them, and what they had waited for.
type wakeSite struct {
	at   frame
	st   []frame
	wait string
	kind string
}

// replay walks the trace's goroutine states in time, charging each
// instant's idle cores (see Idle).
type replay struct {
	f        frames
	procs    float64
	class    map[trace.GoID]int
	win      windows
	framesOf func(trace.Stack) []frame
	g        map[trace.GoID]*gstate
	last     trace.Time
	span     float64 // the timed seconds so far

	running, runningWorkers, runningBench int
	runnableBench                         int
	runningHarness                        int
	waitingWorkers, doneWorkers           int
	runnableN                             int
	runnableBy                            map[string]int
	runnableSite                          map[string]wakeSite
	// The idle core time each waiting worker has been given, summed:
	// while a worker ran (accRun) and while none did (accIdle).
	accRun, accIdle float64

	ranAll, ranBench, ranCores                       float64
	serial, tail, other, blockedTotal, runnableTotal float64
	runnable, blocked, waits, serialAt, tailAt       *tally
	cpu                                              *cpuTally
	period                                           float64
}

func (rp *replay) state(g trace.GoID) *gstate {
	s := rp.g[g]
	if s == nil {
		s = &gstate{state: trace.GoUndetermined}
		rp.g[g] = s
	}
	return s
}

// advance charges the time from the last event to t.
func (rp *replay) advance(t trace.Time) {
	if t <= rp.last {
		return
	}
	dt := rp.win.overlap(rp.last, t)
	rp.last = t
	if !(dt > 0) {
		return
	}
	rp.span += dt
	rp.ranCores += float64(rp.running) * dt
	rp.ranAll += float64(rp.running-rp.runningHarness) * dt
	rp.ranBench += float64(rp.runningBench) * dt
	idle := rp.procs - float64(rp.running)
	if idle <= 0 {
		return
	}
	if rp.runnableN > 0 {
		r := min(idle, float64(rp.runnableN))
		for k, n := range rp.runnableBy {
			w := rp.runnableSite[k]
			rp.runnable.addKind(w.at, w.st, w.wait, w.kind, r*dt*float64(n)/float64(rp.runnableN))
		}
		rp.runnableTotal += r * dt
		idle -= r
		if idle <= 0 {
			return
		}
	}
	if rp.runningWorkers == 0 && (rp.runningBench > 0 || rp.runnableBench > 0 && rp.waitingWorkers == 0) {
		// The benchmark's goroutine runs alone, or is the one goroutine
		// that could (woken at an op's end, its workers done): the other
		// cores had nothing to run.
		rp.serial += idle * dt
		return
	}
	n := rp.waitingWorkers + rp.doneWorkers
	if n == 0 {
		rp.other += idle * dt
		return
	}
	per := idle * dt / float64(n)
	if rp.runningWorkers > 0 {
		rp.accRun += per
		rp.tail += per * float64(rp.doneWorkers)
	} else {
		rp.accIdle += per
		rp.other += per * float64(rp.doneWorkers)
	}
}

// inTail and inSerial are the instants whose CPU samples name the tail's
// and the serial part's sites.
func (rp *replay) inTail() bool {
	return rp.runningWorkers > 0 && rp.doneWorkers > 0 && rp.runnableN == 0 && float64(rp.running) < rp.procs
}

func (rp *replay) inSerial() bool {
	return rp.runningBench > 0 && rp.runningWorkers == 0 && float64(rp.running) < rp.procs
}

func (rp *replay) sample(e tev) {
	st := rp.framesOf(e.bySt)
	if len(st) == 0 || !rp.win.in(e.t) {
		return
	}
	rp.cpu.add(st, rp.period, 1)
	switch c := rp.class[e.g]; {
	case c == classWorker && rp.inTail():
		rp.tailAt.add(siteFrame(rp.f, st), st, "", 1)
	case c == classBench && rp.inSerial():
		rp.serialAt.add(siteFrame(rp.f, st), st, "", 1)
	}
}

// siteFrame is the frame a CPU sample is charged to in the idle parts:
// the user's frame where the stack holds one, else the first outside the
// runtime.
func siteFrame(f frames, st []frame) frame {
	if u, ok := f.user(st); ok {
		return u
	}
	if fr, ok := firstOutside(st); ok {
		return fr
	}
	return st[0]
}

// running is a state that holds a core. A goroutine in a syscall may not
// (the runtime hands its P on once the call blocks): it counts as
// waiting, of kind "syscall".
func running(s trace.GoState) bool { return s == trace.GoRunning }

// waiting is a state of a goroutine that waits (a syscall included).
func waiting(s trace.GoState) bool { return s == trace.GoWaiting || s == trace.GoSyscall }

func (rp *replay) transition(e tev) {
	if e.g == trace.NoGoroutine {
		return
	}
	c := rp.class[e.g]
	if c == classHarness {
		// The harness's goroutines hold cores too.
		s := rp.state(e.g)
		if running(s.state) {
			rp.running--
			rp.runningHarness--
		}
		if running(e.to) {
			rp.running++
			rp.runningHarness++
		}
		s.state = e.to
		return
	}
	s := rp.state(e.g)
	// Leave the old state.
	switch {
	case running(s.state):
		rp.running--
		switch c {
		case classWorker:
			rp.runningWorkers--
		case classBench:
			rp.runningBench--
		}
	case s.state == trace.GoRunnable:
		if c == classBench {
			rp.runnableBench--
		}
		if s.wakeKey != "" {
			rp.runnableBy[s.wakeKey]--
			if rp.runnableBy[s.wakeKey] <= 0 {
				delete(rp.runnableBy, s.wakeKey)
			}
			rp.runnableN--
		}
	case waiting(s.state):
		rp.endWait(e, s, c)
	}
	// Enter the new one.
	switch {
	case running(e.to):
		rp.running++
		switch c {
		case classWorker:
			rp.runningWorkers++
		case classBench:
			rp.runningBench++
		}
	case e.to == trace.GoRunnable && c == classBench:
		rp.runnableBench++
		fallthrough
	case e.to == trace.GoRunnable && c != classSystem:
		w := rp.wakeOf(e, s)
		s.wakeKey = w.at.fn + "\x00" + w.wait + "\x00" + w.kind
		if _, ok := rp.runnableSite[s.wakeKey]; !ok {
			rp.runnableSite[s.wakeKey] = w
		}
		rp.runnableBy[s.wakeKey]++
		rp.runnableN++
	case e.to == trace.GoRunnable && c == classSystem:
		// The runtime's own goroutines (the sweeper, the scavenger) wait
		// their turn by design: no idle core is theirs.
		s.wakeKey = ""
	case waiting(e.to):
		s.judged0, s.accRun0, s.accIdle0 = rp.span, rp.accRun, rp.accIdle
		s.reason, s.st = strings.TrimSpace(e.reason), rp.framesOf(e.st)
		if e.to == trace.GoSyscall {
			s.reason = "syscall"
		}
		if c == classWorker {
			rp.waitingWorkers++
		}
	case e.to == trace.GoNotExist && e.from != trace.GoUndetermined:
		if c == classWorker {
			rp.doneWorkers++
		}
	}
	if e.from == trace.GoNotExist && rp.class[e.by] == classBench {
		// The benchmark's goroutine starts new work: the last op's
		// finished workers are no longer waited for.
		rp.doneWorkers = 0
	}
	s.state = e.to
}

// endWait charges a finished wait: its time to Waits, and the idle core
// time its worker was given to Blocked where another goroutine or the
// runtime ended it, or to the tail (the worker had finished, and waited
// for the benchmark's goroutine to give it work) where the benchmark's
// goroutine did.
func (rp *replay) endWait(e tev, s *gstate, c int) {
	if c != classBench && len(s.st) > 0 {
		if at, ok := firstOutside(s.st, "sync", "internal/sync", "time", "internal/poll", "net", "os"); ok {
			if d := rp.span - s.judged0; d > 0 {
				rp.waits.add(at, s.st, s.reason, d)
			}
		}
	}
	if c != classWorker {
		return
	}
	rp.waitingWorkers--
	run, idle := rp.accRun-s.accRun0, rp.accIdle-s.accIdle0
	if s.state == trace.GoWaiting && (rp.class[e.by] == classBench || e.to == trace.GoNotExist) {
		rp.tail += run
		rp.other += idle
		return
	}
	kind, wait := waitKind(s.reason, s.st)
	at, ok := firstOutside(s.st, "sync", "internal/sync", "time", "internal/poll", "net", "os")
	if !ok {
		at = frame{fn: wait}
	}
	rp.blocked.addKind(at, s.st, wait, kind, run+idle)
	rp.blockedTotal += run + idle
}

// finish ends the waits still open at the trace's end: workers that
// waited to its end had finished.
func (rp *replay) finish() {
	for g, s := range rp.g {
		if !waiting(s.state) || rp.class[g] != classWorker {
			continue
		}
		rp.tail += rp.accRun - s.accRun0
		rp.other += rp.accIdle - s.accIdle0
	}
}

// wakeOf is what made a goroutine runnable: for a wait, the goroutine
// that ended it (its site, the std function it ended the wait in, as
// sync.(*Mutex).Unlock) and what was waited for; for a new goroutine, its
// creator; for a preempted one, nothing but that.
func (rp *replay) wakeOf(e tev, s *gstate) wakeSite {
	switch e.from {
	case trace.GoWaiting:
		kind, _ := waitKind(s.reason, s.st)
		st := rp.framesOf(e.bySt)
		if len(st) == 0 {
			return wakeSite{at: frame{fn: "runtime"}, kind: kind, wait: s.reason}
		}
		at, ok := firstOutside(st, "sync", "internal/sync", "time", "internal/poll", "net", "os")
		if !ok {
			at = st[0]
		}
		return wakeSite{at: at, st: st, wait: stdBelow(st), kind: kind}
	case trace.GoNotExist:
		st := rp.framesOf(e.bySt)
		at := frame{fn: "runtime"}
		if fr, ok := firstOutside(st); ok {
			at = fr
		}
		return wakeSite{at: at, st: st, kind: "new"}
	case trace.GoRunning:
		return wakeSite{at: frame{fn: "runtime"}, kind: "preempted", wait: strings.TrimSpace(e.reason)}
	case trace.GoSyscall:
		return wakeSite{at: frame{fn: "runtime"}, kind: "syscall"}
	}
	return wakeSite{at: frame{fn: "runtime"}, kind: "other"}
}

// stdBelow is the outermost frame of sync, time, os, net (or the
// runtime's internals below them) between a stack's leaf and its first
// frame of other code: the std function the site called
// ("sync.(*Mutex).Unlock", "time.Sleep"), "" if none.
func stdBelow(st []frame) string {
	out := ""
	for _, fr := range st {
		if isRuntime(fr.fn) {
			continue
		}
		p := pkgOf(fr.fn)
		if p != "sync" && p != "internal/sync" && p != "time" && p != "os" && p != "net" && p != "internal/poll" {
			break
		}
		out = fr.fn
	}
	return out
}

// waitKind is what a wait was for, from the runtime's reason and the
// stack: "lock" (a sync.Mutex or RWMutex), "waitgroup", "cond", "chan",
// "select", "sleep", "io", "syscall", "gc" (a mark assist waiting for
// work, a goroutine waiting for a collection to end), or "other"; and the std function waited in
// (the runtime's reason where there is none).
func waitKind(reason string, st []frame) (kind, wait string) {
	if w, _, ok := lockOf(st); ok {
		return "lock", w
	}
	wait = stdBelow(st)
	for _, fr := range st {
		switch stripGenerics(fr.fn) {
		case "sync.(*WaitGroup).Wait":
			return "waitgroup", fr.fn
		case "sync.(*Cond).Wait":
			return "cond", fr.fn
		}
	}
	if wait == "" {
		wait = reason
	}
	switch {
	case strings.HasPrefix(reason, "chan"):
		return "chan", wait
	case reason == "select":
		return "select", wait
	case reason == "sleep":
		return "sleep", wait
	case reason == "network":
		return "io", wait
	case reason == "syscall":
		return "syscall", wait
	case strings.Contains(reason, "GC"):
		return "gc", wait
	case strings.Contains(reason, "Cond"):
		return "cond", wait
	}
	return "other", wait
}
