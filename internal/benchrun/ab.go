package benchrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/cli"
)

// AB is make bench-ab: it measures two revisions of the module
// interleaved on this machine and gates NEW against OLD with benchreport
// compare, so that whatever the machine does in the meantime hits both
// alike. OLD is a revision (default HEAD), NEW a revision or, empty, the
// working tree with its uncommitted changes. Each side is built from its
// own tree (a git worktree of the revision, detached, in a temporary
// folder), every package's test binary once; then Count rounds (6 unless
// set) run every suite on both sides in ABBA order, the canary (the
// working tree's binary for both) opening and closing every round on
// both sides. Each round's output in old.txt and new.txt starts with a
// line "bench-ab round N" (bench.RoundMarker), so that the gate pairs
// OLD's and NEW's results of one round. It writes bench/results/ab-<time>/
// (old.txt, new.txt, compare.txt: benchreport compare's table, then the
// paired gate's) and returns the gate's status (abStatus): 0 no
// regression, 1 a regression, 3 the machine changed, 4 undecided (a timed
// unit worse than its threshold that the rounds cannot show); a revision
// that is not one, or a suite a side lacks, is a usage error (2). A suite
// that fails is cut from both sides and named; the rest are gated, and the
// status is 1. A revision is never run by a shell: it goes to git as one
// argument, after --end-of-options.
func AB(ctx context.Context, env Env) error {
	k, err := ReadKnobs(env.Getenv)
	if err != nil {
		return &cli.UsageError{Msg: err.Error()}
	}
	if k.Count == 0 {
		k.Count = 6
	}
	threshold, err := bench.ParseThreshold(k.Threshold)
	if err != nil {
		return cli.Usagef("THRESHOLD: %v", err)
	}
	all := procs(env.Getenv)
	suites, err := Choose(k, all, k.Suites)
	if err != nil {
		return &cli.UsageError{Msg: err.Error()}
	}
	if err := exec.Command("git", "-C", env.Dir, "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		return cli.Usagef("not in a git work tree: OLD and NEW are revisions")
	}
	old := k.Old
	if old == "" {
		old = "HEAD"
	}
	oldCommit, err := resolve(env.Dir, old)
	if err != nil {
		return err
	}
	newCommit, newLabel := "", commit(env.Dir)
	if k.New != "" {
		if newCommit, err = resolve(env.Dir, k.New); err != nil {
			return err
		}
		newLabel = newCommit[:min(7, len(newCommit))]
	}
	oldLabel := oldCommit[:min(7, len(oldCommit))]

	tmp, err := os.MkdirTemp("", "benchrun-ab-")
	if err != nil {
		return err
	}
	trees := map[Side]string{One: env.Dir, Old: filepath.Join(tmp, "old"), New: env.Dir}
	defer func() {
		for _, side := range []Side{Old, New} {
			if t := trees[side]; t != env.Dir {
				exec.Command("git", "-C", env.Dir, "worktree", "remove", "--force", t).Run()
			}
		}
		os.RemoveAll(tmp)
		exec.Command("git", "-C", env.Dir, "worktree", "prune").Run()
	}()
	if err := worktree(env.Dir, trees[Old], oldCommit); err != nil {
		return err
	}
	if newCommit != "" {
		trees[New] = filepath.Join(tmp, "new")
		if err := worktree(env.Dir, trees[New], newCommit); err != nil {
			return err
		}
	}
	plan := Plan{Canary: Canary(k), Suites: suites, Sides: []Side{Old, New}, Count: k.Count}
	bins := map[Side]string{Old: filepath.Join(tmp, "bin", "old"), New: filepath.Join(tmp, "bin", "new")}
	for _, side := range []Side{Old, New} {
		for _, pkg := range packages(suites) {
			if st, err := os.Stat(filepath.Join(trees[side], pkg)); err != nil || !st.IsDir() {
				return cli.Usagef("%s has no package %s: choose SUITES that both sides have", strings.ToUpper(string(side)), pkg)
			}
		}
	}
	fmt.Fprintf(env.Stdout, "bench-ab: OLD %s (%s) against NEW %s (%s), %d rounds\n", old, oldLabel, orTree(k.New), newLabel, k.Count)
	for _, side := range []Side{Old, New} {
		if err := buildTests(ctx, k.Go, trees[side], bins[side], packages(suites), env.Stderr); err != nil {
			return err
		}
	}
	canaryBin := filepath.Join(tmp, "bin", "canary")
	if err := build(ctx, k.Go, env.Dir, canaryBin, []string{plan.Canary.Pkg}, env.Stderr); err != nil {
		return err
	}

	out, drop, err := runFolder(env, "ab-")
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			drop()
		}
	}()
	files := map[Side]*os.File{}
	for side, label := range map[Side]string{Old: oldLabel, New: newLabel} {
		f, err := os.Create(filepath.Join(out, string(side)+".txt"))
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.WriteString(f, configLines(k, all, label, plan)+"interleaved: ab\n"); err != nil {
			return err
		}
		files[side] = f
	}
	m, err := newMeasurer(plan, "bench-ab", env, trees, bins, files)
	if err != nil {
		return err
	}
	m.canaryBin = filepath.Join(canaryBin, plan.Canary.Binary())
	res, kept, err := m.measure(ctx, env, func(rounds int) {
		fmt.Fprintf(env.Stderr, "bench-ab: interrupted after round %d of %d; the runs so far are in %s (not gated)\n", rounds, k.Count, rel(env.Dir, out))
	})
	keep = kept
	if err != nil {
		return err
	}
	failedErr := failedError(res.failed, env.Dir)
	if res.rounds == 0 {
		return failedErr
	}
	m.progress.finish(fmt.Sprintf("bench-ab: measured %d rounds in %s", res.rounds, roundSecs(res.spent)))
	var cmp bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(canaryBin, "benchreport"), "compare", "-threshold", k.Threshold, "--", files[Old].Name(), files[New].Name())
	cmd.Stdout, cmd.Stderr = &cmp, &cmp
	status := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		status = exit.ExitCode()
	}
	if status == cli.ExitUsage {
		if err := os.WriteFile(filepath.Join(out, "compare.txt"), cmp.Bytes(), 0o644); err != nil {
			return err
		}
		env.Stdout.Write(cmp.Bytes())
		return fmt.Errorf("benchreport compare could not read the runs (see %s)", rel(env.Dir, filepath.Join(out, "compare.txt")))
	}
	// The gate: the paired one for the timed units, compare's for the rest.
	status, words, err := abGate(files[Old].Name(), files[New].Name(), threshold, &cmp)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "compare.txt"), cmp.Bytes(), 0o644); err != nil {
		return err
	}
	env.Stdout.Write(cmp.Bytes())
	fmt.Fprintln(env.Stdout, words)
	if failedErr != nil {
		// A failure is the run's answer whatever the gate said of the rest.
		fmt.Fprintf(env.Stdout, "bench-ab: exit 1 (the gate alone: %d); old.txt, new.txt and compare.txt in %s\n", status, rel(env.Dir, out))
		return failedErr
	}
	fmt.Fprintf(env.Stdout, "bench-ab: exit %d; old.txt, new.txt and compare.txt in %s\n", status, rel(env.Dir, out))
	if status != 0 {
		return &cli.ExitError{Code: status}
	}
	return nil
}

