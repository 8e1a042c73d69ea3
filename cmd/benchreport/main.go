// Command benchreport reports how benchmarks scale with workers, and fails
// on regressions, from `go test -bench` output (see package bench).
//
//	benchreport [-format text|markdown|csv|json|html|bmf|gab-smaller|gab-bigger] [-svg FILE] [-html FILE] FILE...
//	benchreport compare [-threshold 5%] [-threshold UNIT=PCT]... [-alpha 0.05] OLD NEW
//
// -svg writes the speedup plots, -html the report as one self-contained
// page, and -note puts a line at the top of the report (make bench:
// interrupted after round k of N). The json format is the report's model;
// bmf is Bencher Metric Format, and gab-smaller and gab-bigger
// github-action-benchmark's custom JSON, of every benchmark and unit.
//
// A FILE may be a results folder of `make bench` (its raw.txt is read) or -
// for standard input. It may hold go test's text or its `go test -json`
// stream (reassembled into the text, by package; lines that are not JSON,
// as 2>&1 mixes in, are skipped and counted in a note; a cut or malformed
// event is an input error naming its line), either one gzipped: each is
// told by its content, not its name. A package the run reports failed
// (it did not build, a test failed, its binary crashed) is said at the
// top of the report, and fails compare's NEW, as a failed benchmark does.
// The report covers every benchmark whose name carries
// workers=N or concurrency=N. A result whose time per op is NaN, infinite,
// zero or negative is left out and named with its file and line, never
// computed on. compare prints benchstat's comparison of two runs and names on
// stderr each regression: any unit worse by more than its threshold with
// p < alpha (time, B/op, allocs/op, B/s and every unit whose direction
// benchfmt's "Unit NAME better=higher" metadata gives; a unit whose runs
// are all equal is compared exactly; a unit with no direction is named as
// not judged), unless the run itself shows the machine was busier: its CPU
// per op did not rise while its threads were preempted significantly more,
// which sweep.Workers measures; such a slowdown is named, not counted;
// each benchmark of OLD that NEW lacks or has no usable result for, each
// benchmark NEW reports as failed, and each bad value of NEW.
//
// compare reads the canary first (a benchmark named Canary, as make bench
// measures internal/canary in every round): where it moved beyond its
// noise between OLD and NEW, the machine changed, and NEW's times are
// corrected by the canary's ratio before they are judged; where the runs
// carry none, it says that runs made at different times may differ by the
// machine alone. One clean commit on both sides (their "commit:" lines),
// not measured interleaved, is an A/A comparison: a difference is the
// machine's, never a regression.
//
// Exit status: 0 success; 1 the gate failed (compare: a regression, or a
// benchmark of OLD missing, failed or bad in NEW, or a package of NEW
// failed), or the run failed with no result or no sweep to report; 2 a
// usage error, or an input that cannot be read or is not benchmark output; 3 compare cannot
// judge: the machine changed between the runs (the canary moved, or one
// commit measured twice differs) and nothing is worse than that; 4 compare
// cannot decide: a unit is worse than its threshold by the medians but its
// evidence cannot show it (the U test and the intervals disagree, or the
// interval admits both no change and the change), named with its change,
// its interval and the runs that would likely decide it, and nothing
// failed; 130 or 143 interrupted (SIGINT, SIGTERM).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/atomicfile"
	"github.com/futuresbench/futures/internal/chapter"
	"github.com/futuresbench/futures/internal/cli"
)

const usage = `usage: benchreport [-format text|markdown|csv|json|html|bmf|gab-smaller|gab-bigger] [-svg FILE] [-html FILE] FILE...
       benchreport compare [-threshold 5%] [-threshold UNIT=PCT]... [-alpha 0.05] OLD NEW
exit status: 0 ok; 1 regression, or a benchmark of OLD missing, failed or bad
in NEW, or a package of NEW failed (build, test, crash), or a failed run with
nothing to report; 2 usage, or unreadable or invalid input; 3 compare cannot judge: the
machine changed between the runs (the canary moved, or one commit measured
twice differs) and nothing is worse than that; 4 compare cannot decide: a
unit worse than its threshold whose evidence cannot show it (named, with the
runs that would likely decide it); 130/143 interrupted
`

func main() { cli.Main("benchreport", run) }

