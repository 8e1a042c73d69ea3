package bench

import (
	"math"
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
