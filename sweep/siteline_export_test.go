package sweep

import "time"

// SitesLine is sitesLine, for the tests of the bound on what sweep writes.
var SitesLine = sitesLine

// ParseSites and ProfileName are parseSites and profileName, for the
// tests of what the environment says.
var (
	ParseSitesEnv = func(v string) (on, set bool, msg string) {
		_, on, set, msg = parseSites(v)
		return on, set, msg
	}
	// ParseSitesWindow is the pass's length parseSites reads from v.
	ParseSitesWindow = func(v string) (d time.Duration, n int) {
		w, _, _, _ := parseSites(v)
		return w.d, w.n
	}
	// FitTimeout is fitTimeout, on a window of d or n ops.
	FitTimeout = func(d time.Duration, n int, op, left time.Duration, points int) (time.Duration, int, bool) {
		w, cut := fitTimeout(window{d: d, n: n}, op, left, points)
		return w.d, w.n, cut
	}
	ProfileName = profileName
	PkgFolder   = pkgFolder
)
