package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/chapter"
	"github.com/futuresbench/futures/internal/cli"
)

// measurer runs a plan's rounds, process by process, appending each
// side's output to its file.
type measurer struct {
	plan  Plan
	name  string // bench or bench-ab, for messages
	trees map[Side]string
	bins  map[Side]string // each side's test binaries
	// canaryBin is the canary's binary for every side (bench-ab: the
	// working tree's, so that both sides are measured by the same one).
	canaryBin string
	files     map[Side]*os.File
	header    string // the configuration lines, for the looks
	profiles  string
	budget    time.Duration
	// tableCap is the measuring time the chapter's table may take the
	// run to, past budget (Plan.Extend); 0: TableCap × budget.
	tableCap time.Duration
	progress *progress

	// suiteOut is each suite's output (side One), read at the looks.
	suiteOut map[string]*bytes.Buffer
	// good is each file's size after the last complete round.
	good map[Side]int64
	// took is how long each suite's processes took in the last round
	// they ran: the estimate of the next.
	took map[string]time.Duration
	// ran is the complete rounds of each suite (by ID) in the files.
	ran map[string]int
	// failed are the suites that failed so far (result.failed), for an
	// interrupted run's words.
	failed []failure
}

// result is how the rounds ended.
type result struct {
	rounds int
	stop   Stop
	open   []Suite // the suites not settled (looking runs)
	spent  time.Duration
	need   time.Duration // the budget the next look would have needed (Budget)
	// failed are the suites whose test binary failed, in the order they
	// did: each measured no more after its partial round was cut.
	failed []failure
	// extended says the chapter's table took the run past its budget
	// (Plan.Extend), to round rounds; left are the suites that stopped
	// undecided at the budget meanwhile (also in open).
	extended bool
	table    []Suite // the suites that went on past the budget
	left     []Suite
	cap      time.Duration // the table's cap, where extended
}

// failure is a suite whose test binary failed in a round: the round was
// cut from the files, and the suite measured no more (as
// golang.org/x/benchmarks' cmd/bent goes on with the other benchmarks
// and names the failed ones at the end). The other suites' rounds go on.
type failure struct {
	Suite Suite
	Round int
	Msg   string // "sha at GOMAXPROCS=2 failed in round 8"
	Log   string // the file that keeps the failed process's output ("" if none)
}

// errFailed is a step whose test binary failed: what failed, and its
// output.
type errFailed struct {
	msg string
	out []byte
}

func (e *errFailed) Error() string { return e.msg }

// newMeasurer measures plan into files, each holding its configuration
// lines already; its progress line goes to env.Stdout.
func newMeasurer(plan Plan, name string, env Env, trees, bins map[Side]string, files map[Side]*os.File) (*measurer, error) {
	m := &measurer{plan: plan, name: name, trees: trees, bins: bins, files: files,
		suiteOut: map[string]*bytes.Buffer{}, good: map[Side]int64{}, took: map[string]time.Duration{}, ran: map[string]int{}}
	m.progress = newProgress(env.Stdout, name, env.TTY, m.took)
	m.progress.width = env.Width
	if err := m.mark(); err != nil {
		return nil, err
	}
	return m, nil
}

// mark notes each file's size as that of its last complete round.
func (m *measurer) mark() error {
	for side, f := range m.files {
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return err
		}
		m.good[side] = off
	}
	return nil
}

// measure runs the rounds and says how they ended, with keep saying
// whether the run's folder stays: done; failed (kept, to be read);
// interrupted before the first round ended (nothing kept); or interrupted
// after it, the files cut back to the last complete round, when
// interrupted says what is kept. Interrupted, err is exit status 130.
func (m *measurer) measure(ctx context.Context, env Env, interrupted func(rounds int)) (res result, keep bool, err error) {
	res, err = m.run(ctx)
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		fmt.Fprintln(env.Stdout)
		if res.rounds == 0 {
			fmt.Fprintf(env.Stderr, "%s: interrupted before the first round ended: nothing kept\n", m.name)
			return res, false, &cli.ExitError{Code: cli.ExitInterrupted}
		}
		if err := m.truncate(); err != nil {
			return res, true, err
		}
		interrupted(res.rounds)
		return res, true, &cli.ExitError{Code: cli.ExitInterrupted}
	case err != nil:
		fmt.Fprintln(env.Stdout)
		return res, true, err
	}
	return res, true, nil
}

