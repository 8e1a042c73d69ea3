package benchrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
// both sides. It writes bench/results/ab-<time>/ (old.txt, new.txt,
// compare.txt) and returns compare's status: 0 no regression, 1 a
// regression, 3 the machine changed; a revision that is not one, or a
// suite a side lacks, is a usage error (2). A revision is never run by a
// shell: it goes to git as one argument, after --end-of-options.
func AB(ctx context.Context, env Env) error {
	k, err := ReadKnobs(env.Getenv)
	if err != nil {
		return &cli.UsageError{Msg: err.Error()}
	}
	if k.Count == 0 {
		k.Count = 6
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

	out, err := runFolder(env, "ab-")
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(out)
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
	if err := os.WriteFile(filepath.Join(out, "compare.txt"), cmp.Bytes(), 0o644); err != nil {
		return err
	}
	env.Stdout.Write(cmp.Bytes())
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
// NEW, and the counts (B/op, allocs/op), which the machine does not move.
// 1 a regression; 4 (cli.ExitUndecided) a timed unit worse than its
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
