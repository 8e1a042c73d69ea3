package bench

import (
	"math"
	"slices"
)

// SettleMargin is how near two counts' times must be, as far as their
// intervals allow, to be the same count for the knee: within 25% of each
// other at every end of their intervals.
const SettleMargin = 0.25

// ClaimKind is a claim of a sweep's verdict that its intervals do not
// decide (yet: more runs may).
type ClaimKind int

const (
	// ClaimDisturbed: the point at X was disturbed, and the claims it
	// would take part in are not made.
	ClaimDisturbed ClaimKind = iota + 1
	// ClaimIntervals: too few runs for an interval at some point.
	ClaimIntervals
	// ClaimKnee: the point at X can neither be told apart from the
	// fastest (Top) nor shown to lie within SettleMargin of it: the knee
	// may move.
	ClaimKnee
	// ClaimLimit: the limit rests on CPU per op that grew with an
	// interval holding no change (Lo, Hi: the ratio's interval).
	ClaimLimit
	// ClaimCores: the point at X is near the cores' ideal by its median,
	// but its interval cannot show it reached them (CauseCoresOpen).
	ClaimCores
	// ClaimSlowCore: the rounds that ran on a slower core (Analysis.Slow),
	// left out, leave fewer than 6 runs at some point: no interval there
	// until more rounds are measured (X: how many were left out).
	ClaimSlowCore
)

// Undecided is one claim a sweep's verdict makes that its intervals do not
// decide.
type Undecided struct {
	Claim  ClaimKind
	X, Top int
	Lo, Hi float64
}

// Undecided lists the claims of the sweep's verdict that its intervals do
// not decide: it is settled when there are none. A claim is decided when
// the intervals rule out the other answer: the knee, when every trusted
// point is told apart from the fastest or lies within SettleMargin of it
// (more runs could otherwise move the knee, or turn "does not scale" into
// "scales"); the limit, where it rests on an interval (CPU per op that
// grew), when that interval excludes no change; and every point must be
// trusted (a disturbed point leaves the chapter's lesson undecided). One
// point measured, or no CPU evidence, leaves nothing more runs could
// decide.
func (a *Analysis) Undecided() []Undecided {
	var out []Undecided
	for _, r := range a.Rows {
		if !r.Trusted() {
			out = append(out, Undecided{Claim: ClaimDisturbed, X: r.X})
		}
	}
	if len(out) > 0 || a.Scaling.Kind == ScalingOne {
		return out
	}
	if !hasIntervals(a.Rows) {
		if len(a.Slow) > 0 {
			return []Undecided{{Claim: ClaimSlowCore, X: len(a.Slow)}}
		}
		return []Undecided{{Claim: ClaimIntervals}}
	}
	out = a.openKnee(a.Row(a.Scaling.Top))
	if a.Cause == CauseCoresOpen {
		out = append(out, Undecided{Claim: ClaimCores, X: a.At})
	}
	if a.Limit == LimitWork && !(a.Lo > 1) {
		out = append(out, Undecided{Claim: ClaimLimit, X: a.At, Lo: a.Lo, Hi: a.Hi})
	}
	return out
}

// openKnee lists the points that can neither be told apart from top, the
// fastest, nor shown within SettleMargin of it: while there are any, the
// knee may move, and "does not scale" or "flat beyond" is not shown. Work
// that uses one core (GOMAXPROCS=1, CPU-bound) cannot beat it: its speedup
// interval's upper end is bounded by 1 whatever the noise, so a point needs
// only its lower end within the margin.
//
// Past the knee, "flat beyond" is a claim of absence too: a point past it
// that cannot be told apart from it must lie within SettleMargin of it.
func (a *Analysis) openKnee(top Row) []Undecided {
	var out []Undecided
	if k := a.Scaling.Kind; k == ScalingScales || k == ScalingPastCores {
		knee := a.Row(a.Scaling.Knee)
		for _, r := range a.Rows {
			if r.X > knee.X && r.X != top.X && same(r, knee, true) && !within(r, knee) && !(a.oneCore() && r.SpeedupLo >= 1/(1+SettleMargin)) {
				out = append(out, Undecided{Claim: ClaimKnee, X: r.X, Top: top.X})
			}
		}
	}
	for _, r := range a.Rows {
		if slices.ContainsFunc(out, func(u Undecided) bool { return u.X == r.X }) {
			continue
		}
		if r.X == top.X || !same(r, top, true) {
			continue
		}
		if a.oneCore() && r.SpeedupLo >= 1/(1+SettleMargin) && top.SpeedupLo >= 1/(1+SettleMargin) {
			continue
		}
		if !within(r, top) {
			out = append(out, Undecided{Claim: ClaimKnee, X: r.X, Top: top.X})
		}
	}
	slices.SortFunc(out, func(x, y Undecided) int { return x.X - y.X })
	return out
}

// oneCore reports whether the sweep's work uses its core on one: no count
// can be faster than one core's work, the physics' bound.
func (a *Analysis) oneCore() bool { return a.Bound == 1 && !a.Waits }

// GainKind is what a sweep's best trusted point shows of its gain over the
// base.
type GainKind int

const (
	// GainUndecided: the intervals cannot tell: the best point's admits
	// both no gain and a gain beyond SettleMargin; or a point, the base
	// included, was disturbed; or there is no interval (fewer than 6
	// runs, or the slow rounds left out left too few).
	GainUndecided GainKind = iota
	// GainShown: faster than the base beyond the noise (Row.Gains).
	GainShown
	// GainNone: no gain, shown: the best point's speedup interval lies
	// within SettleMargin of 1 at both ends (for work on one core, whose
	// speedup cannot pass 1, at its lower end).
	GainNone
)

// Gain is what the sweep shows of its gain over the base, at its best
// trusted point (the base if none is faster): the one claim a row of the
// chapter's table reads. A gain is shown by the interval's lower end; its
// absence only where the interval's far end lies within SettleMargin.
func (a *Analysis) Gain() (GainKind, Row) {
	best := a.Rows[0]
	for _, r := range a.Rows {
		if r.Trusted() && r.Speedup > best.Speedup {
			best = r
		}
	}
	switch {
	case slices.ContainsFunc(a.Rows, func(r Row) bool { return !r.Trusted() }):
		return GainUndecided, best
	case len(a.Slow) > 0 && math.IsNaN(best.SpeedupLo):
		return GainUndecided, best
	case gains(best):
		return GainShown, best
	case math.IsNaN(best.SpeedupLo):
		return GainUndecided, best
	}
	hi := best.SpeedupHi
	if a.oneCore() {
		hi = math.Min(hi, 1)
	}
	if best.SpeedupLo >= 1/(1+SettleMargin) && hi <= 1+SettleMargin {
		return GainNone, best
	}
	return GainUndecided, best
}

// within reports whether r's and t's time intervals lie within
// SettleMargin of each other at both ends.
func within(r, t Row) bool {
	if math.IsNaN(r.Lo) || math.IsNaN(t.Lo) {
		return false
	}
	return r.Hi <= t.Lo*(1+SettleMargin) && t.Hi <= r.Lo*(1+SettleMargin)
}

// Settled reports whether every claim of every analysis is decided.
func Settled(as []*Analysis) bool {
	return !slices.ContainsFunc(as, func(a *Analysis) bool { return len(a.Undecided()) > 0 })
}
