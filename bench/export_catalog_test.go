package bench

// SetCoreSlowed sets the machine-speed detection's hook for a test, and
// returns what restores it.
func SetCoreSlowed(f func(a *Analysis, at Row) (float64, bool)) (restore func()) {
	was := coreSlowed
	coreSlowed = f
	return func() { coreSlowed = was }
}

// ShortFunc is how a site's function is written.
var ShortFunc = shortFunc
