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
	ProfileName = profileName
	PkgFolder   = pkgFolder
)
