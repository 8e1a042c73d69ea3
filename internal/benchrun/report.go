package benchrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/atomicfile"
)

// reporter writes a run's reports from its raw.txt.
type reporter struct {
	k      Knobs
	env    Env
	tmp    string // where benchreport was built
	out    string // the run's folder
	raw    string
	suites []Suite
	// looks are the rounds the run looked after (none: a fixed count), ran
	// the complete rounds of each suite: the level of its intervals.
	looks []int
	ran   map[string]int
}

// finish writes benchstat.txt, report.md, report.html and speedup.svg from
// raw.txt (each complete or absent), note at the top of the reports, and
// prints the report and make bench's hints.
func (r reporter) finish(ctx context.Context, note string) error {
	if err := atomicfile.Write(filepath.Join(r.out, "benchstat.txt"), 0o644, func(w io.Writer) error {
		return r.benchstat(ctx, w)
	}); err != nil {
		return err
	}
	report := filepath.Join(r.tmp, "benchreport")
	if err := atomicfile.Write(filepath.Join(r.out, "report.md"), 0o644, func(w io.Writer) error {
		cmd := exec.CommandContext(ctx, report, "-format", "markdown", "-note", note, "-svg", filepath.Join(r.out, "speedup.svg"), "-html", filepath.Join(r.out, "report.html"), "--", r.raw)
		cmd.Stdout, cmd.Stderr = w, r.env.Stderr
		return cmd.Run()
	}); err != nil {
		return fmt.Errorf("report.md: %w", err)
	}
	fmt.Fprintln(r.env.Stdout)
	cmd := exec.CommandContext(ctx, report, "-note", note, "--", r.raw)
	cmd.Stdout, cmd.Stderr = r.env.Stdout, r.env.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the report: %w", err)
	}
	return r.hints()
}

// hints are make bench's own words on the report, read from its model,
// not from its words: the report speaks of go test's flags, make bench of
// its knobs.
func (r reporter) hints() error {
	data, err := os.ReadFile(r.raw)
	if err != nil {
		return err
	}
	samples, err := bench.Read(bench.Input{Name: r.raw, Data: data})
	if err != nil {
		return nil // the report has said why
	}
	as := bench.Analyze(samples)
	var disturbed, few bool
	for _, a := range as {
		for _, row := range a.Rows {
			disturbed = disturbed || !row.Trusted()
			few = few || row.Runs < bench.MinLook
		}
	}
	if disturbed {
		fmt.Fprintln(r.env.Stdout, "bench: disturbed points above: run again on a quieter machine, with a larger budget (make bench BUDGET=10m) or more rounds (make bench COUNT=20)")
	}
	if few {
		fmt.Fprintf(r.env.Stdout, "bench: no intervals with fewer than %d rounds (make bench COUNT=%d or more)\n", bench.MinLook, bench.MinLook)
	}
	return nil
}

// level is the confidence of the intervals of suites' table: the level
// the report judges their sweeps at (bench.Level, from the rounds each
// measured), the highest where suites that share a table stopped at
// different looks (its intervals then as wide as the widest of the
// report's). The canary is never judged at the looks' level.
func (r reporter) level(suites []Suite) float64 {
	level := bench.Confidence
	for _, s := range suites {
		if !s.Canary {
			level = max(level, bench.Level(r.looks, r.ran[s.ID]))
		}
	}
	return level
}

// benchstat writes benchstat's tables, each suite's (Suite.Benchstat)
// once, at the level of the report's intervals (-confidence): a run that
// looked past round 6 judges at 99.06%, not benchstat's 95%.
func (r reporter) benchstat(ctx context.Context, w io.Writer) error {
	var done [][]string
	for _, s := range r.suites {
		if slices.ContainsFunc(done, func(args []string) bool { return slices.Equal(args, s.Benchstat) }) {
			continue
		}
		done = append(done, s.Benchstat)
		level := r.level(slices.DeleteFunc(slices.Clone(r.suites), func(o Suite) bool { return !slices.Equal(o.Benchstat, s.Benchstat) }))
		var buf bytes.Buffer
		args := append([]string{"tool", "benchstat", "-confidence", strconv.FormatFloat(level, 'f', -1, 64)}, s.Benchstat...)
		cmd := exec.CommandContext(ctx, r.k.Go, append(args, r.raw)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = r.env.Dir, &buf, &buf
		_ = cmd.Run() // benchstat's complaints go into the table's place
		buf.WriteString("\n")
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
