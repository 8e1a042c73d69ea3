package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Okabe-Ito: eight colours told apart with every common colour-vision
// deficiency (Okabe & Ito, "Color Universal Design", 2008).
const (
	oiBlack     = "#000000"
	oiOrange    = "#E69F00"
	oiSky       = "#56B4E9"
	oiGreen     = "#009E73"
	oiBlue      = "#0072B2"
	oiVermilion = "#D55E00"
	oiPurple    = "#CC79A7"
)

// The plots are drawn by hand: a small line chart is ~100 lines of SVG,
// where a plotting library (gonum/plot) would bring a dozen modules and
// fonts for it.

// plotW and plotH are the size of one sweep's plot.
const plotW, plotH = 400, 250

// bestSpeedup is the speedup the best time allows at row i: the base's time
// over the best at i (NaN where no bound applies).
func bestSpeedup(a *Analysis, i int) float64 {
	return a.Rows[0].Median / a.Rows[i].Best
}

// sweepPlot draws one sweep: speedup against workers on log2 axes, the 95%
// interval as a band, the ideal line (speedup = workers / base), the best
// the workload allows, and the measured medians (hollow where the point is
// disturbed). x and y place it inside a larger SVG; title says whether it
// carries its sweep's name (the page names it in a heading instead).
func sweepPlot(b *strings.Builder, a *Analysis, x, y int, title bool) {
	const left, right, top, bottom = 44, 12, 26, 56
	minX, maxX := float64(a.Rows[0].X), float64(a.Rows[0].X)
	minY, maxY := 1.0, 1.0
	grow := func(v float64) {
		if finitePositive(v) {
			minY, maxY = math.Min(minY, v), math.Max(maxY, v)
		}
	}
	for i, r := range a.Rows {
		maxX = math.Max(maxX, float64(r.X))
		grow(r.Speedup)
		grow(r.SpeedupLo)
		grow(r.SpeedupHi)
		grow(bestSpeedup(a, i))
	}
	grow(maxX / minX)
	lx0, lx1 := math.Floor(math.Log2(minX)), math.Ceil(math.Log2(maxX))
	ly0, ly1 := math.Floor(math.Log2(minY)), math.Ceil(math.Log2(maxY))
	lx1, ly1 = math.Max(lx1, lx0+1), math.Max(ly1, ly0+1)
	pw, ph := float64(plotW-left-right), float64(plotH-top-bottom)
	px := func(v float64) float64 { return left + pw*(math.Log2(v)-lx0)/(lx1-lx0) }
	py := func(v float64) float64 { return top + ph*(1-(math.Log2(v)-ly0)/(ly1-ly0)) }

	fmt.Fprintf(b, `<svg x="%d" y="%d" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="speedup of %s">`+"\n",
		x, y, plotW, plotH, plotW, plotH, HTMLText(a.Title()))
	if title {
		fmt.Fprintf(b, `<text x="%d" y="16" font-size="13" font-weight="bold">%s</text>`+"\n", left-36, HTMLText(shorten(Printable(a.Title()), 56)))
	}
	for i := lx0; i <= lx1; i++ {
		v := px(math.Exp2(i))
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#e4e4e4"/><text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%g</text>`+"\n",
			v, top, v, top+ph, v, top+ph+14, math.Exp2(i))
	}
	for i := ly0; i <= ly1; i++ {
		v := py(math.Exp2(i))
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e4e4e4"/><text x="%d" y="%.1f" text-anchor="end" font-size="11">%g×</text>`+"\n",
			left, v, left+pw, v, left-4, v+4, math.Exp2(i))
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%s</text>`+"\n", left+pw/2, top+ph+27, HTMLText(a.Key))

	// The band: drawn only where every point has an interval.
	band := true
	for _, r := range a.Rows {
		band = band && finitePositive(r.SpeedupLo) && finitePositive(r.SpeedupHi)
	}
	if band {
		var pts []string
		for _, r := range a.Rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(r.X)), py(r.SpeedupHi)))
		}
		for i := len(a.Rows) - 1; i >= 0; i-- {
			r := a.Rows[i]
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(r.X)), py(r.SpeedupLo)))
		}
		fmt.Fprintf(b, `<polygon class="ci" fill="%s" fill-opacity="0.25" stroke="none" points="%s"/>`+"\n", oiBlue, strings.Join(pts, " "))
	}
	fmt.Fprintf(b, `<line class="ideal" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#777" stroke-dasharray="5,4"/>`+"\n",
		px(minX), py(1), px(maxX), py(maxX/minX))
	var best, meds []string
	for i, r := range a.Rows {
		if s := bestSpeedup(a, i); finitePositive(s) {
			best = append(best, fmt.Sprintf("%.1f,%.1f", px(float64(r.X)), py(s)))
		}
		if finitePositive(r.Speedup) {
			meds = append(meds, fmt.Sprintf("%.1f,%.1f", px(float64(r.X)), py(r.Speedup)))
		}
	}
	if len(best) > 1 {
		fmt.Fprintf(b, `<polyline class="best" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="2,3" points="%s"/>`+"\n", oiVermilion, strings.Join(best, " "))
	}
	fmt.Fprintf(b, `<polyline class="speedup" fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", oiBlue, strings.Join(meds, " "))
	for _, r := range a.Rows {
		if !finitePositive(r.Speedup) {
			continue
		}
		fill := oiBlue
		if !r.Trusted() {
			fill = "white"
		}
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s" stroke="%s"><title>%s=%d: %s</title></circle>`+"\n",
			px(float64(r.X)), py(r.Speedup), fill, oiBlue, HTMLText(a.Key), r.X, HTMLText(speedupCI(r)))
	}
	// The legend, one line under the axis.
	ly := plotH - 9
	fmt.Fprintf(b, `<g font-size="10"><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/><text x="%d" y="%d">speedup</text>`,
		left, ly, left+14, ly, oiBlue, left+17, ly+3)
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="14" height="8" fill="%s" fill-opacity="0.25"/><text x="%d" y="%d">95%% CI</text>`,
		left+70, ly-4, oiBlue, left+87, ly+3)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#777" stroke-dasharray="5,4"/><text x="%d" y="%d">ideal</text>`,
		left+132, ly, left+146, ly, left+149, ly+3)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="2,3"/><text x="%d" y="%d">best allowed</text></g>`+"\n",
		left+185, ly, left+199, ly, oiVermilion, left+202, ly+3)
	b.WriteString("</svg>\n")
}

// WriteSVG draws every sweep's plot, small multiples in a grid three wide:
// each with its own axes, its 95% interval, the ideal and the best allowed.
func WriteSVG(w io.Writer, as []*Analysis) error {
	const cols = 3
	rows := (len(as) + cols - 1) / cols
	width, height := cols*plotW, max(rows, 1)*plotH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n", width, height, width, height)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	for i, a := range as {
		sweepPlot(&b, a, (i%cols)*plotW, (i/cols)*plotH, true)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// factorColours: one per factor of the decomposition.
var factorColours = []struct{ name, colour string }{
	{"cores", oiSky},         // min(w, cores) over the base's
	{"surplus", oiGreen},     // CPU beyond the workers (the collector), against the base
	{"machine", oiVermilion}, // other processes took the cores
	{"lock", oiPurple},       // idle while goroutines waited on locks
	{"idle", oiOrange},       // idle for any other reason: IO, sleep, a serial part, a long task
	{"work", oiBlue},         // CPU per op of the base over the point's
}

// decompositionSVG draws each point's speedup as a walk on a log axis from
// 1×: the cores carry it right, each loss takes it left (a gain right),
// and it ends at the measured speedup (the black tick). "" where no point
// carries its factors.
func decompositionSVG(a *Analysis) string {
	type step struct {
		factor int
		from   float64
		to     float64
	}
	var rows [][]step
	var xs []Row
	lo, hi := 0.0, 0.0
	for _, r := range a.Rows[1:] {
		f := r.Factors
		vals := []float64{f.Ideal, f.Surplus, f.Machine, f.Lock, f.Idle, f.Work}
		ok := true
		for _, v := range vals {
			ok = ok && finitePositive(v)
		}
		if !ok {
			continue
		}
		var steps []step
		cur := 0.0
		for i, v := range vals {
			next := cur + math.Log2(v)
			steps = append(steps, step{i, cur, next})
			lo, hi = math.Min(lo, math.Min(cur, next)), math.Max(hi, math.Max(cur, next))
			cur = next
		}
		rows = append(rows, steps)
		xs = append(xs, r)
	}
	if len(rows) == 0 {
		return ""
	}
	lo, hi = math.Floor(lo), math.Ceil(math.Max(hi, lo+1))
	const left, right, top, rowH = 64, 16, 8, 20
	width := plotW + 160
	height := top + rowH*len(rows) + 58
	pw := float64(width - left - right)
	px := func(v float64) float64 { return left + pw*(v-lo)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="decomposition" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" role="img" aria-label="speedup decomposed">`+"\n", width, height, width, height)
	for v := lo; v <= hi; v++ {
		x := px(v)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e4e4"/><text x="%.1f" y="%d" text-anchor="middle" font-size="10">%g×</text>`+"\n",
			x, top, x, top+rowH*len(rows), x, top+rowH*len(rows)+12, math.Exp2(v))
	}
	for i, steps := range rows {
		y := top + rowH*i
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="11">%s=%d</text>`+"\n", left-6, y+14, HTMLText(a.Key), xs[i].X)
		for _, s := range steps {
			if math.Abs(s.to-s.from) < 1e-9 {
				continue
			}
			c := factorColours[s.factor]
			x0, x1 := px(math.Min(s.from, s.to)), px(math.Max(s.from, s.to))
			// The cores' bar is the full row, light; the factors that
			// follow walk over it, narrower, so that both show.
			y0, h, op := y+2, rowH-4, 0.5
			if s.factor > 0 {
				y0, h, op = y+6, rowH-12, 1
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" fill-opacity="%g"><title>%s ×%.2f</title></rect>`+"\n",
				x0, y0, math.Max(x1-x0, 0.5), h, c.colour, op, c.name, math.Exp2(s.to-s.from))
		}
		end := px(steps[len(steps)-1].to)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="2"><title>measured %s</title></line>`+"\n",
			end, y+1, end, y+rowH-1, oiBlack, html.EscapeString(fmtX(xs[i].Speedup)))
	}
	ly := top + rowH*len(rows) + 30
	for i, c := range factorColours {
		x := left + i*78
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="10">%s</text>`+"\n", x, ly, c.colour, x+13, ly+9, c.name)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10">from 1×: the cores carry each bar right, each loss takes it left; the black tick is the measured speedup</text>`+"\n", left, ly+24)
	b.WriteString("</svg>\n")
	return b.String()
}

// shorten keeps the package and the end of a long title, where sweeps of
// one benchmark differ ("flags: …n=32/mode=async-2").
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	pkg, _, _ := strings.Cut(s, ": ")
	keep := n - len([]rune(pkg)) - 3
	if keep < 8 {
		return "…" + string(r[len(r)-n+1:])
	}
	return pkg + ": …" + string(r[len(r)-keep:])
}