// parseError marks input that is not benchmark output: exit 2.
func parseError(err error) error { return &cli.ExitError{Code: cli.ExitUsage, Msg: err.Error()} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "compare" {
		return compare(ctx, args[1:], stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	format := fs.String("format", "text", "text, markdown, csv, json (the model), html (one page), bmf (Bencher Metric Format), gab-smaller or gab-bigger (github-action-benchmark)")
	svg := fs.String("svg", "", "also write the speedup plots (small multiples) to this SVG file")
	page := fs.String("html", "", "also write the report as one self-contained HTML page to this file")
	note := fs.String("note", "", "a line said at the top of the report (make bench: interrupted after round k of N)")
	if err := cli.ParseFlags(fs, args, usage, stdout); err != nil {
		return err
	}
	f, err := bench.ParseFormat(*format)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	for flagName, path := range map[string]string{"-svg": *svg, "-html": *page} {
		if st, err := os.Stat(path); path != "" && err == nil && st.IsDir() {
			return cli.Usagef("%s %s: a folder; name the file to write", flagName, path)
		}
	}
	if fs.NArg() == 0 {
		return cli.Usagef("no input: name one or more go test -bench output files")
	}
	var inputs []*input
	for _, name := range fs.Args() {
		in, err := readInput(ctx, name, stdin)
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}
	var notes bytes.Buffer // said once the inputs are found to be a report's
	d, err := readSamples(&notes, inputs...)
	if err != nil {
		return err
	}
	for _, l := range d.BadSites {
		fmt.Fprintf(stderr, "benchreport: left out of the sites: %s\n", l)
	}
	as := bench.Analyze(d)
	banners := failed(f, failuresOf(inputs), stderr)
	if f == bench.BMF || f == bench.GABSmaller || f == bench.GABBigger {
		_, _ = notes.WriteTo(stderr)
		return writeBMF(f, d, as, stdout, stderr)
	}
	if len(as) == 0 {
		if fs := failuresOf(inputs); len(fs) > 0 {
			return &cli.ExitError{Code: cli.ExitFailure, Msg: "no sweep: the run failed: " + failureList(fs)}
		}
		if len(d.Bad) > 0 {
			return parseError(fmt.Errorf("no usable sweep: %d results left out, not a positive, finite time per op (the first: %s)", len(d.Bad), d.Bad[0]))
		}
		return parseError(fmt.Errorf("no sweep: no benchmark name carries workers=N or concurrency=N"))
	}
	sections := []bench.Section{chapter.Section}
	if *note != "" {
		sections = append([]bench.Section{bench.Banner(*note)}, sections...)
	}
	sections = append(banners, sections...)
	_, _ = notes.WriteTo(stderr)
	if *svg != "" {
		if err := atomicfile.Write(*svg, 0o644, func(w io.Writer) error { return bench.WriteSVG(w, as) }); err != nil {
			return err
		}
	}
	if *page != "" {
		if err := atomicfile.Write(*page, 0o644, func(w io.Writer) error { return bench.Write(w, bench.HTML, as, d.Bad, sections...) }); err != nil {
			return err
		}
	}
	if f == bench.CSV {
		for _, l := range d.Bad {
			fmt.Fprintf(stderr, "benchreport: left out (not a positive, finite time per op): %s\n", l)
		}
	}
	return bench.Write(stdout, f, as, d.Bad, sections...)
}

// writeBMF writes every benchmark of the inputs, sweep or not, in Bencher
// Metric Format or github-action-benchmark's custom JSON; what it leaves
// out is named on stderr.
func writeBMF(f bench.Format, all *bench.Samples, as []*bench.Analysis, stdout, stderr io.Writer) error {
	b, leftOut := bench.NewBMF(all, as)
	if len(b) == 0 {
		if len(all.Bad) > 0 {
			return parseError(fmt.Errorf("no usable result: %d left out, not a positive, finite time per op (the first: %s)", len(all.Bad), all.Bad[0]))
		}
		return parseError(fmt.Errorf("no usable result: every name too long for Bencher"))
	}
	for _, l := range append(all.Bad, leftOut...) {
		fmt.Fprintf(stderr, "benchreport: left out: %s\n", l)
	}
	if f == bench.BMF {
		return bench.WriteBMF(stdout, b)
	}
	better := -1
	if f == bench.GABBigger {
		better = 1
	}
	return bench.WriteGAB(stdout, bench.NewGAB(b, all, better))
}

func compare(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchreport compare", flag.ContinueOnError)
	var thresholdFlags listFlag
	fs.Var(&thresholdFlags, "threshold", "smallest change that counts: 5% (or 0.05) for every unit, or UNIT=PCT for one (allocs/op=0%); repeatable; default 5%")
	alpha := fs.Float64("alpha", 0.05, "significance level of the U test")
	if err := cli.ParseFlags(fs, args, usage, stdout); err != nil {
		return err
	}
	threshold, err := bench.ParseThresholds(thresholdFlags, 0.05)
	if bare := (*bench.BareThresholdError)(nil); errors.As(err, &bare) {
		return cli.Usagef("-threshold %s", bare)
	}
	if err != nil {
		return cli.Usagef("%v", err)
	}
	if !(*alpha > 0 && *alpha < 1) {
		return cli.Usagef("-alpha %v: want a number between 0 and 1", *alpha)
	}
	if fs.NArg() != 2 {
		return cli.Usagef("compare takes two inputs, OLD and NEW; got %d", fs.NArg())
	}
	var samples [2]*bench.Samples
	var inputs [2]*input
	var notes bytes.Buffer // said once the inputs are found comparable
	for i, name := range fs.Args() {
		in, err := readInput(ctx, name, stdin)
		if err != nil {
			return err
		}
		if samples[i], err = readSamples(&notes, in); err != nil {
			return err
		}
		inputs[i] = in
	}
	if unit, have := threshold.UnknownUnit(samples[0], samples[1]); unit != "" {
		return cli.Usagef("-threshold: the unit %s is in no run of %s or %s, whose units are %s",
			strconv.Quote(bench.CutName(unit, 80)), bench.Printable(bench.CutName(fs.Arg(0), 80)), bench.Printable(bench.CutName(fs.Arg(1), 80)),
			bench.UnitList(have, 12))
	}
	g, err := bench.Gate(samples[0], samples[1], bench.GateOptions{Thresholds: threshold, Alpha: *alpha})
	if err != nil {
		return parseError(fmt.Errorf("%s and %s: %w", fs.Arg(0), fs.Arg(1), err))
	}
	_, _ = notes.WriteTo(stderr)
	if err := bench.WriteGate(stdout, stderr, g, *alpha); err != nil {
		return err
	}
	if failedNew(stderr, inputs) && g.Status != bench.GateFail {
		return &cli.ExitError{Code: cli.ExitFailure}
	}
	switch g.Status {
	case bench.GateFail:
		return &cli.ExitError{Code: cli.ExitFailure}
	case bench.GateMachine:
		return &cli.ExitError{Code: cli.ExitMachine, Msg: g.Why() + " (make bench-ab)"}
	case bench.GateUndecided:
		return &cli.ExitError{Code: cli.ExitUndecided, Msg: g.Why()}
	}
	return nil
}
