package benchrun

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws one line: redrawn in place on a terminal, a line a step
// in a log. It says the round, the step, the time so far and an estimate
// of the time left to the rounds planned (the next look, for a looking
// run): each process as long as it took in the round before (no estimate
// until every kind of process has run once).
type progress struct {
	w      io.Writer
	name   string
	tty    bool
	start  time.Time
	took   map[string]time.Duration
	rounds int    // planned
	left   []Step // the steps of this round not yet done
	steps  []Step // the steps of this round
	r      int
	done   int // steps done in every round
	line   int // width of the last line drawn
	width  int // the terminal's columns: a longer line would wrap, and redraw below itself
}

func newProgress(w io.Writer, name string, tty bool, took map[string]time.Duration) *progress {
	return &progress{w: w, name: name, tty: tty, start: time.Now(), took: took}
}

func (p *progress) round(r, planned int, steps []Step) {
	p.r, p.rounds, p.left, p.steps = r, planned, steps, steps
}

func (p *progress) step(st Step) {
	what := st.Suite.Label
	if st.Side != One {
		what = string(st.Side) + " " + what
	}
	// The share done, of the steps planned: this round's left, and as
	// many as this round's a round to the rounds planned.
	planned := p.done + len(p.left) + len(p.steps)*max(p.rounds-p.r, 0)
	pct := 100 * p.done / max(planned, 1)
	bar := ""
	if p.tty {
		const width = 20
		bar = "[" + strings.Repeat("#", pct*width/100) + strings.Repeat(".", width-pct*width/100) + "] "
	}
	// The label last: on a narrow terminal it is what is cut.
	left := ""
	if d, ok := p.eta(); ok {
		left = ", ~" + roundSecs(d) + " left"
	}
	line := fmt.Sprintf("%s: %s%3d%% %s%s; round %d/%d [%d/%d] GOMAXPROCS=%d %s", p.name, bar, pct, roundSecs(time.Since(p.start)), left, p.r, p.rounds, len(p.steps)-len(p.left)+1, len(p.steps), st.Procs, what)
	p.draw(line)
}

func (p *progress) stepDone(Step) {
	p.done++
	if len(p.left) > 0 {
		p.left = p.left[1:]
	}
}

// eta is the time the steps left in this round and the rounds planned
// after it should take; false until every kind of step has run once.
func (p *progress) eta() (time.Duration, bool) {
	var round, left time.Duration
	for _, st := range p.left {
		d, ok := p.took[st.key()]
		if !ok {
			return 0, false
		}
		left += d
	}
	if p.r < p.rounds {
		if round = p.roundTime(); round == 0 {
			return 0, false
		}
	}
	return left + time.Duration(max(p.rounds-p.r, 0))*round, true
}

// roundTime is a round like this one's time, as the processes took it
// last; 0 if one has not run yet.
func (p *progress) roundTime() time.Duration {
	var d time.Duration
	for _, st := range p.steps {
		t, ok := p.took[st.key()]
		if !ok {
			return 0
		}
		d += t
	}
	return d
}

func (p *progress) draw(line string) {
	if !p.tty {
		fmt.Fprintln(p.w, line)
		return
	}
	if p.width > 1 && len(line) >= p.width {
		line = line[:p.width-1]
	}
	pad := max(p.line-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%*s", line, pad, "")
	p.line = len(line)
}

// finish ends the line.
func (p *progress) finish(msg string) {
	if p.tty {
		pad := max(p.line-len(msg), 0)
		fmt.Fprintf(p.w, "\r%s%*s\n", msg, pad, "")
		return
	}
	fmt.Fprintln(p.w, msg)
}

func roundSecs(d time.Duration) string { return d.Round(time.Second).String() }
