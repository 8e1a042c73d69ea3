package bench

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// fmtSec formats seconds with 3 significant digits and a unit.
func fmtSec(s float64) string {
	// The unit is chosen on the value rounded to 3 significant digits,
	// so that 999.8ns reads 1µs, never 1e+03ns.
	r, err := strconv.ParseFloat(strconv.FormatFloat(s, 'g', 3, 64), 64)
	if err != nil {
		r = s
	}
	switch {
	case math.IsNaN(s):
		return "n/a"
	case r >= 1:
		return strconv.FormatFloat(s, 'g', 3, 64) + "s"
	case r >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'g', 3, 64) + "ms"
	case r >= 1e-6:
		return strconv.FormatFloat(s*1e6, 'g', 3, 64) + "µs"
	}
	return strconv.FormatFloat(s*1e9, 'g', 3, 64) + "ns"
}

// pctCI is the half-width of the interval as a percentage of the median,
// as benchstat prints it.
func pctCI(r Row) string {
	if math.IsNaN(r.Lo) || math.IsNaN(r.Hi) {
		return "± ∞"
	}
	half := math.Max(r.Hi-r.Median, r.Median-r.Lo) / r.Median
	return fmt.Sprintf("± %.0f%%", 100*half)
}

func fmtX(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", x)
}

func speedupCI(r Row) string {
	if math.IsNaN(r.SpeedupLo) {
		return fmtX(r.Speedup)
	}
	return fmt.Sprintf("%s [%.2f, %.2f]", fmtX(r.Speedup), r.SpeedupLo, r.SpeedupHi)
}

func pct(f float64) string {
	if math.IsNaN(f) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// Title names an analysed sweep: its package as shown (PkgName) and its
// name.
func (a *Analysis) Title() string { return a.PkgName() + ": " + a.Name }

// PkgName is the sweep's package as the report shows it: PkgShort, or,
// for a sweep made by hand, the package's last element.
func (s *Sweep) PkgName() string {
	if s.PkgShort != "" {
		return s.PkgShort
	}
	return path.Base(s.Pkg)
}

// Format is an output format of the report.
type Format string

const (
	Text     Format = "text"
	Markdown Format = "markdown"
	CSV      Format = "csv"
	JSON     Format = "json" // the model (JSONReport)
	HTML     Format = "html" // one self-contained page, inline SVG, no script
	BMF      Format = "bmf"  // Bencher Metric Format (NewBMF): needs the samples, not only the sweeps
	// GABSmaller and GABBigger are github-action-benchmark's
	// customSmallerIsBetter and customBiggerIsBetter (NewGAB).
	GABSmaller Format = "gab-smaller"
	GABBigger  Format = "gab-bigger"
)

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, Markdown, CSV, JSON, HTML, BMF, GABSmaller, GABBigger:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: want text, markdown, csv, json, html, bmf, gab-smaller or gab-bigger", s)
}

var header = []string{"time/op (median)", "95% CI", "speedup [95% CI]", "efficiency", "of best"}

// cpuHeader is added where the runs reported their CPU time (package sweep).
var cpuHeader = []string{"cpu/op", "cpu share"}

// hasCPU reports whether any point of a carries its CPU time.
func hasCPU(a *Analysis) bool {
	return slices.ContainsFunc(a.Rows, func(r Row) bool { return !math.IsNaN(r.CPU) })
}

func headerOf(a *Analysis) []string {
	h := slices.Clone(header)
	if hasCPU(a) {
		h = append(h, cpuHeader...)
	}
	return h
}

// A Section is a block of a report written before the sweeps, in the
// format: a program adds its own (cmd/benchreport, the chapter's table).
type Section func(w io.Writer, f Format, as []*Analysis) error

// Banner is a Section that says one line at the top of the report, in its
// format (a run cut short says so).
func Banner(line string) Section {
	return func(w io.Writer, f Format, _ []*Analysis) error {
		var err error
		switch f {
		case Markdown:
			_, err = fmt.Fprintf(w, "\n> **%s**\n", MarkdownText(line))
		case HTML:
			_, err = fmt.Fprintf(w, "<p class=\"note warn\"><strong>%s</strong></p>\n", HTMLText(line))
		case Text:
			_, err = fmt.Fprintf(w, "%s\n\n", Printable(line))
		}
		return err
	}
}

