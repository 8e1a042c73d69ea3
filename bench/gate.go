package bench

import (
	"errors"
	"slices"
)

// GateOptions are what the gate judges by.
type GateOptions struct {
	// Thresholds are the smallest changes that count, by unit.
	Thresholds Thresholds
	// Alpha is the significance level of the U test (0.05 if 0).
	Alpha float64
}

// GateStatus is the gate's answer.
type GateStatus int

const (
	// GatePass: nothing is worse beyond its threshold and the noise.
	GatePass GateStatus = iota
	// GateFail: a regression, or a benchmark of OLD missing, failed or bad
	// in NEW.
	GateFail
	// GateMachine: the gate cannot judge: the machine changed between the
	// runs (the canary moved, or one commit measured twice differs) and
	// nothing is worse than that.
	GateMachine
	// GateUndecided: the gate cannot decide: a unit is worse than its
	// threshold, but the evidence cannot show it (Change.Undecided), and
	// nothing failed. More runs would decide; never a pass.
	GateUndecided
)

// GateResult is what the gate found: each benchmark's change per unit, the
// canary's reading, whether the comparison is A/A, and the status.
type GateResult struct {
	Changes []Change
	// Canary is the canary's reading; nil where either run has none (runs
	// made at different times may then differ by the machine alone).
	Canary *Canary
	// Commit is the one clean commit both runs measured, not interleaved:
	// an A/A comparison, whose every difference is the machine's. "" if
	// the runs are not that.
	Commit string
	// Missing are the benchmarks of OLD that NEW has no usable result for;
	// Failed those NEW reports as failed; Bad NEW's results left out (not
	// a positive, finite time), BadOld OLD's.
	Missing, Failed, Bad, BadOld []string
	// Ungated are the units in both runs that have no direction, and so
	// are not judged.
	Ungated []string
	Status  GateStatus
}

// AA reports whether the comparison is of one commit with itself.
func (g *GateResult) AA() bool { return g.Commit != "" }

// Regressions are the changes that fail the gate.
func (g *GateResult) Regressions() []Change {
	return slices.DeleteFunc(slices.Clone(g.Changes), func(c Change) bool { return !c.Regression })
}

// Undecided are the changes the gate cannot decide: worse than their
// threshold by the medians, but not shown by the evidence.
func (g *GateResult) Undecided() []Change {
	return slices.DeleteFunc(slices.Clone(g.Changes), func(c Change) bool { return !c.Undecided })
}

// ErrNothingInCommon is returned by Gate when no benchmark is in both runs.
var ErrNothingInCommon = errors.New("no benchmark is in both runs")

// Gate judges NEW against OLD. It reads the canary first (a benchmark
// named Canary, measured in every round beside the others): where it moved
// beyond its noise, the machine changed, and NEW's times and rates are
// corrected by the canary's ratio before they are judged, each timed
// threshold raised by the canary's own uncertainty. Then each unit with a
// direction of each benchmark in both runs is compared (see Change); in an
// A/A comparison a difference is the machine's, never a regression. The
// status is GateFail on any regression or on a benchmark of OLD missing,
// failed or bad in NEW; GateUndecided where, short of that, a unit is worse
// than its threshold but its evidence cannot show it (the third answer, as
// Pinpoint's same / different / unknown: never a pass); GateMachine where
// the machine changed; GatePass otherwise.
func Gate(old, new *Samples, opts GateOptions) (*GateResult, error) {
	alpha := opts.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	g := &GateResult{Missing: Missing(old, new), Failed: new.Failed, Bad: new.Bad, BadOld: old.Bad, Ungated: Ungated(old, new)}
	th := opts.Thresholds
	var canary *Canary
	if c, ok := findCanary(old, new, alpha); ok {
		g.Canary = &c
		if c.Moved {
			canary = &c
			th.Slack += c.Slack
		}
	}
	g.Commit, _ = SameCode(old, new)
	against := new
	if canary != nil {
		against = canary.Against(new)
	}
	g.Changes = compare(old, against, th, alpha)
	hasTime := slices.ContainsFunc(new.Names, func(n string) bool { return len(new.Values(n, "sec/op")) > 0 })
	if len(g.Changes) == 0 && hasTime {
		return nil, ErrNothingInCommon
	}
	aa := 0
	for i := range g.Changes {
		c := &g.Changes[i]
		c.Corrected = canary != nil && Timed(c.Unit) && !isCanary(c.Name)
		c.NoCanary = g.Canary == nil && Timed(c.Unit)
		switch {
		case isCanary(c.Name):
			c.Regression, c.Undecided, c.Canary = false, false, true
		case c.Regression && g.AA():
			c.Regression, c.AA = false, true
			aa++
		case c.Undecided && g.AA():
			// One commit measured twice: whatever differs is the
			// machine's, decided or not.
			c.Undecided = false
		}
	}
	switch {
	case len(g.Regressions()) > 0 || len(g.Missing) > 0 || len(g.Failed) > 0 || len(g.Bad) > 0:
		g.Status = GateFail
	case len(g.Undecided()) > 0:
		g.Status = GateUndecided
	case aa > 0 || canary != nil:
		g.Status = GateMachine
	}
	return g, nil
}
