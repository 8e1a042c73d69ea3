package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// palette holds distinguishable colours for the series (Okabe-Ito).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"}

// WriteSVG plots the speedup of every sweep against its worker count, both
// axes in powers of two, with the ideal line speedup = workers. It is drawn
// by hand: a line chart with a legend is ~100 lines of SVG, where a plotting
// library (gonum/plot) would bring a dozen modules and fonts for it.
func WriteSVG(w io.Writer, as []*Analysis) error {
	const (
		width, height = 820, 480
		left, right   = 60, 300 // the legend sits on the right
		top, bottom   = 30, 50
	)
	maxX, maxY := 1.0, 1.0
	for _, a := range as {
		for _, r := range a.Rows {
			maxX = math.Max(maxX, float64(r.X))
			if !math.IsNaN(r.Speedup) && !math.IsInf(r.Speedup, 0) {
				maxY = math.Max(maxY, r.Speedup)
			}
		}
	}
	maxY = math.Max(maxY, maxX) // room for the ideal line
	lx, ly := math.Ceil(math.Log2(maxX)), math.Ceil(math.Log2(maxY))
	lx, ly = math.Max(lx, 1), math.Max(ly, 1)
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	px := func(x float64) float64 { return left + pw*math.Log2(x)/lx }
	py := func(y float64) float64 {
		y = math.Max(y, 0.5)
		return top + ph*(1-math.Log2(y)/ly)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">Speedup against workers (log2 axes); dashed: ideal</text>`+"\n", left)
	// Grid and ticks at powers of two.
	for i := 0.0; i <= lx; i++ {
		x := px(math.Exp2(i))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%g</text>`+"\n",
			x, top, x, height-bottom, x, height-bottom+16, math.Exp2(i))
	}
	for i := 0.0; i <= ly; i++ {
		y := py(math.Exp2(i))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%g×</text>`+"\n",
			left, y, float64(left)+pw, y, left-6, y+4, math.Exp2(i))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">workers (or concurrent requests)</text>`+"\n", float64(left)+pw/2, height-12)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-dasharray="5,4"/>`+"\n",
		px(1), py(1), px(maxX), py(maxX))
	for i, a := range as {
		color := palette[i%len(palette)]
		var pts []string
		for _, r := range a.Rows {
			if math.IsNaN(r.Speedup) || math.IsInf(r.Speedup, 0) || r.Speedup <= 0 {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(r.X)), py(r.Speedup)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", color, strings.Join(pts, " "))
		for _, p := range pts {
			xy := strings.Split(p, ",")
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], color)
		}
		ly := top + 10 + 18*i
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/><text x="%d" y="%d">%s</text>`+"\n",
			width-right+15, ly, width-right+35, ly, color, width-right+40, ly+4, html.EscapeString(shorten(a.Title(), 34)))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
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