// Write writes the report of the analyses in the format, with the sections
// before the sweeps (text and markdown). leftOut names the results that
// were not computed on (Data.Bad), said after the report in text and
// markdown. The first error writing to w is returned, whatever the format.
func Write(w io.Writer, f Format, as []*Analysis, leftOut []string, sections ...Section) error {
	ew := &errWriter{w: w}
	var err error
	switch f {
	case Markdown:
		err = writeMarkdown(ew, as, sections)
		if len(leftOut) > 0 {
			fmt.Fprintf(ew, "\n## Left out\n\nNot a positive, finite time per op: not computed on.\n\n")
			for _, l := range leftOut {
				fmt.Fprintf(ew, "- %s\n", MarkdownText(l))
			}
		}
	case CSV:
		err = writeCSV(ew, as)
	case JSON:
		err = WriteJSON(ew, as, leftOut)
	case HTML:
		err = writeHTML(ew, as, leftOut, sections)
	case BMF, GABSmaller, GABBigger:
		return fmt.Errorf("bench: the %s format is written from the samples: NewBMF", f)
	default:
		err = writeText(ew, as, sections)
		for _, l := range leftOut {
			fmt.Fprintf(ew, "left out (not a positive, finite time per op): %s\n", Printable(l))
		}
	}
	return cmp.Or(err, ew.err)
}

// errWriter keeps the first error of its writes and makes every later
// write fail with it, so that a report written with fmt.Fprintf all along
// still returns a failed write (a full disk, a closed pipe).
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// rowCells are the cells of one row; a disturbed point's "of best" carries
// a "!" that the notes below the table explain.
func rowCells(a *Analysis, r Row) []string {
	ofBest := pct(r.OfBest)
	if !r.Trusted() {
		ofBest += " !"
	}
	cells := []string{fmtSec(r.Median), pctCI(r), speedupCI(r), pct(r.Efficiency), ofBest}
	if hasCPU(a) {
		cells = append(cells, fmtSec(r.CPU), pct(r.CPUShare))
	}
	return cells
}

