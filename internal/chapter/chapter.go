// Package chapter is what cmd/benchreport adds to package bench's report for
// this repository's own sweeps: the chapter's table (each workload one at a
// time, GOMAXPROCS=1 as the GIL, against in parallel) and the line on where
// futures pay off (pool's BenchmarkGrain, by executor). Package bench knows
// none of these names; they live here.
package chapter

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/futuresbench/futures/bench"
)

// Lesson is one row of the chapter's table: a workload measured one at a
// time (GOMAXPROCS=1: goroutines take turns on one thread, as Python
// threads do under the GIL) and in parallel (GOMAXPROCS = all cores, like a
// process pool), each by its best speedup over the worker sweep.
type Lesson struct {
	Workload      string      // package and benchmark, without the GOMAXPROCS suffix
	One, Parallel bench.Row   // the best row of each sweep
	Procs         int         // the cores of the parallel run
	Limit         bench.Limit // of the parallel sweep
	Kind          LessonKind
	// Disturbed is the title of the sweep whose disturbed points leave
	// the lesson undecided (LessonUndecided).
	Disturbed string
	// Why says why the row is undecided (LessonUndecided): which column,
	// and what its evidence cannot show.
	Why string
	// LimitOpen says the parallel sweep's limit rests on an interval that
	// does not decide it (bench.ClaimLimit, bench.ClaimCores): the row
	// names no limit, it says the limit is not decided yet.
	LimitOpen bool
}

// LessonKind is what a row of the chapter's table teaches.
type LessonKind int

const (
	// LessonUndecided: one of the two columns is not decided: a
	// disturbed point (the base included), or an interval that admits
	// both a gain and none (bench.GainUndecided).
	LessonUndecided LessonKind = iota + 1
	// LessonIOBound: it gains one at a time and in parallel, and waits.
	LessonIOBound
	// LessonCPUBound: taking turns gains nothing, in parallel it does.
	LessonCPUBound
	// LessonNeither: it gains nothing either way.
	LessonNeither
	// LessonWaitsOverlap: it gains one at a time too: it waits.
	LessonWaitsOverlap
	// LessonOverlap: it gains one at a time too, its tasks overlap.
	LessonOverlap
)

// best is the row of a with the highest speedup among its trusted points
// (its base if none is trusted).
func best(a *bench.Analysis) bench.Row {
	top := a.Rows[0]
	for _, r := range a.Rows {
		if r.Trusted() && r.Speedup > top.Speedup {
			top = r
		}
	}
	return top
}

// Lessons pairs every sweep measured at GOMAXPROCS=1 with the same sweep
// measured at more, in the order of the parallel ones.
func Lessons(as []*bench.Analysis) []Lesson {
	ones := map[string]*bench.Analysis{}
	for _, a := range as {
		if a.Procs == 1 {
			ones[a.Pkg+" "+a.BaseName()] = a
		}
	}
	var out []Lesson
	for _, a := range as {
		one, ok := ones[a.Pkg+" "+a.BaseName()]
		if a.Bound <= 1 || !ok {
			continue
		}
		l := Lesson{Workload: a.PkgName() + ": " + a.BaseName(), One: best(one), Parallel: best(a), Procs: a.Bound, Limit: a.Limit}
		l.Kind, l.Disturbed, l.Why = lesson(l, one, a)
		l.LimitOpen = slices.ContainsFunc(a.Undecided(), func(u bench.Undecided) bool {
			return u.Claim == bench.ClaimLimit || u.Claim == bench.ClaimCores
		})
		out = append(out, l)
	}
	return out
}

// lesson reads a row from its two columns. A row states its lesson only
// where both columns are decided (bench.Analysis.Gain): a gain shown by the
// interval's lower end, or no gain shown by its far end within
// bench.SettleMargin; every point of both sweeps trusted, the base
// included. Otherwise it is undecided, and says which column and why.
func lesson(l Lesson, one, par *bench.Analysis) (LessonKind, string, string) {
	for _, a := range []*bench.Analysis{one, par} {
		if slices.ContainsFunc(a.Rows, func(r bench.Row) bool { return !r.Trusted() }) {
			return LessonUndecided, a.Title(), column(a) + a.GainWhy()
		}
	}
	gOne, _ := one.Gain()
	gPar, _ := par.Gain()
	for _, a := range []*bench.Analysis{one, par} {
		if g, _ := a.Gain(); g == bench.GainUndecided {
			return LessonUndecided, "", column(a) + a.GainWhy()
		}
	}
	switch one, par := gOne == bench.GainShown, gPar == bench.GainShown; {
	case l.Limit == bench.LimitWaiting && one && par:
		return LessonIOBound, "", ""
	case !one && par:
		return LessonCPUBound, "", ""
	case !one && !par:
		return LessonNeither, "", ""
	case l.Limit == bench.LimitWaiting:
		return LessonWaitsOverlap, "", ""
	}
	return LessonOverlap, "", ""
}