// run measures the rounds. A suite whose test binary fails has its
// partial round cut from the files and measures no more, while the others
// go on (result.failed); the canary failing ends the rounds, cut back to
// the last complete one, since no round is judged without it.
func (m *measurer) run(ctx context.Context) (result, error) {
	open := slices.Clone(m.plan.Suites)
	start := time.Now()
	var res result
	for r := 1; ; r++ {
		steps := m.plan.Round(r, open)
		m.progress.round(r, m.planned(r), steps)
		if len(m.plan.Sides) > 1 {
			// bench-ab: each side's round begins with its number, which the
			// paired gate pairs OLD's and NEW's results by.
			for _, f := range m.files {
				if _, err := fmt.Fprintf(f, "%s%d\n", bench.RoundMarker, r); err != nil {
					return res, err
				}
			}
		}
		dead := map[string]bool{}
		var from cut // where the suite being measured began, in this round
		for i, st := range steps {
			if dead[st.Suite.ID] {
				m.progress.stepDone(st)
				continue
			}
			if i == 0 || steps[i-1].Suite.ID != st.Suite.ID {
				var err error
				if from, err = m.here(st.Suite); err != nil {
					return res, err
				}
			}
			m.progress.step(st)
			t0 := time.Now()
			err := m.step(ctx, st)
			var f *errFailed
			if errors.As(err, &f) {
				fail := failure{Suite: st.Suite, Round: r, Msg: fmt.Sprintf("%s in round %d", f.msg, r)}
				fail.Log, err = m.keepLog(st, f.out)
				if err == nil {
					err = m.cutBack(st.Suite, from)
				}
				if err != nil {
					return res, err
				}
				res.failed = append(res.failed, fail)
				m.failed = res.failed
				if st.Suite.Canary {
					m.progress.finish(fmt.Sprintf("%s: %s: no round is judged without it; the rounds end at round %d", m.name, fail.Msg, r-1))
					if err := m.truncate(); err != nil {
						return res, err
					}
					res.spent, res.stop = time.Since(start), Failed
					return res, nil
				}
				m.progress.finish(fmt.Sprintf("%s: %s: round %d of it cut, measuring the others on", m.name, fail.Msg, r))
				dead[st.Suite.ID] = true
				m.progress.stepDone(st)
				continue
			}
			if err != nil {
				return res, err
			}
			m.took[st.key()] = time.Since(t0)
			m.progress.stepDone(st)
		}
		open = slices.DeleteFunc(open, func(s Suite) bool { return dead[s.ID] })
		for _, s := range append([]Suite{m.plan.Canary}, open...) {
			m.ran[s.ID]++
		}
		res.rounds = r
		if err := m.mark(); err != nil {
			return res, err
		}
		res.spent = time.Since(start)
		if len(open) == 0 && len(res.failed) > 0 {
			// Every suite left failed: nothing more to measure.
			res.stop = Failed
			return res, nil
		}
		var table []Suite
		if m.plan.IsLook(r) {
			open, table = m.look(open)
		}
		perRound := m.estimate(open)
		stop := m.plan.Next(r, len(open), res.spent, perRound, m.budget)
		if stop == Budget && m.plan.Extend(r, len(table), res.spent, m.estimate(table), m.cap()) {
			// The chapter's table goes on, its suites alone.
			res.left = append(res.left, slices.DeleteFunc(slices.Clone(open), func(s Suite) bool { return slices.Contains(IDs(table), s.ID) })...)
			if !res.extended {
				res.table = table
			}
			open, stop = table, Going
			res.extended, res.cap = true, m.cap()
		}
		if stop != Going {
			res.stop, res.open = stop, append(slices.Clone(res.left), open...)
			if i := slices.Index(m.plan.Looks, r); stop == Budget && i >= 0 && i+1 < len(m.plan.Looks) {
				res.need = res.spent + time.Duration(m.plan.Looks[i+1]-r)*perRound
			}
			if m.plan.Count > 0 {
				res.open = nil
			}
			return res, nil
		}
	}
}

