//go:build !linux

package sweep

import "math"

// machineBusy is not known off Linux.
func machineBusy() (busyTicks, bool) { return busyTicks{}, false }

// runQueueDelay is not known off Linux.
func runQueueDelay() float64 { return math.NaN() }
