// Package benchrun is the engine of make bench and make bench-ab: the
// suites as a table, the schedule of their rounds as a pure function
// (Plan), and the runs that build each package's test binary once and
// measure it one process per GOMAXPROCS setting, round after round, so
// that the samples of one count are spread over the whole run. make bench
// looks at its suites after the rounds of Looks and stops measuring those
// whose every claim is decided (bench.Settled), within a time budget; its
// report spends its error among the looks (bench.Level).
package benchrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/futuresbench/futures/internal/cli"
)

// Env is what a run needs of its surroundings.
type Env struct {
	Dir            string // the module's root (the working tree)
	Stdout, Stderr io.Writer
	TTY            bool // stdout is a terminal: the progress line redraws
	Width          int  // the terminal's columns (0: unknown)
	Getenv         func(string) string
	Now            func() time.Time
}

// results is the folder the runs write into, under the module's root.
const results = "bench/results"

// Bench is make bench: it measures every chosen suite, writes
// bench/results/<time>/ (raw.txt, benchstat.txt, report.md, report.html,
// speedup.svg, profiles/), points bench/results/latest at it, and prints
// the report. Ctrl-C keeps the rounds measured to the end: raw.txt is cut
// back to the last complete round, and the folder's report says so;
// latest is not moved. Interrupted before the first round ends, the
// folder goes. A suite whose test binary fails measures no more, its
// partial round cut from raw.txt and its output kept in
// failed-<suite>.txt; the others measure their rounds, the report is
// written (its note names the failure), latest moves, and Bench returns
// exit status 1 naming the suite.
func Bench(ctx context.Context, env Env) error {
	k, err := ReadKnobs(env.Getenv)
	if err != nil {
		return &cli.UsageError{Msg: err.Error()}
	}
	all := procs(env.Getenv)
	suites, err := Choose(k, all, k.Suites)
	if err != nil {
		return &cli.UsageError{Msg: err.Error()}
	}
	plan := Plan{Canary: Canary(k), Suites: suites, Sides: []Side{One}, Count: k.Count, Sites: true}
	if k.Count == 0 {
		plan.Looks = Looks
	}
	tmp, err := os.MkdirTemp("", "benchrun-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := build(ctx, k.Go, env.Dir, tmp, packages(append(suites, plan.Canary)), env.Stderr); err != nil {
		return err
	}
	out, drop, err := runFolder(env, "")
	if err != nil {
		return err
	}
	stamp := filepath.Base(out)
	keep := false
	defer func() {
		if !keep {
			drop()
		}
	}()
	raw, err := os.Create(filepath.Join(out, "raw.txt"))
	if err != nil {
		return err
	}
	defer raw.Close()
	header := configLines(k, all, commit(env.Dir), plan)
	if _, err := io.WriteString(raw, header); err != nil {
		return err
	}
	m, err := newMeasurer(plan, "bench", env, map[Side]string{One: env.Dir}, map[Side]string{One: tmp}, map[Side]*os.File{One: raw})
	if err != nil {
		return err
	}
	m.header, m.profiles, m.budget = header, filepath.Join(out, "profiles"), k.Budget
	rep := reporter{k: k, env: env, tmp: tmp, out: out, raw: raw.Name(), suites: append([]Suite{plan.Canary}, suites...), looks: plan.Looks, ran: m.ran}
	res, kept, err := m.measure(ctx, env, func(rounds int) {
		note := fmt.Sprintf("interrupted after round %d of %s (the rounds after it were not measured; latest still points to the last complete run)", rounds, plan.of())
		if err := failedError(m.failed, env.Dir); err != nil {
			note += "; " + err.Error()
		}
		if err := rep.finish(context.WithoutCancel(ctx), note); err != nil {
			fmt.Fprintln(env.Stderr, "bench:", err)
		}
		fmt.Fprintf(env.Stderr, "bench: interrupted after round %d of %s; kept in %s\n", rounds, plan.of(), rel(env.Dir, out))
	})
	keep = kept
	if err != nil {
		return err
	}
	failedErr := failedError(res.failed, env.Dir)
	if res.rounds == 0 {
		// The canary failed in round 1: no round to report.
		return failedErr
	}
	m.progress.finish(fmt.Sprintf("bench: measured %d %s in %s%s", res.rounds, plural(res.rounds, "round", "rounds"), roundSecs(res.spent), stopWords(res, plan, k)))
	note := ""
	if failedErr != nil {
		note = failedErr.Error()
	}
	if err := rep.finish(ctx, note); err != nil {
		if ctx.Err() == nil {
			return err
		}
		// Interrupted while writing the reports: they are written again,
		// saying so, and latest stays where it was.
		note := fmt.Sprintf("interrupted while writing the report, after its %d rounds (latest still points to the last complete run)", res.rounds)
		if err := rep.finish(context.WithoutCancel(ctx), note); err != nil {
			fmt.Fprintln(env.Stderr, "bench:", err)
		}
		fmt.Fprintf(env.Stderr, "bench: interrupted while writing the report; kept in %s\n", rel(env.Dir, out))
		return &cli.ExitError{Code: cli.ExitInterrupted}
	}
	// latest moves by a rename: it always points to a complete run.
	latest := filepath.Join(env.Dir, results, "latest")
	os.Remove(latest + ".tmp") // left by a run that died here
	if err := os.Symlink(stamp, latest+".tmp"); err != nil {
		return err
	}
	if err := os.Rename(latest+".tmp", latest); err != nil {
		return err
	}
	if res.extended {
		fmt.Fprintf(env.Stdout, "bench: the chapter's table was undecided where the next look would pass the budget (BUDGET=%s): %s measured on to round %d, within the table's cap (%d × BUDGET = %s of measuring)",
			k.Budget, strings.Join(IDs(res.table), ", "), res.rounds, TableCap, res.cap)
		if len(res.left) > 0 {
			fmt.Fprintf(env.Stdout, "; %s stopped at the budget", strings.Join(IDs(res.left), ", "))
		}
		fmt.Fprintln(env.Stdout)
	}
	switch res.stop {
	case Budget:
		fmt.Fprintf(env.Stdout, "bench: still undecided after %d rounds: %s (their notes above say why); a larger budget gives them the next look (make bench BUDGET=%s)\n",
			res.rounds, strings.Join(IDs(res.open), ", "), res.need.Truncate(time.Minute)+time.Minute)
	case Last:
		fmt.Fprintf(env.Stdout, "bench: still undecided after the last look, %d rounds: %s (their notes above say why)\n", res.rounds, strings.Join(IDs(res.open), ", "))
	}
	fmt.Fprintf(env.Stdout, "\nbench: done; results in %s (%s/latest):\n", rel(env.Dir, out), results)
	fmt.Fprintln(env.Stdout, "  raw.txt  benchstat.txt  report.md  report.html  speedup.svg  profiles/ (go tool pprof, go tool trace)")
	if failedErr != nil {
		return failedErr
	}
	return nil
}

