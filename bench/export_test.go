package bench

// Compare and FindCanary are the gate's parts, for the tests of each.
var (
	Compare    = compare
	FindCanary = findCanary
)

// RunsToTell is the gate's estimate of the runs that would decide.
var RunsToTell = runsToTell