// column names a sweep's column of the chapter's table.
func column(a *bench.Analysis) string {
	if a.Procs == 1 {
		return "one at a time: "
	}
	return "in parallel: "
}

// Says is the lesson in words.
func (l Lesson) Says() string {
	switch l.Kind {
	case LessonUndecided:
		return "undecided: " + l.Why
	case LessonIOBound:
		return "IO-bound: waits overlap even one at a time, as threads speed up downloads under the GIL"
	case LessonCPUBound:
		if l.Limit == bench.LimitCores {
			return fmt.Sprintf("CPU-bound: taking turns gains nothing (the GIL); %d cores in parallel do (a process pool)", l.Procs)
		}
		return fmt.Sprintf("CPU-bound: taking turns gains nothing (the GIL); %d cores in parallel do (a process pool); limit: %s", l.Procs, l.limit())
	case LessonNeither:
		return fmt.Sprintf("gains nothing either way; limit: %s", l.limit())
	case LessonWaitsOverlap:
		return "gains one at a time too: it waits, and the waits overlap"
	}
	return fmt.Sprintf("gains one at a time too, its tasks overlap; limit: %s", l.limit())
}

// limit is the row's limit in a few words, or that its interval does not
// decide it yet.
func (l Lesson) limit() string {
	if l.LimitOpen {
		return "not decided yet (see the sweep's notes)"
	}
	return l.Limit.Phrase()
}

// lessonCell is a best row as "1.98x [1.91, 2.08] at 2".
func lessonCell(r bench.Row) string {
	return fmt.Sprintf("%s at %d", r.SpeedupCI(), r.X)
}

var lessonHeader = []string{"workload", "one at a time (GOMAXPROCS=1, like the GIL)", "in parallel (all cores, like a process pool)", "lesson"}

// Section is the chapter's table and the grain line, as a section of
// bench.Write: what cmd/benchreport shows before the sweeps.
func Section(w io.Writer, f bench.Format, as []*bench.Analysis) error {
	ls, line := Lessons(as), grainLine(Grains(as))
	switch f {
	case bench.Markdown:
		if len(ls) > 0 {
			fmt.Fprintf(w, "\n## The chapter's table: one at a time against in parallel\n\n")
			fmt.Fprintf(w, "Each workload's sweep, run once with GOMAXPROCS=1 (goroutines take turns on one thread, as Python threads do under the GIL) and once with all cores (in parallel, like a process pool): the best speedup over the worker counts, with its 95%% CI, and where it was reached.\n\n")
			fmt.Fprintf(w, "| %s |\n|---|---:|---:|---|\n", strings.Join(lessonHeader, " | "))
			for _, l := range ls {
				fmt.Fprintf(w, "| %s | %s | %s (%d cores) | %s |\n", bench.MarkdownText(l.Workload), lessonCell(l.One), lessonCell(l.Parallel), l.Procs, bench.MarkdownText(l.Says()))
			}
		}
		if line != "" {
			fmt.Fprintf(w, "\n**%s.**\n", bench.MarkdownText(strings.ToUpper(line[:1])+line[1:]))
		}
	case bench.HTML:
		e := bench.HTMLText
		if len(ls) > 0 {
			fmt.Fprintf(w, "<h2>The chapter's table: one at a time against in parallel</h2>\n")
			fmt.Fprintf(w, "<p class=\"lead\">Each workload's sweep, run once with GOMAXPROCS=1 (goroutines take turns on one thread, as Python threads do under the GIL) and once with all cores (in parallel, like a process pool): the best speedup over the worker counts, with its 95%% CI, and where it was reached.</p>\n")
			fmt.Fprintf(w, "<table class=\"chapter\">\n<tr>")
			for _, h := range lessonHeader {
				fmt.Fprintf(w, "<th class=\"l\">%s</th>", e(h))
			}
			fmt.Fprintf(w, "</tr>\n")
			for _, l := range ls {
				fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td>%s (%d cores)</td><td>%s</td></tr>\n",
					e(l.Workload), e(lessonCell(l.One)), e(lessonCell(l.Parallel)), l.Procs, e(l.Says()))
			}
			fmt.Fprintf(w, "</table>\n")
		}
		if line != "" {
			fmt.Fprintf(w, "<p><strong>%s.</strong></p>\n", e(strings.ToUpper(line[:1])+line[1:]))
		}
	case bench.Text:
		if len(ls) > 0 {
			fmt.Fprintf(w, "The chapter's table: best speedup over the workers (with its 95%% CI, and the worker count)\n")
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, strings.Join(lessonHeader, "\t")+"\t")
			for _, l := range ls {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", bench.Printable(l.Workload), lessonCell(l.One), lessonCell(l.Parallel)+fmt.Sprintf(" (%d cores)", l.Procs), bench.Printable(l.Says()))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w)
		}
		if line != "" {
			fmt.Fprintf(w, "%s\n\n", bench.Printable(line))
		}
	}
	return nil
}

