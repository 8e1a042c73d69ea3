package bench

import (
	"fmt"
	"io"
	"strings"
)

// pageStyle: one column up to 1240 px, two cards a row from 1100 px; no
// web font, no script, nothing loaded.
const pageStyle = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1240px;padding:16px 20px;color:#111;background:#fff;line-height:1.35}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:24px 0 8px}h3{font-size:15px;margin:0 0 6px;overflow-wrap:anywhere}
p.lead{color:#333;max-width:1000px;font-size:14px}
table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}
th,td{padding:3px 7px;white-space:nowrap;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th{background:#f4f4f4;font-weight:600;white-space:normal}
.scroll{overflow-x:auto}td.l,th.l{text-align:left}
table.chapter{font-size:13.5px;width:100%}table.chapter td{text-align:left;white-space:normal}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(590px,1fr));gap:18px}
.card{border:1px solid #ddd;border-radius:6px;padding:12px;overflow:hidden}
.card svg{display:block;max-width:100%;height:auto}
.verdict{font-size:13.5px;margin:6px 0 8px}
.limit{display:inline-block;background:#0072B2;color:#fff;border-radius:3px;padding:0 6px;margin-right:6px;font-size:12px}
.note{font-size:12px;color:#444;margin:4px 0}.warn{color:#9a3a00}
details{margin-top:6px;font-size:12.5px}`

// writeHTML writes the report as one self-contained page: the sections
// (the chapter's table), then a card per sweep with its plot, its verdict,
// its speedup decomposed and its table. Every text that came from the
// input (names, verdicts that quote them) is written through HTMLText:
// Printable, then escaped.
func writeHTML(w io.Writer, as []*Analysis, leftOut []string, sections []Section) error {
	e := HTMLText
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Scaling report</title>\n<style>\n%s\n</style>\n</head>\n<body>\n", pageStyle)
	fmt.Fprintf(w, "<h1>Scaling report</h1>\n<p class=\"lead\">Each workload measured at several worker counts: time per op as medians with 95%% intervals, speedup against %s=1 (the band is its interval; dashed: the ideal, speedup = workers; dotted: the best the workload allows), and the one limit the evidence names. Under each plot, every point's speedup decomposed into factors that multiply to it.</p>\n", sweepKeys[0])
	for _, sec := range sections {
		if err := sec(w, HTML, as); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "<h2>Workloads</h2>\n<div class=\"grid\">\n")
	for _, a := range as {
		fmt.Fprintf(w, "<section class=\"card\">\n<h3>%s</h3>\n", e(a.Title()))
		var b strings.Builder
		fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n", plotW, plotH, plotW, plotH)
		sweepPlot(&b, a, 0, 0, false)
		b.WriteString("</svg>\n")
		io.WriteString(w, b.String())
		fmt.Fprintf(w, "<p class=\"verdict\"><span class=\"limit\">%s</span>%s</p>\n", e(a.Limit.Phrase()), e(a.Verdict()))
		if a.Distrust() != "" {
			fmt.Fprintf(w, "<p class=\"note warn\">Disturbed: %s.</p>\n", e(a.Distrust()))
		}
		for _, warn := range a.Warnings() {
			fmt.Fprintf(w, "<p class=\"note\">Note: %s.</p>\n", e(warn))
		}
		io.WriteString(w, decompositionSVG(a))
		fmt.Fprintf(w, "<div class=\"scroll\"><table>\n<tr><th>%s</th>", e(a.Key))
		for _, h := range headerOf(a) {
			fmt.Fprintf(w, "<th>%s</th>", e(h))
		}
		fmt.Fprintf(w, "</tr>\n")
		for _, r := range a.Rows {
			fmt.Fprintf(w, "<tr><td>%d</td>", r.X)
			for _, c := range rowCells(a, r) {
				fmt.Fprintf(w, "<td>%s</td>", e(c))
			}
			fmt.Fprintf(w, "</tr>\n")
		}
		fmt.Fprintf(w, "</table></div>\n<p class=\"note\">Best allowed: %s.</p>\n", e(a.BestRule()))
		if lines := decomposition(a); len(lines) > 0 {
			fmt.Fprintf(w, "<details><summary>The factors in numbers</summary>\n<ul>\n")
			for _, l := range lines {
				fmt.Fprintf(w, "<li>%s</li>\n", e(l))
			}
			fmt.Fprintf(w, "</ul>\n</details>\n")
		}
		fmt.Fprintf(w, "</section>\n")
	}
	fmt.Fprintf(w, "</div>\n")
	if len(leftOut) > 0 {
		fmt.Fprintf(w, "<h2>Left out</h2>\n<p>Not a positive, finite time per op: not computed on.</p>\n<ul>\n")
		for _, l := range leftOut {
			fmt.Fprintf(w, "<li><code>%s</code></li>\n", e(l))
		}
		fmt.Fprintf(w, "</ul>\n")
	}
	fmt.Fprintf(w, "</body>\n</html>\n")
	return nil
}
