package bench

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/futuresbench/futures/internal/plural"
)

// WriteGate writes the gate's result as benchreport compare prints it: what
// the canary says and whether the runs are A/A, then the table of changes,
// on stdout; each regression, each change that is the machine's, and each
// benchmark missing, failed or bad, one line each on stderr.
func WriteGate(stdout, stderr io.Writer, g *GateResult, alpha float64) error {
	out, errw := &errWriter{w: stdout}, &errWriter{w: stderr}
	labels := changeLabels(g.Changes, g.Missing)
	switch c := g.Canary; {
	case c == nil:
		fmt.Fprintf(out, "no canary (BenchmarkCanary) in both runs: runs made at different times may differ by the machine alone (a slower host slows every benchmark, and nothing in the files shows it); to gate on a shared machine, measure both commits interleaved\n")
	case c.Moved:
		fmt.Fprintf(out, "the machine changed: the canary ran %+.1f%% [%s] in NEW (p=%.3f, %s -> %s); every time of NEW is divided by %.3f (every rate multiplied) before it is judged, and a time must be worse than its threshold plus the canary's own uncertainty (%.1f%%) to count\n",
			100*(c.Ratio-1), pctRange(c.Lo, c.Hi), c.P, FormatValue(c.Old.Center, "sec/op"), FormatValue(c.New.Center, "sec/op"), c.Ratio, 100*c.Slack)
	default:
		fmt.Fprintf(out, "the canary is steady: %+.1f%% [%s] (p=%.3f): the machine did not change between the runs, as far as it shows\n",
			100*(c.Ratio-1), pctRange(c.Lo, c.Hi), c.P)
	}
	if g.AA() {
		fmt.Fprintf(out, "the same commit (%s) in both runs, without uncommitted changes: any difference between them is the machine's (an A/A comparison), never a regression\n", Printable(g.Commit))
	}
	if err := writeComparison(out, g.Changes, alpha, labels); err != nil {
		return err
	}
	for _, l := range g.BadOld {
		fmt.Fprintf(errw, "benchreport: left out of OLD (not a positive, finite time per op): %s\n", Printable(l))
	}
	for _, c := range g.Changes {
		unit := Printable(c.Unit)
		if unit == "sec/op" {
			unit = "time/op"
		}
		test := fmt.Sprintf("p=%.3f", c.P)
		if c.Exact {
			test = "every run the same"
		}
		// "NAME UNIT: OLD -> NEW, +D% (TEST"; each case closes it.
		change := fmt.Sprintf("%s %s: %s -> %s, %+.1f%% (%s", labels[c.Name], unit,
			FormatValue(c.Old.Center, c.Unit), FormatValue(c.New.Center, c.Unit), 100*c.Delta, test)
		switch {
		case c.AA:
			fmt.Fprintf(errw, "benchreport: the machine's: %s), with the same code\n", change)
		case c.Regression && c.Corrected:
			fmt.Fprintf(errw, "benchreport: regression: %s) beyond the machine's change (NEW corrected by the canary's %.3f)\n", change, g.Canary.Ratio)
		case c.Regression && c.NoCanary:
			fmt.Fprintf(errw, "benchreport: regression: %s; no canary: a change of machine would look the same)\n", change)
		case c.Regression:
			fmt.Fprintf(errw, "benchreport: regression: %s)\n", change)
		case c.Disturbed:
			fmt.Fprintf(errw, "benchreport: not counted: %s %s: %+.1f%% (p=%.3f), but %s; run both again on a quiet machine to be sure\n", labels[c.Name], unit, 100*c.Delta, c.P, c.Why)
		}
	}
	for _, c := range g.Undecided() {
		fmt.Fprintf(out, "undecided: %s\n", undecidedWords(c, labels[c.Name]))
	}
	if len(g.Ungated) > 0 {
		fmt.Fprintf(out, "not judged, no direction (add a line 'Unit U better=lower' or 'better=higher' to the output to judge one): %s\n", Printable(strings.Join(g.Ungated, ", ")))
	}
	for _, name := range g.Missing {
		fmt.Fprintf(errw, "benchreport: missing from NEW: %s: no usable result (removed, renamed, failed or bad)\n", labels[name])
	}
	for _, name := range g.Failed {
		fmt.Fprintf(errw, "benchreport: failed in NEW: Benchmark%s\n", Printable(name))
	}
	for _, l := range g.Bad {
		fmt.Fprintf(errw, "benchreport: bad value in NEW (not a positive, finite time per op): %s\n", Printable(l))
	}
	if out.err != nil {
		return out.err
	}
	return errw.err
}

// undecidedWords says one change the gate cannot decide: its change with
// the change's interval, what leaves it open, and the runs that would
// likely decide it.
func undecidedWords(c Change, label string) string {
	unit := Printable(c.Unit)
	if unit == "sec/op" {
		unit = "time/op"
	}
	why := "the U test cannot tell it from noise"
	switch {
	case c.P < 0.05 && !math.IsNaN(c.Lo):
		why = "the U test says different, but the two intervals overlap"
	case math.IsNaN(c.Lo):
		why = "no interval: fewer than 6 runs"
	}
	s := fmt.Sprintf("%s %s: %s -> %s, %+.1f%% (p=%.3f), its interval %s admits both no change and more than the threshold: %s",
		label, unit, FormatValue(c.Old.Center, c.Unit), FormatValue(c.New.Center, c.Unit), 100*c.Delta, c.P, changeRange(c.Lo, c.Hi), why)
	if c.Runs > 0 {
		s += fmt.Sprintf("; likely decided at about %d runs a side (from the spread; n=%d+%d now)", c.Runs, c.NOld, c.NNew)
	} else {
		s += "; more runs would decide"
	}
	return s
}

// changeRange is a change's interval in percent, "[-12%, +85%]".
func changeRange(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return "(none: fewer than 6 runs)"
	}
	return fmt.Sprintf("[%+.0f%%, %+.0f%%]", 100*lo, 100*hi)
}

// Why is the gate's status in one sentence ("" when it passed or failed:
// the lines on stderr say why it failed).
func (g *GateResult) Why() string {
	if g.Status == GateUndecided {
		und := g.Undecided()
		runs := 0
		for _, c := range und {
			if c.Runs == 0 {
				runs = 0
				break
			}
			runs = max(runs, c.Runs)
		}
		more := "measure more runs (COUNT) to decide"
		if runs > 0 {
			more = fmt.Sprintf("measure more runs to decide: likely %d a side for all of them (COUNT=%d)", runs, runs)
		}
		return fmt.Sprintf("cannot decide: %d %s worse than the threshold by the medians, but the evidence cannot show it (named above): neither a pass nor a failure; %s", len(und), plural.Of(len(und), "unit is", "units are"), more)
	}
	if g.Status != GateMachine {
		return ""
	}
	n := 0
	for _, c := range g.Changes {
		if c.AA {
			n++
		}
	}
	if n > 0 {
		return fmt.Sprintf("cannot judge: one commit measured twice differs in %d %s: the machine changed between the runs; measure both commits interleaved for a verdict", n, plural.Of(n, "place", "places"))
	}
	return fmt.Sprintf("cannot judge: the machine changed between the runs (the canary %+.1f%%); corrected for it, nothing is worse; measure both commits interleaved for a verdict", 100*(g.Canary.Ratio-1))
}

// pctRange is a ratio's interval as changes in percent, "+18%, +31%".
func pctRange(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return "no interval: fewer than 6 runs"
	}
	return fmt.Sprintf("%+.0f%%, %+.0f%%", 100*(lo-1), 100*(hi-1))
}
