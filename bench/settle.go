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
		return []Undecided{{Claim: ClaimIntervals}}
	}
	top := a.Row(a.Scaling.Top)
	for _, r := range a.Rows {
		if r.X != top.X && same(r, top, true) && !within(r, top) {
			out = append(out, Undecided{Claim: ClaimKnee, X: r.X, Top: top.X})
		}
	}
	if a.Limit == LimitWork && !(a.Lo > 1) {
		out = append(out, Undecided{Claim: ClaimLimit, X: a.At, Lo: a.Lo, Hi: a.Hi})
	}
	return out
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
