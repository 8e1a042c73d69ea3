// Package chapter is what cmd/benchreport adds to package bench's report for
// this repository's own sweeps: the chapter's table (each workload one at a
// time, GOMAXPROCS=1 as the GIL, against in parallel) and the line on where
// futures pay off (pool's BenchmarkGrain, by executor). Package bench knows
// none of these names; they live here.
package chapter

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"path"
	"slices"
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
	Says          string      // the lesson in words
}

// best is the row of a with the highest speedup among its trusted points
// (its base if none is trusted).
func best(a *bench.Analysis) bench.Row {
	top := a.Rows[0]
	for _, r := range a.Rows {
		if r.Disturbed == "" && r.Speedup > top.Speedup {
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
		l := Lesson{Workload: path.Base(a.Pkg) + ": " + a.BaseName(), One: best(one), Parallel: best(a), Procs: a.Bound, Limit: a.Limit}
		l.Says = lesson(l, one, a)
		out = append(out, l)
	}
	return out
}

func lesson(l Lesson, one, par *bench.Analysis) string {
	for _, a := range []*bench.Analysis{one, par} {
		if a.Distrust != "" && slices.ContainsFunc(a.Rows[1:], func(r bench.Row) bool { return r.Disturbed != "" }) {
			return fmt.Sprintf("cannot tell: disturbed points in %s (see its notes)", a.Title())
		}
	}
	switch one, par := l.One.Gains(), l.Parallel.Gains(); {
	case l.Limit == bench.LimitWaiting && one && par:
		return "IO-bound: waits overlap even one at a time, as threads speed up downloads under the GIL"
	case !one && par && l.Limit == bench.LimitCores:
		return fmt.Sprintf("CPU-bound: taking turns gains nothing (the GIL); %d cores in parallel do (a process pool)", l.Procs)
	case !one && par:
		return fmt.Sprintf("CPU-bound: taking turns gains nothing (the GIL); %d cores in parallel do (a process pool); limit: %s", l.Procs, l.Limit.Phrase())
	case !one && !par:
		return fmt.Sprintf("gains nothing either way; limit: %s", l.Limit.Phrase())
	case l.Limit == bench.LimitWaiting:
		return "gains one at a time too: it waits, and the waits overlap"
	}
	return fmt.Sprintf("gains one at a time too, its tasks overlap; limit: %s", l.Limit.Phrase())
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
				fmt.Fprintf(w, "| %s | %s | %s (%d cores) | %s |\n", l.Workload, lessonCell(l.One), lessonCell(l.Parallel), l.Procs, l.Says)
			}
		}
		if line != "" {
			fmt.Fprintf(w, "\n**%s.**\n", strings.ToUpper(line[:1])+line[1:])
		}
	case bench.HTML:
		e := html.EscapeString
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
					e(l.Workload), e(lessonCell(l.One)), e(lessonCell(l.Parallel)), l.Procs, e(l.Says))
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
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", l.Workload, lessonCell(l.One), lessonCell(l.Parallel)+fmt.Sprintf(" (%d cores)", l.Procs), l.Says)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w)
		}
		if line != "" {
			fmt.Fprintf(w, "%s\n\n", line)
		}
	}
	return nil
}

// Grain is what a granularity sweep (pool's
// BenchmarkGrain/work=…/exec=E, declaring its tasks per op) says of one
// executor: the smallest task that reaches 90% efficiency at GOMAXPROCS
// workers, with every larger task too.
type Grain struct {
	Exec    string
	Procs   int
	Task    float64 // seconds per task of the smallest size that pays off; NaN if none does
	Reached bool
}

// Grains reads the granularity sweeps of as, one Grain per executor.
func Grains(as []*bench.Analysis) []Grain {
	type level struct {
		task float64 // measured seconds per task at one worker
		eff  float64 // efficiency at GOMAXPROCS workers
	}
	byExec := map[string][]level{}
	procs := map[string]int{}
	var order []string
	for _, a := range as {
		exec := ""
		for _, part := range strings.Split(a.BaseName(), "/") {
			if v, ok := strings.CutPrefix(part, "exec="); ok {
				exec = v
			}
		}
		tasks := a.Rows[0].Evidence.Tasks
		if !strings.HasPrefix(a.Name, "Grain/") || !(tasks >= 1) || exec == "" || a.Base != 1 || a.Bound < 2 {
			continue
		}
		i := slices.IndexFunc(a.Rows, func(r bench.Row) bool { return r.X == a.Bound })
		if i < 0 {
			continue
		}
		if _, ok := byExec[exec]; !ok {
			order = append(order, exec)
		}
		procs[exec] = a.Bound
		byExec[exec] = append(byExec[exec], level{task: a.Rows[0].Median / tasks, eff: a.Rows[i].Efficiency})
	}
	var out []Grain
	for _, exec := range order {
		levels := byExec[exec]
		slices.SortFunc(levels, func(x, y level) int { return cmp.Compare(x.task, y.task) })
		g := Grain{Exec: exec, Procs: procs[exec], Task: math.NaN()}
		for i := len(levels) - 1; i >= 0 && levels[i].eff >= 0.9; i-- {
			g.Task, g.Reached = levels[i].task, true
		}
		out = append(out, g)
	}
	return out
}

// grainLine is the report's sentence on where futures pay off.
func grainLine(gs []Grain) string {
	if len(gs) == 0 {
		return ""
	}
	var parts []string
	for _, g := range gs {
		if g.Reached {
			parts = append(parts, fmt.Sprintf("%s from ~%s", g.Exec, bench.Seconds(g.Task)))
		} else {
			parts = append(parts, fmt.Sprintf("%s at no size measured", g.Exec))
		}
	}
	return fmt.Sprintf("where futures pay off: on this machine, tasks reach 90%% efficiency at %d workers with %s a task (Python's ThreadPoolExecutor costs 15-20µs a task before any work)",
		gs[0].Procs, strings.Join(parts, ", "))
}
