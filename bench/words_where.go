package bench

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// This file writes the sites (Where) and the catalog's patterns in words:
// the call paths, the idle split, the lock, the accounts of the lost
// speedup. whereWords (words.go) calls it.

// noSites says why a point has no sites, and what would split its idle
// time: the sites pass did not run there (it ran at other points), or the
// runs carry no sites at all.
func (a *Analysis) noSites(x int) string {
	var ran []int
	why := ""
	for _, p := range a.Points {
		switch {
		case p.Sites == nil:
		case p.Sites.Ops > 0:
			ran = append(ran, p.X)
		case p.X == x && len(p.Sites.Skipped) > 0:
			// A pass that did not run says why, in a line of no ops.
			why = " (" + strings.Join(p.Sites.Skipped, "; ") + ")"
		}
	}
	if len(ran) > 0 || why != "" {
		if len(ran) == 0 {
			return fmt.Sprintf("these metrics cannot tell which, and the sites pass of package sweep did not run at %s=%d%s", a.Key, x, why)
		}
		return fmt.Sprintf("these metrics cannot tell which, and the sites pass of package sweep did not run at %s=%d%s (it ran at %s=%s)", a.Key, x, why, a.Key, joinInts(ran))
	}
	// No point carries sites: the pass was off, or the output is from
	// before it.
	return "these metrics cannot tell which; the sites pass of package sweep, on by default, would"
}

// shortFunc is a function's name without its import path's directories
// ("github.com/hashicorp/golang-lru/v2.(*Cache).Add" is
// "golang-lru/v2.(*Cache).Add": a major version keeps its module's name).
func shortFunc(fn string) string {
	if !symbol(shapes(fn)) {
		// Not a Go symbol (a name from hostile input): whole, for the
		// writers to escape.
		return fn
	}
	fn = shapes(fn)
	slash := strings.LastIndexByte(fn, '/')
	if slash < 0 || !strings.Contains(fn[:strings.IndexByte(fn, '/')], ".") {
		// No path, or the standard library's ("encoding/json.Marshal"),
		// short as it is.
		return fn
	}
	last := fn[slash+1:]
	if len(last) > 1 && last[0] == 'v' && last[1] >= '0' && last[1] <= '9' {
		if prev := strings.LastIndexByte(fn[:slash], '/'); prev >= 0 {
			return fn[prev+1:]
		}
		return fn
	}
	return last
}

// symbol reports whether fn reads as a Go symbol: letters, digits and
// the punctuation of import paths, methods and closures only.
func symbol(fn string) bool {
	for _, r := range fn {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_./()*[],-~+", r)) {
			return false
		}
	}
	return fn != ""
}

// shapes writes a generic instantiation's type arguments as "[...]":
// "pool.collect[go.shape.int,go.shape.int]" is "pool.collect[...]". Only
// a bracket whose content is a shape ("go.shape.") or already "..." is
// collapsed.
func shapes(fn string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(fn, '[')
		if i < 0 {
			b.WriteString(fn)
			return b.String()
		}
		b.WriteString(fn[:i])
		rest := fn[i+1:]
		if !strings.HasPrefix(rest, "go.shape.") && !strings.HasPrefix(rest, "...]") {
			b.WriteByte('[')
			fn = rest
			continue
		}
		// The matching bracket, nested shapes included.
		depth, end := 1, -1
		for j, r := range rest {
			if r == '[' {
				depth++
			} else if r == ']' {
				if depth--; depth == 0 {
					end = j
					break
				}
			}
		}
		if end < 0 {
			b.WriteByte('[')
			fn = rest
			continue
		}
		b.WriteString("[...]")
		fn = rest[end+1:]
	}
}

// frameWhere is a frame as "F (file:line)", its function short.
func frameWhere(fn, file string, line int) string {
	if file == "" {
		return shortFunc(fn)
	}
	return fmt.Sprintf("%s (%s:%d)", shortFunc(fn), path.Base(file), line)
}

// wokenShare is the share of the lock's part of the idle split that was
// goroutines runnable after an Unlock woke them (the rest: blocked in Lock).
func wokenShare(w *Where) float64 {
	woken, blocked := 0.0, 0.0
	for _, s := range w.Sites {
		if strings.HasSuffix(s.Wait, "Unlock") {
			woken += s.Value
		} else {
			blocked += s.Value
		}
	}
	for _, s := range w.Waiters {
		blocked += s.Value
	}
	if !(woken+blocked > 0) {
		return 0
	}
	return woken / (woken + blocked)
}

