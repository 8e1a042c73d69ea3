package bench_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/futuresbench/futures/bench"
)

// TestReadNoAllocPerLine: reading lines that say nothing (a gzip bomb of
// newlines inflates to a billion of them) allocates nothing per line:
// 100,000 empty or log lines cost the allocations 100 of them do, so
// that no garbage piles up on top of the input.
func TestReadNoAllocPerLine(t *testing.T) {
	for _, line := range []string{"\n", "    a log line\n", "looksy\n"} {
		allocs := func(n int) float64 {
			data := append([]byte("BenchmarkX-2 1 5 ns/op\n"), bytes.Repeat([]byte(line), n)...)
			return testing.AllocsPerRun(3, func() {
				if _, err := bench.Read(bench.Input{Name: "x", Data: data}); err != nil {
					t.Fatal(err)
				}
			})
		}
		few, many := allocs(100), allocs(100_000)
		assert.LessOrEqual(t, many, few+10, "allocations for 100,000 lines of %q against 100", line)
	}
}