// planned is how many rounds the run expects to measure, seen from round r:
// the fixed count, or the next look.
func (m *measurer) planned(r int) int {
	if m.plan.Count > 0 || len(m.plan.Looks) == 0 {
		return m.plan.Count
	}
	for _, l := range m.plan.Looks {
		if l >= r {
			return l
		}
	}
	return m.plan.Rounds()
}

// cut is where a suite's output began in a round: each file's size, and
// the suite's own output's.
type cut struct {
	files map[Side]int64
	out   int
}

// here is where the files and the suite's output end now.
func (m *measurer) here(s Suite) (cut, error) {
	c := cut{files: map[Side]int64{}}
	for side, f := range m.files {
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return c, err
		}
		c.files[side] = off
	}
	if buf := m.suiteOut[s.ID]; buf != nil {
		c.out = buf.Len()
	}
	return c, nil
}

// cutBack cuts every file, and the suite's own output, back to c: the
// suite's partial round goes, every side's alike (bench-ab's pairs stay
// round by round).
func (m *measurer) cutBack(s Suite, c cut) error {
	for side, f := range m.files {
		if err := f.Truncate(c.files[side]); err != nil {
			return err
		}
		if _, err := f.Seek(c.files[side], io.SeekStart); err != nil {
			return err
		}
	}
	if buf := m.suiteOut[s.ID]; buf != nil {
		buf.Truncate(c.out)
	}
	return nil
}

// keepLog writes a failed process's output beside the run's files, as
// failed-<suite>[-<side>].txt, and returns its path.
func (m *measurer) keepLog(st Step, out []byte) (string, error) {
	f := m.files[st.Side]
	if f == nil {
		return "", nil
	}
	name := "failed-" + st.Suite.ID
	if st.Side != One {
		name += "-" + string(st.Side)
	}
	path := filepath.Join(filepath.Dir(f.Name()), name+".txt")
	return path, os.WriteFile(path, out, 0o644)
}

func (s Step) key() string { return fmt.Sprintf("%s %s %d", s.Suite.ID, s.Side, s.Procs) }

// estimate is how long a round of the open suites takes, from the last
// round each was measured in.
func (m *measurer) estimate(open []Suite) time.Duration {
	var d time.Duration
	for _, st := range m.plan.Round(2, open) {
		d += m.took[st.key()]
	}
	return d
}

// cap is the measuring time the chapter's table may take the run to.
func (m *measurer) cap() time.Duration {
	if m.tableCap > 0 {
		return m.tableCap
	}
	return TableCap * m.budget
}

// look judges the open suites at a look (lookAt), from their output so
// far.
func (m *measurer) look(open []Suite) (still, table []Suite) {
	outs := map[string][]byte{}
	for id, buf := range m.suiteOut {
		outs[id] = buf.Bytes()
	}
	return lookAt(m.header, m.plan.Suites, outs, open)
}

// lookAt judges the open suites at a look, from each suite's output
// (outs, by suite ID) under the run's configuration lines (header). A
// suite is settled when every claim of its sweeps is decided and so is
// every row of the chapter's table its package makes, the rows read from
// every suite's output at once (the downloads' row takes two suites:
// downloads and downloads1). table are the suites still open whose
// undecided rows more rounds can decide: an interval too wide, rounds on
// a slower core; not a disturbed point (a busy machine, which more rounds
// beside it do not quiet).
func lookAt(header string, suites []Suite, outs map[string][]byte, open []Suite) (still, table []Suite) {
	undecided, curable := map[string]bool{}, map[string]bool{}
	all := []byte(header)
	for _, s := range suites {
		all = append(all, outs[s.ID]...)
	}
	if samples, err := bench.Read(bench.Input{Name: "the suites", Data: all}); err == nil {
		as := bench.Analyze(samples)
		pkgOf := map[string]string{} // a row's workload: its package's path
		for _, a := range as {
			pkgOf[a.PkgName()+": "+a.BaseName()] = a.Pkg
		}
		for _, l := range chapter.Lessons(as) {
			if pkg := pkgOf[l.Workload]; pkg != "" && l.Kind == chapter.LessonUndecided {
				undecided[pkg] = true
				curable[pkg] = curable[pkg] || l.Disturbed == ""
			}
		}
	}
	for _, s := range open {
		// The suite's package, ./primes, is the module's .../primes.
		pkg := ""
		for p := range undecided {
			if strings.HasSuffix(p, strings.TrimPrefix(s.Pkg, ".")) {
				pkg = p
			}
		}
		if settledOut(header, s, outs[s.ID]) && !undecided[pkg] {
			continue
		}
		still = append(still, s)
		if curable[pkg] {
			table = append(table, s)
		}
	}
	return still, table
}

