package bench

// Compare and FindCanary are the gate's parts, for the tests of each.
var (
	Compare    = compare
	FindCanary = findCanary
)