// lockSplitWords says the lock's part of the idle split: the waiters
// woken by an Unlock (charged to the critical section that woke them),
// then those blocked in Lock, each with its call path (which ends in the
// lock's own function) and its share of the idle core time.
func lockSplitWords(w *Where) string {
	var parts []string
	for i, s := range w.Sites {
		what := "blocked at"
		if len(w.Waiters) > 0 || strings.HasSuffix(s.Wait, "Unlock") {
			what = "runnable, waiting to be scheduled, after the Unlock in"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", what, site(s), pct(w.Shares[i])))
	}
	for _, s := range w.Waiters {
		if share := s.Value / w.Idle; share >= 0.01 {
			parts = append(parts, fmt.Sprintf("blocked at %s %s", site(s), pct(share)))
		}
	}
	return strings.Join(parts, "; ")
}

// spinWords lists where a lock's spinning CPU was taken: the lock's
// function and the call path that took it.
func spinWords(w *Where) string {
	var parts []string
	for i, s := range w.Sites {
		lock := s.Wait
		if lock == "" && isSpin(s.Func) {
			lock = s.Func
		}
		if lock != "" && lock != s.Func {
			parts = append(parts, fmt.Sprintf("%s, by %s %s", shortFunc(lock), site(s), pct(w.Shares[i])))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s", site(s), pct(w.Shares[i])))
		}
	}
	if len(parts) == 0 {
		return "sites too few to name"
	}
	return strings.Join(parts, "; ")
}

// undecidedWords says what the idle split measured where no part holds
// half, and that it cannot decide.
func (a *Analysis) undecidedWords(w *Where) string {
	at := fmt.Sprintf("%s=%d", a.Key, w.At)
	if w.Measured == "run" && w.Machine > 0 {
		return fmt.Sprintf("where: at %s the benchmark's own goroutine ran alone for %s of the idle core time (of %s per op), but other processes took %s of core time per op meanwhile, half of it or more: it may have waited for the OS, so the evidence cannot decide (run again on a quieter machine)",
			at, pct(w.Part), fmtSec(w.Idle), fmtSec(w.Machine))
	}
	if w.Measured == "run" {
		return fmt.Sprintf("where: at %s the benchmark's own goroutine ran alone for %s of the idle core time (of %s per op), too little for a serial part; these sites hold no split of the rest (one long task, workers blocked or waiting), so the evidence cannot decide which: the trace split of package sweep's sites pass (this version) would",
			at, pct(w.Part), fmtSec(w.Idle))
	}
	var parts []string
	named := 0.0
	for _, p := range w.Parts {
		parts = append(parts, fmt.Sprintf("%s %s", PatternOf(p.Pattern).Name, pct(p.Share)))
		named += p.Share
	}
	if rest := 1 - named; rest > 0.005 {
		parts = append(parts, fmt.Sprintf("unexplained %s (goroutines preempted or new, the trace's edges)", pct(rest)))
	}
	if w.Machine > 0 {
		largest := ""
		if len(w.Sites) > 0 && len(w.Parts) > 0 {
			largest = fmt.Sprintf(" (%s at %s)", PatternOf(w.Parts[0].Pattern).Name, site(w.Sites[0]))
		}
		return fmt.Sprintf("where: the trace at %s splits the idle core time (%s per op): %s%s; but other processes took %s of core time per op meanwhile, half of its largest part or more: a worker or the benchmark's goroutine that seemed to run alone may have waited for the OS, so the evidence cannot decide which (run again on a quieter machine)",
			at, fmtSec(w.Idle), strings.Join(parts, ", "), largest, fmtSec(w.Machine))
	}
	return fmt.Sprintf("where: the trace at %s splits the idle core time (%s per op): %s; no part holds half, so the evidence cannot decide which limits it (a loss spread over several parts; a longer sites pass, SWEEP_SITES=1s, traces more ops)",
		at, fmtSec(w.Idle), strings.Join(parts, ", "))
}

// accountNames name the factors of the decomposition as the patterns
// their loss stands for.
var accountNames = map[PatternID]string{
	PatternBeside: "work beside the workers", PatternMachine: "the machine", PatternLock: "the lock",
	PatternIdle: "idle cores", PatternGrowth: "more CPU per op", PatternSerial: "a serial part",
	PatternLongTask: "one long task", PatternChannels: "blocking on channels", PatternWaiting: "waiting",
}

// lossWords names the patterns that account for the speedup lost at the
// point the limit was read at, with their shares, where more than one
// lost it ("" otherwise, and for limits that lose nothing of their own:
// the cores, the executor, waiting, the machine).
func (a *Analysis) lossWords() string {
	f := a.Finding
	switch f.Limit {
	case LimitLock, LimitGC, LimitParallelism, LimitWork, LimitSurplus:
	default:
		return ""
	}
	// Said where the sites pass located the limit: a report of runs
	// without it reads as it did.
	if len(f.Accounts) < 2 || f.Where == nil {
		return ""
	}
	at := a.Row(f.At)
	var parts []string
	for _, ac := range f.Accounts {
		if ac.Share >= 0.005 {
			parts = append(parts, fmt.Sprintf("%s %s", accountNames[ac.Pattern], pct(ac.Share)))
		}
	}
	return fmt.Sprintf("of the speedup lost at %s=%d (%.2fx of %.2fx): %s", a.Key, at.X, at.Speedup, at.Factors.Ideal, strings.Join(parts, ", "))
}
