package sweep

import "runtime/metrics"

// SetEvidence turns the evidence reads off and on, for the benchmark that
// measures what they cost.
func SetEvidence(on bool) { evidenceOn = on }

// Snapshot reads the evidence once, as Measure does before and after its
// window.
func Snapshot() {
	samples := make([]metrics.Sample, len(runtimeMetrics))
	for i, name := range runtimeMetrics {
		samples[i].Name = name
	}
	take(samples)
}

// SetLoopWatch turns Measure's watch for the timed loop's start off and
// on, for the benchmark that measures what it costs.
func SetLoopWatch(on bool) { loopWatchOn = on }
