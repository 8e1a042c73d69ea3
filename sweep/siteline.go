package sweep

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxSitesLine is the longest sites line sweep writes, newline included:
// half of the 64 KiB line that bufio.Scanner reads by default, and so
// benchfmt's reader, go tool benchstat and cmd/benchreport, which refuse a
// whole file for one longer line. Names are shortened and the smallest
// entries left out until the line fits.
const MaxSitesLine = bufio.MaxScanTokenSize / 2

// maxNameLen bounds a function's or a file's name in a sites line: a
// generic instantiation's type arguments (go.shape...) or a hostile name
// of 25,000 characters is cut in its middle, keeping its package and its
// last element.
const maxNameLen = 240

// maxSkipped bounds the reasons a sites line gives for what it skipped.
const maxSkipped = 8

// sitesLine is the line the sites of the benchmark named name travel in,
// bounded (see MaxSitesLine), in every field of the sites, whatever fields
// they gain: every name shortened (shortFunc for a function, shortName for
// the rest), each list of sites at most maxSites entries with those that
// shortening made alike summed (boundSites), every other list at most
// maxSites (maxSkipped reasons), then, while the line is too long, the
// last entry of the longest list left out (the smallest, in a list of
// sites). s is left as it is: every list and pointer is copied before it
// changes. ok is false where even the line without
// entries would be too long (a benchmark's name of tens of KiB): no line is
// written then, since none could be read.
func sitesLine(s *Sites, name string) (line string, ok bool) {
	c := *s // bound copies every list and pointer before it changes it
	var lists []reflect.Value
	bound(reflect.ValueOf(&c).Elem(), "", &lists)
	for {
		line = c.Encode(name)
		excess := len(line) + 1 - MaxSitesLine
		if excess <= 0 {
			return line, true
		}
		// The last entries of the longest lists go, a list of sites
		// before a call path of the same length, until what they held
		// covers the excess; then the line is written again to see.
		for excess > 0 {
			longest := slices.MaxFunc(lists, func(a, b reflect.Value) int {
				return cmp.Or(a.Len()-b.Len(), cmp.Compare(b2i(a.Type() == siteList), b2i(b.Type() == siteList)))
			})
			n := longest.Len()
			if n == 0 {
				return "", false
			}
			size := 1
			if b, err := json.Marshal(longest.Index(n - 1).Interface()); err == nil {
				size += len(b)
			}
			longest.Set(longest.Slice(0, n-1))
			excess -= size
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// siteList is the type of a list of sites, which boundSites bounds.
var siteList = reflect.TypeFor[[]Site]()

// bound shortens every name of v (field is the name of its field in the
// struct that holds it) and bounds every list, adding each list to lists.
func bound(v reflect.Value, field string, lists *[]reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			cp := reflect.New(v.Elem().Type())
			cp.Elem().Set(v.Elem())
			v.Set(cp)
			bound(cp.Elem(), field, lists)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				bound(v.Field(i), f.Name, lists)
			}
		}
	case reflect.String:
		switch field {
		case "Func", "User", "Wait":
			v.SetString(shortFunc(v.String()))
		default:
			v.SetString(shortName(v.String()))
		}
	case reflect.Slice:
		limit := maxSites
		switch {
		case v.Type() == siteList:
			v.Set(reflect.ValueOf(boundSites(v.Interface().([]Site)))) // a new array
		case v.Type().Elem().Kind() == reflect.String:
			limit = maxSkipped
		}
		n := min(v.Len(), limit)
		cp := reflect.MakeSlice(v.Type(), n, n)
		reflect.Copy(cp, v.Slice(0, n))
		v.Set(cp)
		for i := range n {
			bound(v.Index(i), "", lists)
		}
		*lists = append(*lists, v)
	}
}

// boundSites is a list with its names shortened, the entries made alike
// by it summed, sorted by value as the pass sorts them, and at most
// maxSites of them.
func boundSites(sites []Site) []Site {
	var out []Site
	type place struct {
		fn, file, user, userFile, wait string
		line, userLine                 int
	}
	at := map[place]int{}
	for _, s := range sites {
		s.Func, s.User, s.Wait = shortFunc(s.Func), shortFunc(s.User), shortFunc(s.Wait)
		s.File, s.UserFile = shortName(s.File), shortName(s.UserFile)
		key := place{s.Func, s.File, s.User, s.UserFile, s.Wait, s.Line, s.UserLine}
		if i, ok := at[key]; ok {
			out[i].Value += s.Value
			continue
		}
		at[key] = len(out)
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Site) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	if len(out) > maxSites {
		out = out[:maxSites]
	}
	return out
}

// shortFunc is a function's name as a sites line carries it: the type
// arguments of a generic instantiation written [...], as go tool pprof
// shows them ("pool.Map[go.shape.struct { ... },go.shape.int]" is
// "pool.Map[...]"), then cut to maxNameLen (shortName).
func shortFunc(fn string) string {
	if strings.IndexByte(fn, '[') >= 0 {
		var b strings.Builder
		depth := 0
		for i := 0; i < len(fn); i++ {
			switch c := fn[i]; {
			case c == '[':
				if depth == 0 {
					b.WriteString("[...]")
				}
				depth++
			case c == ']' && depth > 0:
				depth--
			case depth == 0:
				b.WriteByte(c)
			}
		}
		fn = b.String()
	}
	return shortName(fn)
}

// shortName is s cut in its middle to at most maxNameLen bytes, on rune
// boundaries, with "…" where it was cut: the package and the last element
// of a name both stay.
func shortName(s string) string {
	if len(s) <= maxNameLen {
		return s
	}
	const ellipsis = "…"
	keep := (maxNameLen - len(ellipsis)) / 2
	head, tail := keep, len(s)-keep
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return s[:head] + ellipsis + s[tail:]
}

// noSitesLine says on stderr, in one line, that the point named name has
// no sites line (sitesLine could not fit one).
func noSitesLine(name string) {
	fmt.Fprintf(os.Stderr, "sweep.Workers: Benchmark%s: no sites line: a name of %d bytes leaves no room for one under %d bytes, the line that benchfmt and benchstat read\n", shortName(name), len(name), MaxSitesLine)
}
