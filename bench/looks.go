package bench

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"
)

// A run that looks at its sweeps as it goes (make bench: after round 6, a
// settled sweep stops; the rest go on to round 12, then 20) would inflate
// its false claims if every look were judged at Confidence: each look is
// one more chance for noise to look decided. It says so with a "looks:"
// configuration line, the rounds it looks after ("looks: 6 12 20"), and
// the report spends Confidence's error among them (Bonferroni): a sweep
// judged at the first look has the interval a fixed run of that many
// rounds has; a sweep that ran past it is judged at the level left, split
// evenly among the later looks. The error of every claim the run makes,
// over all its looks, is then at most 1 - Confidence.

// Level is the confidence of a sweep's intervals with runs runs, in a run
// that looked after looks rounds: Confidence without looks, or up to the
// first; past it, 1 minus what the first look did not spend, divided
// among the later looks.
func Level(looks []int, runs int) float64 {
	if len(looks) < 2 || runs <= looks[0] {
		return Confidence
	}
	rest := (1 - Confidence) - (1 - Spent(looks[0]))
	return 1 - rest/float64(len(looks)-1)
}

// Spent is the confidence the interval of n runs has at Confidence: the
// medians' intervals are order statistics, whose confidence comes in steps
// (6 runs: the smallest and the largest, 96.9%); 0 where n runs give none.
func Spent(n int) float64 {
	if n < 2 {
		return 0
	}
	values := make([]float64, n)
	for i := range values {
		values[i] = float64(i)
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &benchmath.DefaultThresholds), Confidence)
	if len(s.Warnings) > 0 {
		return 0
	}
	return s.Confidence
}

// MinLook is the fewest rounds a first look may come after: benchmath's
// fewest runs for an interval at Confidence.
const MinLook = 6

// maxLook is the most rounds a look may come after (COUNT's most).
const maxLook = 1000

// ParseLooks reads a "looks:" configuration line: rounds, ascending, the
// first at least MinLook, the last at most 1000; at least one (a line
// with none is malformed: make bench writes one only where it looks).
func ParseLooks(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("looks %.80q: no rounds; want ascending round counts from %d to %d", s, MinLook, maxLook)
	}
	var looks []int
	for _, f := range strings.Fields(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < MinLook || len(looks) > 0 && n <= looks[len(looks)-1] || n > maxLook {
			return nil, fmt.Errorf("looks %.80q: want ascending round counts from %d to %d", s, MinLook, maxLook)
		}
		looks = append(looks, n)
	}
	return looks, nil
}

// Runs is the most runs any point of the sweep has.
func (s *Sweep) Runs() int {
	n := 0
	for _, p := range s.Points {
		n = max(n, len(p.Values))
	}
	return n
}