// failedError is the run's failure, nil if no suite failed: the suites
// that failed, each with its round, the file that keeps its output, and
// what of it is reported.
func failedError(fails []failure, dir string) error {
	if len(fails) == 0 {
		return nil
	}
	var parts []string
	rest := "; every other suite measured its rounds"
	for _, f := range fails {
		if f.Suite.Canary {
			rest = "; the rounds ended there"
		}
		what := fmt.Sprintf("%s (its output in %s", f.Msg, rel(dir, f.Log))
		switch {
		case f.Suite.Canary:
			what += "; the rounds before it are reported)"
		case f.Round > 1:
			what += fmt.Sprintf("; its %d complete %s reported)", f.Round-1, plural(f.Round-1, "round is", "rounds are"))
		default:
			what += "; nothing of it reported)"
		}
		parts = append(parts, what)
	}
	return &cli.ExitError{Code: cli.ExitFailure, Msg: strings.Join(parts, "; ") + rest}
}

// runFolder makes a run's folder under bench/results, named by the time
// (prefix, then the UTC time to the second): two runs started in the same
// second get -2, -3, ... rather than one folder. drop removes it with
// whatever it held, and then the folders above it that runFolder made
// (bench/results, on a first run), where they are empty: a run that keeps
// nothing leaves nothing, and a folder that was there before stays.
func runFolder(env Env, prefix string) (out string, drop func(), err error) {
	stamp := prefix + env.Now().UTC().Format("20060102T150405Z")
	parent := filepath.Join(env.Dir, results)
	var made []string // the folders MkdirAll makes, innermost first
	for d := parent; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		made = append(made, d)
	}
	dropMade := func() {
		for _, d := range made {
			if os.Remove(d) != nil { // not empty: another run's, or a file put there since
				return
			}
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		dropMade()
		return "", nil, err
	}
	for i := 1; ; i++ {
		out := filepath.Join(parent, stamp)
		if i > 1 {
			out += fmt.Sprintf("-%d", i)
		}
		err := os.Mkdir(out, 0o755)
		if err == nil {
			return out, func() { os.RemoveAll(out); dropMade() }, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 100 {
			dropMade()
			return "", nil, err
		}
	}
}

// of is the rounds a run plans, as "6" or "at most 20".
func (p Plan) of() string {
	if p.Count > 0 {
		return fmt.Sprint(p.Count)
	}
	return fmt.Sprintf("at most %d", p.Rounds())
}

// stopWords says why the rounds ended, for a looking run.
func stopWords(res result, p Plan, k Knobs) string {
	switch res.stop {
	case Settled:
		if len(res.left) > 0 {
			// The table's suites went on past the budget and settled;
			// the others had stopped there, undecided.
			return fmt.Sprintf(": the chapter's table's suites settled; still undecided, stopped at the budget: %s", strings.Join(IDs(res.left), ", "))
		}
		return ": every suite settled"
	case Last:
		return fmt.Sprintf(": the last look; still undecided: %s", strings.Join(IDs(res.open), ", "))
	case Budget:
		if res.extended {
			return fmt.Sprintf(": the next look would pass the chapter's table's cap (%d × BUDGET = %s); still undecided: %s", TableCap, res.cap, strings.Join(IDs(res.open), ", "))
		}
		return fmt.Sprintf(": the next look would pass the budget (BUDGET=%s); still undecided: %s", k.Budget, strings.Join(IDs(res.open), ", "))
	case Failed:
		return ": every suite failed, or the canary did"
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

// procs is the GOMAXPROCS of the parallel runs: GOMAXPROCS if set, else
// every core.
func procs(getenv func(string) string) int {
	var n int
	if _, err := fmt.Sscan(getenv("GOMAXPROCS"), &n); err == nil && n > 0 {
		return n
	}
	return runtime.NumCPU()
}

// packages are the suites' packages, each once, in order.
func packages(suites []Suite) []string {
	var out []string
	for _, s := range suites {
		if !slices.Contains(out, s.Pkg) {
			out = append(out, s.Pkg)
		}
	}
	return out
}

// build compiles each package's test binary into bin, from the tree dir,
// and the report's command.
func build(ctx context.Context, goCmd, dir, bin string, pkgs []string, stderr io.Writer) error {
	if err := buildTests(ctx, goCmd, dir, bin, pkgs, stderr); err != nil {
		return err
	}
	return goRun(ctx, goCmd, dir, stderr, "build", "-o", filepath.Join(bin, "benchreport"), "./cmd/benchreport")
}

// buildTests compiles each package's test binary into bin, from the tree
// dir.
func buildTests(ctx context.Context, goCmd, dir, bin string, pkgs []string, stderr io.Writer) error {
	for _, pkg := range pkgs {
		if err := goRun(ctx, goCmd, dir, stderr, "test", "-c", "-o", filepath.Join(bin, testBinary(pkg)), pkg); err != nil {
			return err
		}
	}
	return nil
}

// goRun runs the go command in dir, its output to stderr.
func goRun(ctx context.Context, goCmd, dir string, stderr io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stderr, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s %s in %s: %v", goCmd, strings.Join(args, " "), dir, err)
	}
	return nil
}

// commit is the tree's commit, short, with -dirty for uncommitted changes.
func commit(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if exec.Command("git", "-C", dir, "diff", "--quiet", "HEAD").Run() != nil {
		c += "-dirty"
	}
	return c
}

// configLines are the benchfmt configuration lines ("key: value") that
// describe a whole run: a fixed count, or the looks (bench.Level).
func configLines(k Knobs, all int, commit string, p Plan) string {
	goversion := runtime.Version()
	if out, err := exec.Command(k.Go, "env", "GOVERSION").Output(); err == nil {
		goversion = strings.TrimSpace(string(out))
	}
	s := fmt.Sprintf("goversion: %s\ngomaxprocs: %d\ncores: %d\ncommit: %s\n", goversion, all, runtime.NumCPU(), commit)
	if p.Count > 0 {
		return s + fmt.Sprintf("count: %d\n", p.Count)
	}
	looks := make([]string, len(p.Looks))
	for i, l := range p.Looks {
		looks[i] = fmt.Sprint(l)
	}
	return s + "looks: " + strings.Join(looks, " ") + "\n"
}
