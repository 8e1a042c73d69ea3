package benchrun

import (
	"slices"
	"strconv"
	"time"
)

// Side is the tree a step measures: One for make bench, Old or New for
// make bench-ab.
type Side string

const (
	One Side = ""
	Old Side = "old"
	New Side = "new"
)

// Step is one process: a suite's test binary at one GOMAXPROCS setting.
type Step struct {
	Round     int
	Suite     Suite
	Side      Side
	Procs     int
	Benchtime string // -test.benchtime, scaled for Procs
	Sites     string // SWEEP_SITES: the sites pass's share, or "off"
	Rotate    int    // SWEEP_ROTATE: where the sweep starts its counts
}

// Plan is what a run measures: the suites, the sides, and how many rounds.
type Plan struct {
	Canary Suite
	Suites []Suite
	// Sides are the trees, in the order of odd rounds; even rounds
	// reverse them (ABBA: a drift within a round falls on both alike).
	Sides []Side
	// Count is a fixed number of rounds; 0: the run looks after the
	// rounds of Looks and measures only the suites still open.
	Count int
	Looks []int
	// Sites: round 1 runs package sweep's sites pass (make bench).
	Sites bool
}

// Rounds is the most rounds the plan may measure.
func (p Plan) Rounds() int {
	if p.Count > 0 || len(p.Looks) == 0 {
		return p.Count
	}
	return p.Looks[len(p.Looks)-1]
}

// samples is the rounds the sites window is a share of.
func (p Plan) samples() int {
	if p.Count > 0 || len(p.Looks) == 0 {
		return p.Count
	}
	return p.Looks[0]
}

// IsLook reports whether the run looks at its suites after round r.
func (p Plan) IsLook(r int) bool { return p.Count == 0 && slices.Contains(p.Looks, r) }

// Round returns the processes of round r (from 1) over the open suites, in
// order: the canary, then suite by suite each side (in ABBA order) at each
// GOMAXPROCS setting, then the canary again.
func (p Plan) Round(r int, open []Suite) []Step {
	sides := slices.Clone(p.Sides)
	if len(sides) == 0 {
		sides = []Side{One}
	}
	if r%2 == 0 {
		slices.Reverse(sides)
	}
	var steps []Step
	for _, s := range append(append([]Suite{p.Canary}, open...), p.Canary) {
		for _, side := range sides {
			for _, procs := range s.Procs {
				st := Step{Round: r, Suite: s, Side: side, Procs: procs, Benchtime: s.Benchtime, Sites: "off", Rotate: r - 1}
				if s.Scaled {
					st.Benchtime = ScaleBenchtime(s.Benchtime, procs)
				}
				if p.Sites && r == 1 && !s.Canary {
					st.Sites = SitesWindow(st.Benchtime, p.samples())
				}
				steps = append(steps, st)
			}
		}
	}
	return steps
}

// Stop says why a run measured no more rounds.
type Stop int

const (
	Going   Stop = iota // measure the next round
	Counted             // a fixed count's rounds are measured
	Settled             // every suite is settled
	Last                // the last look is reached
	Budget              // the next look would not fit in the budget
	Failed              // every suite failed, or the canary did (measure's, not Next's)
)

// Next decides, after round r with open suites still open, whether the run
// measures round r+1. A fixed count runs its rounds. A looking run always
// measures up to its first look; after a look it goes on only if the
// rounds to the next look, at perRound each, fit in what is left of the
// budget (the rounds between two looks are judged only at the second:
// stopping between them would judge them at a look that spent its error
// on wider intervals). spent is the measuring time so far.
func (p Plan) Next(r, open int, spent, perRound, budget time.Duration) Stop {
	switch {
	case p.Count > 0 || len(p.Looks) == 0:
		if r >= p.Count {
			return Counted
		}
		return Going
	case open == 0:
		return Settled
	case r >= p.Rounds():
		return Last
	case !p.IsLook(r):
		return Going
	}
	next := p.Looks[slices.Index(p.Looks, r)+1]
	if spent+time.Duration(next-r)*perRound > budget {
		return Budget
	}
	return Going
}

// TableCap is how many budgets a looking run may measure for the chapter's
// table: past BUDGET, the suites whose rows of the chapter's table are
// still undecided, for a reason more rounds can remove (an interval too
// wide, rounds on a slower core: not a busy machine's disturbed points),
// go on to the next look while it fits in TableCap × BUDGET of measuring
// (6 minutes by default). The rest stop at the budget, as before.
const TableCap = 3

// Extend decides, after round r, where Next said Budget, whether the
// table suites (those whose chapter rows are undecided by what more
// rounds can decide) go on to the next look: while its rounds, at
// perRound each (a round of those suites alone), fit in limit (make
// bench: TableCap × BUDGET).
func (p Plan) Extend(r, table int, spent, perRound, limit time.Duration) bool {
	return table > 0 && p.Next(r, table, spent, perRound, limit) == Going
}

// Env is a step's environment beyond the parent's: the sites pass, where
// its profiles go (profiles, in the run's folder), the rotation and the
// GOMAXPROCS setting.
func (s Step) Env(profiles string) []string {
	env := []string{"SWEEP_SITES=" + s.Sites, "SWEEP_ROTATE=" + strconv.Itoa(s.Rotate), "GOMAXPROCS=" + strconv.Itoa(s.Procs)}
	if s.Sites != "off" && profiles != "" {
		env = append(env, "SWEEP_PROFILES="+profiles)
	}
	return env
}

// Args are a step's test binary arguments.
func (s Step) Args() []string {
	return append([]string{"-test.run", "^$", "-test.bench", s.Suite.Bench, "-test.count", "1",
		"-test.benchtime", s.Benchtime, "-test.benchmem"}, s.Suite.Flags...)
}