func writeText(w io.Writer, as []*Analysis, sections []Section) error {
	for _, sec := range sections {
		if err := sec(w, Text, as); err != nil {
			return err
		}
	}
	for i, a := range as {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n", Printable(a.Title()))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t%s\t\n", a.Key, strings.Join(headerOf(a), "\t"))
		for _, r := range a.Rows {
			fmt.Fprintf(tw, "%d\t%s\t\n", r.X, strings.Join(rowCells(a, r), "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "best allowed: %s\n", a.BestRule())
		for _, line := range decomposition(a) {
			fmt.Fprintf(w, "  %s\n", Printable(line))
		}
		fmt.Fprintf(w, "verdict: %s\n", Printable(a.Verdict()))
		if a.Distrust() != "" {
			fmt.Fprintf(w, "! %s\n", Printable(a.Distrust()))
		}
		for _, warn := range a.Warnings() {
			fmt.Fprintf(w, "note: %s\n", Printable(warn))
		}
	}
	return nil
}

func writeMarkdown(w io.Writer, as []*Analysis, sections []Section) error {
	fmt.Fprintf(w, "# Scaling report\n\nTimes are medians over the runs, with 95%% confidence intervals; speedup is against %s=1 (interval: from the two intervals, conservative); efficiency is speedup per worker; \"of best\" is the best time the workload allows divided by the time measured (\"!\": a disturbed point, named below its table); \"cpu share\" is the CPU time the process got per op over the time per op times the cores it could use. Under each table the speedup of every point is decomposed into factors that multiply to it: the cores (min(w, cores) over the base's), the surplus (CPU beyond the workers, such as the collector, at the base), the time other processes took while its threads waited to run (machine), the time the cores sat idle while goroutines waited on locks (lock) or for any other reason (idle: IO, sleep, channels, a serial part, a long task), and the CPU per op of the base over the point's (work: below 1, each op costs more CPU). The verdict names the one limit the evidence shows.\n", sweepKeys[0])
	for _, sec := range sections {
		if err := sec(w, Markdown, as); err != nil {
			return err
		}
	}
	for _, a := range as {
		fmt.Fprintf(w, "\n## %s\n\n", MarkdownText(a.Title()))
		fmt.Fprintf(w, "**%s**\n\n", MarkdownText(a.Verdict()))
		h := headerOf(a)
		fmt.Fprintf(w, "| %s | %s |\n", a.Key, strings.Join(h, " | "))
		fmt.Fprintf(w, "|---:|%s\n", strings.Repeat("---:|", len(h)))
		for _, r := range a.Rows {
			fmt.Fprintf(w, "| %d | %s |\n", r.X, strings.Join(rowCells(a, r), " | "))
		}
		fmt.Fprintf(w, "\nBest allowed: %s.\n", MarkdownText(a.BestRule()))
		if lines := decomposition(a); len(lines) > 0 {
			fmt.Fprintf(w, "\nSpeedup, decomposed:\n\n")
			for _, line := range lines {
				fmt.Fprintf(w, "- %s\n", MarkdownText(line))
			}
		}
		if a.Distrust() != "" {
			fmt.Fprintf(w, "\n**Disturbed:** %s.\n", MarkdownText(a.Distrust()))
		}
		for _, warn := range a.Warnings() {
			fmt.Fprintf(w, "\nNote: %s.\n", MarkdownText(warn))
		}
	}
	return nil
}

func writeCSV(w io.Writer, as []*Analysis) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"pkg", "name", "key", "x", "runs", "median_s", "lo_s", "hi_s",
		"speedup", "speedup_lo", "speedup_hi", "efficiency", "best_s", "of_best",
		"cpu_s", "cpu_share", "others_s", "runq_s", "lockwait_s", "gc_s", "schedwait_s", "tasks",
		"share_used", "share_machine", "share_lock", "share_idle", "share_surplus",
		"f_ideal", "f_surplus", "f_machine", "f_lock", "f_idle", "f_work", "f_work_lo", "f_work_hi",
		"disturbed", "limit", "limit_at"})
	g := func(f float64) string {
		if math.IsNaN(f) {
			return ""
		}
		return strconv.FormatFloat(f, 'g', 6, 64)
	}
	for _, a := range as {
		for _, r := range a.Rows {
			cw.Write([]string{a.Pkg, a.Name, a.Key, strconv.Itoa(r.X), strconv.Itoa(r.Runs),
				g(r.Median), g(r.Lo), g(r.Hi), g(r.Speedup), g(r.SpeedupLo), g(r.SpeedupHi),
				g(r.Efficiency), g(r.Best), g(r.OfBest), g(r.CPU), g(r.CPUShare),
				g(r.Evidence.Others), g(r.Evidence.Runq), g(r.Evidence.Lock), g(r.Evidence.GC), g(r.Evidence.Sched), g(r.Evidence.Tasks),
				g(r.Shares.Used), g(r.Shares.Machine), g(r.Shares.Lock), g(r.Shares.Idle), g(r.Shares.Surplus),
				g(r.Factors.Ideal), g(r.Factors.Surplus), g(r.Factors.Machine), g(r.Factors.Lock), g(r.Factors.Idle), g(r.Factors.Work), g(r.Factors.WorkLo), g(r.Factors.WorkHi),
				a.disturbedWords(r), a.Limit.String(), strconv.Itoa(a.At)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// decomposition is a line per point past the base: its speedup as the
// product of its factors. None where the runs carry no CPU time.
func decomposition(a *Analysis) []string {
	var out []string
	for _, r := range a.Rows[1:] {
		f := r.Factors
		if math.IsNaN(f.Work) {
			continue
		}
		work := fmt.Sprintf("%.2f", f.Work)
		if !math.IsNaN(f.WorkLo) {
			work += fmt.Sprintf(" [%.2f, %.2f]", f.WorkLo, f.WorkHi)
		}
		out = append(out, fmt.Sprintf("%s=%d: %.2fx = %.2f cores × %.2f surplus × %.2f machine × %.2f lock × %.2f idle × %s work (of its core time: used %s, machine %s, lock %s, idle %s)",
			a.Key, r.X, r.Speedup, f.Ideal, f.Surplus, f.Machine, f.Lock, f.Idle, work,
			pct(r.Shares.Used), pct(r.Shares.Machine), pct(r.Shares.Lock), pct(r.Shares.Idle)))
	}
	return out
}

// Printable is s with every character that is not printed as itself
// escaped as Go escapes it in a string literal: a newline, a carriage
// return, a terminal's escape sequence, a Unicode line separator or
// direction override, invalid UTF-8 ("\n", "\r", "\x1b", "\u2028",
// "\u202e", "\xff"). A name or a commit line (the input's, or a
// profile's) then prints as one line of its own report line, and moves no
// cursor: the text, markdown and terminal outputs write every such string
// through it, and the HTML through HTMLText; the JSON escapes them its own
// way.
func Printable(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && len(s[i:]) > 0 && !validAt(s, i):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// validAt reports whether s holds a valid rune at i (a real U+FFFD is one).
func validAt(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError || n > 1
}

// MarkdownText is s as markdown text: Printable, with HTML's special
// characters escaped (a name holding "<script>" is text, not markup), and
// the punctuation of code, emphasis, links and table cells escaped ("[x](javascript:...)" is
// no link).
func MarkdownText(s string) string {
	return mdEscaper.Replace(Printable(s))
}

// HTMLText is s as HTML text: Printable (a terminal's escape in a name is
// written "\x1b", as the text report writes it, never raw, where a page
// saved or piped to a terminal would run it), then HTML-escaped. The HTML
// report and its SVG write every text from the input through it.
func HTMLText(s string) string {
	return html.EscapeString(Printable(s))
}

// mdEscaper escapes what markdown would read as markup: HTML's special
// characters as entities, and the punctuation that makes code, emphasis,
// links and table cells with a backslash (CommonMark renders "\*" as "*").
var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
	"\\", "\\\\", "`", "\\`", "|", "\\|", "*", "\\*", "](", "\\](")