func orTree(rev string) string {
	if rev == "" {
		return "the working tree"
	}
	return rev
}

// resolve returns rev's commit, or a usage error naming it.
func resolve(dir, rev string) (string, error) {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}").Output()
	if err != nil || strings.HasPrefix(rev, "-") {
		return "", cli.Usagef("unknown revision %q (want a commit, a branch or a tag)", rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// worktree checks commit out, detached, into dir.
func worktree(repo, dir, commit string) error {
	out, err := exec.Command("git", "-C", repo, "worktree", "add", "--detach", "-q", "--", dir, commit).CombinedOutput()
	if err != nil {
		return fmt.Errorf("git worktree add %s: %v: %s", commit, err, bytes.TrimSpace(out))
	}
	return nil
}

// abStatus is bench-ab's answer from its two gates: the paired one for
// every timed unit (time per op, rates: the per-round ratios cancel a
// machine that drifts between rounds), the unpaired one (benchreport
// compare's) for the rest: a benchmark of OLD missing, failed or bad in
// NEW, and the counts (B/op, allocs/op), which the machine does not move,
// failing on compare's regressions only: a count compare cannot decide is
// named, not gated (the sweeps' B/op moves more than 5% between runs of
// one commit: 82% of A/A pairs would exit 4 on it, 69% judged by pairs).
// 1 a regression; 4 (cli.ExitUndecided) a time or rate worse than its
// threshold that the rounds cannot show; 3 the canary moved while
// nothing else is worse; 0 otherwise.
func abStatus(g *bench.GateResult, paired []bench.PairedChange) int {
	fail := len(g.Missing)+len(g.Failed)+len(g.Bad) > 0
	for _, c := range g.Regressions() {
		fail = fail || !bench.Timed(c.Unit)
	}
	undecided := false
	for _, p := range paired {
		fail = fail || p.Answer == bench.PairedDifferent
		undecided = undecided || p.Answer == bench.PairedUnknown
	}
	switch {
	case fail:
		return cli.ExitFailure
	case undecided:
		return cli.ExitUndecided
	case g.Canary != nil && g.Canary.Moved:
		return cli.ExitMachine
	}
	return cli.ExitOK
}

// abGate judges make bench-ab's two files: bench.PairedGate for the timed
// units, round by round, and bench.Gate (benchreport compare's, unpaired)
// for what pairing does not judge (abStatus). It writes the paired table
// to w and returns the status and its words.
func abGate(oldPath, newPath string, threshold float64, w io.Writer) (int, string, error) {
	var in [2]bench.Input
	var ss [2]*bench.Samples
	for i, p := range []string{oldPath, newPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			return 0, "", err
		}
		in[i] = bench.Input{Name: p, Data: data}
		if ss[i], err = bench.Read(in[i]); err != nil {
			return 0, "", err
		}
	}
	th := bench.Uniform(threshold)
	g, err := bench.Gate(ss[0], ss[1], bench.GateOptions{Thresholds: th})
	if err != nil {
		return 0, "", err
	}
	ps, err := bench.PairedGate(in[0], in[1], th, 0)
	if err != nil {
		return 0, "", err
	}
	fmt.Fprintf(w, "\nbench-ab's gate for times and rates, round by round: NEW/OLD in each round, OLD and NEW measured side by side, %d units judged together at 5%% family-wise (this, not the unpaired table above, judges them; the table's counts and missing benchmarks still count):\n", len(ps))
	if err := bench.WritePaired(w, ps); err != nil {
		return 0, "", err
	}
	status := abStatus(g, ps)
	return status, abWords(status, g, ps), nil
}

// abWords says bench-ab's answer in a line.
func abWords(status int, g *bench.GateResult, ps []bench.PairedChange) string {
	var worse, unknown, keys []string
	for _, p := range ps {
		keys = append(keys, p.Name)
	}
	for _, c := range g.Changes {
		keys = append(keys, c.Name)
	}
	keys = append(append(keys, g.Missing...), g.Failed...)
	labels := bench.Labels(keys)
	label := func(key string) string {
		if l, ok := labels[key]; ok {
			return bench.Printable(l)
		}
		return bench.Printable(key)
	}
	more := 0
	for _, p := range ps {
		unit := p.Unit
		if unit == "sec/op" {
			unit = "time/op"
		}
		what := fmt.Sprintf("%s %s %+.1f%% [%s]", label(p.Name), bench.Printable(unit), 100*p.Worse, ratioRange(p))
		switch p.Answer {
		case bench.PairedDifferent:
			worse = append(worse, what)
		case bench.PairedUnknown:
			unknown = append(unknown, what)
			more = max(more, p.More)
		}
	}
	for _, c := range g.Regressions() {
		if !bench.Timed(c.Unit) {
			worse = append(worse, fmt.Sprintf("%s %s %+.1f%%", label(c.Name), bench.Printable(c.Unit), 100*c.Delta))
		}
	}
	counts := 0 // counts compare cannot decide (not gated, see abStatus)
	for _, c := range g.Undecided() {
		if !bench.Timed(c.Unit) {
			counts++
		}
	}
	for _, m := range [][]string{g.Missing, g.Failed} {
		for _, name := range m {
			worse = append(worse, label(name)+" missing or failed in NEW")
		}
	}
	switch status {
	case cli.ExitFailure:
		return "bench-ab: regression: " + list(worse)
	case cli.ExitUndecided:
		s := "bench-ab: undecided: worse than the threshold, but not beyond the noise of its rounds: " + list(unknown)
		if more > 0 {
			s += fmt.Sprintf("; about %d rounds would likely decide (COUNT=%d)", more, more)
		}
		return s
	case cli.ExitMachine:
		return "bench-ab: cannot judge: the canary moved between the sides, measured side by side (rerun)"
	}
	s := "bench-ab: no regression: no time or rate worse than its threshold in the rounds, nothing missing"
	if counts > 0 {
		s += fmt.Sprintf("; %d %s compare cannot decide (above) %s not gated", counts, plural(counts, "count", "counts"), plural(counts, "is", "are"))
	}
	return s
}

// ratioRange is a paired change's NEW/OLD interval, or "no interval".
func ratioRange(p bench.PairedChange) string {
	if math.IsNaN(p.Lo) {
		return "no interval"
	}
	return fmt.Sprintf("%.3f, %.3f", p.Lo, p.Hi)
}

// list joins what, the first 6 of it and how many more.
func list(what []string) string {
	const most = 6
	if len(what) <= most {
		return strings.Join(what, "; ")
	}
	return strings.Join(what[:most], "; ") + fmt.Sprintf("; and %d more (above)", len(what)-most)
}
