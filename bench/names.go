package bench

import (
	"math"
	"path"
	"strconv"
	"strings"
)

// baseName is a sweep's name without its -N GOMAXPROCS suffix.
func baseName(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// BaseName is the sweep's name without its -N GOMAXPROCS suffix: the same
// for the sweep measured at any GOMAXPROCS.
func (a *Analysis) BaseName() string { return baseName(a.Name) }

// gains reports whether r is faster than its base beyond the noise (or by
// more than 15% where there is no interval).
func gains(r Row) bool {
	if math.IsNaN(r.SpeedupLo) {
		return r.Speedup > 1.15
	}
	return r.SpeedupLo > 1.05
}

// Gains reports whether the point is faster than the base beyond the noise:
// the lower end of its speedup interval more than 5% above 1 (without an
// interval, its median more than 15%).
func (r Row) Gains() bool { return gains(r) }

// SpeedupCI is the point's speedup with its interval, as the report prints
// it: "1.98x [1.91, 2.08]".
func (r Row) SpeedupCI() string { return speedupCI(r) }

// Seconds formats seconds with 3 significant digits and a unit, as the
// report does.
func Seconds(s float64) string { return fmtSec(s) }

// shortPkgs returns, for each package path of pkgs, the package as the
// report shows it: its last element where no other package of pkgs ends
// so, else as many trailing elements as tell it apart
// ("service1/cache" beside "service2/cache"), the whole path at most. A
// result's key is always the whole path (Samples.Names); only what is
// shown is shortened.
func shortPkgs(pkgs []string) map[string]string {
	out := map[string]string{}
	todo := map[string]bool{}
	for _, p := range pkgs {
		todo[p] = true
	}
	// Up to maxShort elements, then the whole path: a hostile path of
	// thousands of elements costs no more than a few passes.
	const maxShort = 4
	for k := 1; len(todo) > 0; k++ {
		count := map[string]int{}
		for p := range todo {
			count[suffix(p, k)]++
		}
		for p := range out {
			count[suffix(p, k)]++
		}
		for p := range todo {
			if s := suffix(p, k); count[s] == 1 || s == p || k > maxShort {
				if k > maxShort {
					s = p
				}
				out[p] = s
				delete(todo, p)
			}
		}
	}
	for p, s := range out {
		if s == "" {
			out[p] = path.Base(p) // ".", as a package-less result was always shown
		}
	}
	return out
}

// suffix is the last k slash-separated elements of p (all of p where it
// has fewer).
func suffix(p string, k int) string {
	i := len(p)
	for ; k > 0; k-- {
		j := strings.LastIndexByte(p[:i], '/')
		if j < 0 {
			return p
		}
		i = j
	}
	return p[i+1:]
}

// Labels returns how each of keys (Samples.Names: "PKG NAME", the package's
// whole path) is shown: the package shortened as far as it stays unique
// among the packages of keys (see Sweep.PkgShort), then the name.
func Labels(keys []string) map[string]string {
	var pkgs []string
	for _, k := range keys {
		pkg, _ := splitKey(k)
		pkgs = append(pkgs, pkg)
	}
	short := shortPkgs(pkgs)
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		pkg, name := splitKey(k)
		if pkg == "" {
			out[k] = k
			continue
		}
		out[k] = short[pkg] + " " + name
	}
	return out
}

// splitKey splits a samples key into its package and its name at its last
// space: a name holds none (benchfmt ends it at one), a "pkg:" line may.
func splitKey(key string) (pkg, name string) {
	i := strings.LastIndexByte(key, ' ')
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}
