package bench_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/sweep"
)

// idleSweep is a sweep that loses a third of its cores to idle at 2
// workers (1.33x, CPU per op flat), with the sites given at workers=2.
func idleSweep(sites *sweep.Sites) string {
	var in strings.Builder
	in.WriteString("cores: 2\npkg: example.com/m\n")
	for i := range 6 {
		j := 1 + 0.002*float64(i)
		fmt.Fprintf(&in, "BenchmarkScan/workers=1-2 10 %.0f ns/op %g cpu-sec/op 0 runq-sec/op 0 others-sec/op 0 lockwait-sec/op 0 gc-sec/op\n", 12e6*j, 0.012*j)
		fmt.Fprintf(&in, "BenchmarkScan/workers=2-2 10 %.0f ns/op %g cpu-sec/op 0 runq-sec/op 0 others-sec/op 0 lockwait-sec/op 0 gc-sec/op\n", 9e6*j, 0.012*j)
	}
	fmt.Fprintln(&in, sites.Encode("BenchmarkScan/workers=2-2"))
	return in.String()
}

// TestWhereSerialOrLongTask: on sites from before the trace's idle split,
// idle cores are a serial part where the benchmark's own goroutine ran
// alone for half of the idle core time or more; where the workers ran
// alone, nothing measured a tail, so the report says it cannot decide,
// never "one long task" by default.
func TestWhereSerialOrLongTask(t *testing.T) {
	tests := []struct {
		name      string
		serialCPU float64
		want      bench.WhereKind
		fn        string
	}{
		{"serial part", 0.006, bench.WhereSerial, "m.loadIndex"},
		// The workers alone ran, and nothing split the rest of the idle
		// time: one long task is not the default.
		{"the workers alone, no split", 0, bench.WhereUndecided, "cannot decide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &sweep.Sites{Ops: 5, Samples: 10, CPUTotal: 0.018, SerialCPU: tt.serialCPU,
				CPU: []sweep.Site{{Func: "m.spin", User: "example.com/m.compress", Value: 0.012}}}
			if tt.serialCPU > 0 {
				st.Serial = []sweep.Site{{Func: "example.com/m.loadIndex", Value: tt.serialCPU}}
			}
			d, err := bench.Read(bench.Input{Name: "in", Data: []byte(idleSweep(st))})
			require.NoError(t, err)
			a := bench.Analyze(d)[0]
			require.Equal(t, bench.LimitParallelism, a.Limit, a.Verdict())
			require.NotNil(t, a.Where, a.Verdict())
			assert.Equal(t, tt.want, a.Where.Kind)
			assert.Contains(t, a.Diagnosis(), tt.fn)
			assert.NotContains(t, a.Diagnosis(), "cannot tell which")
			assert.NotContains(t, a.Diagnosis(), "one long task:")
		})
	}
	// Without sites (a file from before the pass): today's words stay.
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(strings.ReplaceAll(idleSweep(&sweep.Sites{Ops: 1}), "sweep-sites", "other"))})
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	assert.Nil(t, a.Where)
	assert.Contains(t, a.Diagnosis(), "cannot tell which")
}
