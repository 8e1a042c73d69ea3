//go:build !unix

package sweep

import "time"

// cpuTime is not known here: no cpu-sec/op is reported.
func cpuTime() (time.Duration, bool) { return 0, false }