// Grain is what a granularity sweep (pool's
// BenchmarkGrain/work=…/tasks=…/exec=E, declaring its tasks per op) says of
// one executor: what a task that does almost nothing costs it in core time
// at GOMAXPROCS workers, with its 95% interval. That is the executor's own
// cost per task, contention included, plus the tiny task's work; a task of
// PaysOff times it spends 90% of the cores on its own work.
//
// It is read at the smallest task measured, where the executor's cost is
// most of the time: a figure that holds from one quiet run to the next
// (within 2.2x on two runs here, where "the smallest task that reached 90%
// efficiency" moved up to 700x: at this machine's ceiling a static split
// that shares nothing reaches 78-90%, so which task size crossed a hard 90%
// line was noise).
type Grain struct {
	Exec  string
	Procs int
	// Work is the smallest task's time alone: the fastest executor's time
	// per task at one worker.
	Work float64
	// Cost is the core time per task at Procs workers (time per op x
	// Procs / tasks), Lo and Hi its interval.
	Cost, Lo, Hi float64
}

// PaysOff is how many times its cost a task must take to spend 90% of the
// cores' time on its own work.
const PaysOff = 9

// From is the task time from which the executor spends 90% of the cores
// on the work.
func (g Grain) From() float64 { return PaysOff * g.Cost }

// tasksOf is a grain sweep's tasks per op: declared (tasks/op), or from its
// name (tasks=N) in runs made before it was declared.
func tasksOf(a *bench.Analysis, parts []string) float64 {
	if t := a.Rows[0].Evidence.Tasks; t >= 1 {
		return t
	}
	for _, p := range parts {
		if v, ok := strings.CutPrefix(p, "tasks="); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 1 {
				return float64(n)
			}
		}
	}
	return math.NaN()
}

// Grains reads the granularity sweeps of as, one Grain per executor, in
// the order the executors first appear.
func Grains(as []*bench.Analysis) []Grain {
	type sweep struct {
		exec, size string
		tasks      float64
		a          *bench.Analysis
		at         bench.Row
	}
	var sweeps []sweep
	work := map[string]float64{} // size -> the fastest time per task at one worker
	for _, a := range as {
		parts := strings.Split(a.BaseName(), "/")
		exec, size := "", ""
		for _, part := range parts[1:] {
			if v, ok := strings.CutPrefix(part, "exec="); ok {
				exec = v
			} else {
				size += "/" + part
			}
		}
		tasks := tasksOf(a, parts)
		if parts[0] != "Grain" || !(tasks >= 1) || exec == "" || a.Base != 1 || a.Bound < 2 {
			continue
		}
		at := a.Row(a.Bound)
		if at.X != a.Bound {
			continue
		}
		sweeps = append(sweeps, sweep{exec, size, tasks, a, at})
		if t, ok := work[size]; !ok || a.Rows[0].Median/tasks < t {
			work[size] = a.Rows[0].Median / tasks
		}
	}
	smallest, least := "", math.Inf(1)
	for size, t := range work {
		if t < least || t == least && size < smallest {
			smallest, least = size, t
		}
	}
	var out []Grain
	for _, s := range sweeps {
		if s.size != smallest {
			continue
		}
		p := float64(s.a.Bound)
		out = append(out, Grain{Exec: s.exec, Procs: s.a.Bound, Work: least,
			Cost: s.at.Median * p / s.tasks, Lo: s.at.Lo * p / s.tasks, Hi: s.at.Hi * p / s.tasks})
	}
	return out
}

// grainLine is the report's sentence on where futures pay off.
func grainLine(gs []Grain) string {
	if len(gs) == 0 {
		return ""
	}
	var costs, from []string
	for _, g := range gs {
		c := g.Exec + " " + bench.Seconds(g.Cost)
		if !math.IsNaN(g.Lo) && !math.IsNaN(g.Hi) {
			c += fmt.Sprintf(" [%s, %s]", bench.Seconds(g.Lo), bench.Seconds(g.Hi))
		}
		costs = append(costs, c)
		from = append(from, fmt.Sprintf("%s from ~%s", g.Exec, bench.Seconds(g.From())))
	}
	return fmt.Sprintf("where futures pay off: on this machine, at %d workers, a task that does almost nothing (~%s alone) costs %s of core time; a task %dx that long spends 90%% of the cores on its own work: %s (Python's ThreadPoolExecutor costs 15-20µs a task before any work)",
		gs[0].Procs, bench.Seconds(gs[0].Work), strings.Join(costs, ", "), PaysOff, strings.Join(from, ", "))
}

// Decided reports whether every row of the chapter's table that as make
// states its lesson: none is LessonUndecided. A run that goes on looking
// until its table is decided (make bench) asks this beside bench.Settled.
func Decided(as []*bench.Analysis) bool {
	return !slices.ContainsFunc(Lessons(as), func(l Lesson) bool { return l.Kind == LessonUndecided })
}