// settledOut reports whether every sweep of the suite is settled in its
// output, and so is every row of the chapter's table it makes alone.
func settledOut(header string, s Suite, out []byte) bool {
	if out == nil {
		return false
	}
	samples, err := bench.Read(bench.Input{Name: s.ID, Data: append([]byte(header), out...)})
	if err != nil {
		return false
	}
	return settled(bench.Analyze(samples))
}

// settled reports whether a suite's sweeps are settled: every claim of
// each verdict decided by its intervals (bench.Undecided), and every row
// of the chapter's table they make decided too. A suite with no sweep has
// nothing more rounds could decide.
func settled(as []*bench.Analysis) bool {
	if !bench.Settled(as) {
		return false
	}
	return !slices.ContainsFunc(chapter.Lessons(as), func(l chapter.Lesson) bool { return l.Kind == chapter.LessonUndecided })
}

// step runs one process in its package's folder, as go test runs it.
func (m *measurer) step(ctx context.Context, st Step) error {
	bin := filepath.Join(m.bins[st.Side], st.Suite.Binary())
	if st.Suite.Canary && m.canaryBin != "" {
		bin = m.canaryBin
	}
	tree := m.trees[st.Side]
	if st.Suite.Canary {
		tree = m.trees[One]
	}
	cmd := exec.CommandContext(ctx, bin, st.Args()...)
	cmd.Dir = filepath.Join(tree, st.Suite.Pkg)
	cmd.Env = append(os.Environ(), st.Env(m.profiles)...)
	// Interrupted, the process is asked to stop as Ctrl-C asks it, then
	// killed if it has not within a second.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if interruptedBy(err) {
		// Ctrl-C reaches the whole process group at once: the test binary
		// may die of it before this process's own handler cancels ctx.
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil || failed(out.Bytes()) {
		side := ""
		if st.Side != One {
			side = " (" + string(st.Side) + ")"
		}
		return &errFailed{msg: fmt.Sprintf("%s%s at GOMAXPROCS=%d failed", st.Suite.Label, side, st.Procs), out: out.Bytes()}
	}
	f := m.files[st.Side]
	if _, werr := f.Write(out.Bytes()); werr != nil {
		return werr
	}
	if st.Side == One && !st.Suite.Canary {
		if m.suiteOut[st.Suite.ID] == nil {
			m.suiteOut[st.Suite.ID] = &bytes.Buffer{}
		}
		m.suiteOut[st.Suite.ID].Write(out.Bytes())
	}
	return nil
}

// failed reports whether go test output says a test or benchmark failed.
func failed(out []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "--- FAIL") || strings.HasPrefix(l, "FAIL") || strings.HasPrefix(l, "panic") {
			return true
		}
	}
	return false
}

// truncate cuts every file back to its last complete round.
func (m *measurer) truncate() error {
	var errs []error
	for side, f := range m.files {
		errs = append(errs, f.Truncate(m.good[side]))
	}
	return errors.Join(errs...)
}

// interruptedBy reports whether err is a process's death by SIGINT or
// SIGTERM.
func interruptedBy(err error) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && (ws.Signal() == syscall.SIGINT || ws.Signal() == syscall.SIGTERM)
}
