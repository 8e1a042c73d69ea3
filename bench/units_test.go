package bench

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/futuresbench/futures/sweep"
)

// TestUnitsTied: every unit of evidence the model reads is one that
// package sweep reports, by the name it reports it under: a benchmark run
// through sweep.Measure, declaring its best and its tasks, carries each.
func TestUnitsTied(t *testing.T) {
	res := testing.Benchmark(func(b *testing.B) {
		sweep.Measure(b, func(b *testing.B) {
			sweep.ReportBest(b, time.Millisecond)
			sweep.ReportTasks(b, 3)
			for b.Loop() {
				time.Sleep(time.Microsecond)
			}
		})
	})
	for _, unit := range evidenceUnits {
		if (unit == sweep.UnitOthers || unit == sweep.UnitRunq || unit == sweep.UnitSteal) && runtime.GOOS != "linux" {
			continue // read from /proc
		}
		assert.Contains(t, res.Extra, unit, "sweep reports %s", unit)
	}
}
