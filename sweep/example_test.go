package sweep_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/futuresbench/futures/pool"
	"github.com/futuresbench/futures/sweep"
)

// The worker counts of a sweep on 2 cores and on 64: about log(cores) of
// them, always 1, the core count, its neighbours and twice the cores.
func ExampleCountsFor() {
	fmt.Println(sweep.CountsFor(2))
	fmt.Println(sweep.CountsFor(64))
	// Output:
	// [1 2 3 4]
	// [1 2 3 4 6 8 11 16 23 32 45 63 64 65 91 128]
}

func isEven(_ context.Context, n int) (bool, error) { return n%2 == 0, nil }

// A benchmark of one's own code over worker counts. Run it with
// `go test -bench Mine -count 10 > out.txt`, and report how it scales with
// `go run github.com/futuresbench/futures/cmd/benchreport out.txt`.
func ExampleWorkers() {
	inputs := make([]int, 1000)
	BenchmarkMine := func(b *testing.B) {
		sweep.Workers(b, func(b *testing.B, workers int) {
			for b.Loop() {
				if _, err := pool.Collect(b.Context(), workers, inputs, isEven); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	_ = BenchmarkMine
}

// The best a list of uneven tasks allows on 2 workers: the long task alone
// on one, the rest on the other.
func ExampleMakespan() {
	ms := time.Millisecond
	tasks := []time.Duration{30 * ms, 5 * ms, 5 * ms, 5 * ms}
	fmt.Println(sweep.Makespan(tasks, 1), sweep.Makespan(tasks, 2), sweep.Makespan(tasks, 4))
	// Output:
	// 45ms 30ms 30ms
}

// A sweep that declares the best its work allows, so that the report judges
// each point against it rather than against min(workers, cores): here, 64
// requests to a server that answers after 50ms, through w connections.
func ExampleReportBest() {
	const n, delay = 64, 50 * time.Millisecond
	BenchmarkFetch := func(b *testing.B) {
		sweep.Workers(b, func(b *testing.B, workers int) {
			sweep.ReportBest(b, time.Duration((n+workers-1)/workers)*delay)
			sweep.ReportTasks(b, n)
			for b.Loop() {
				// fetch n items through workers connections
			}
		})
	}
	_ = BenchmarkFetch
}

// A site's call path: the user's call, the library function it called,
// and where the time went. Reading a sites line, and the share of the
// idle core time each part of Idle accounts for.
func ExampleSite_PathString() {
	line := `    sweep-sites: BenchmarkReport/workers=2-2 {"ops":4,"idle":{"procs":2,"ops":4,"span":0.011,"total":0.003,` +
		`"serial":0.0025,"serialSites":[{"func":"example.com/report_test.summarize","value":0.0025,` +
		`"path":[{"func":"example.com/report_test.summarize","file":"report/report_test.go","line":210},` +
		`{"func":"encoding/json.Marshal","file":"json/encode.go","line":160}]}],"other":0.0005}}`
	name, s, ok := sweep.ParseSites(line)
	if !ok {
		return
	}
	id := s.Idle
	fmt.Println(name)
	fmt.Printf("serial part: %.0f%% of the idle core time, at %s\n", 100*id.Serial/id.Total, id.SerialSites[0].PathString())
	// Output:
	// Report/workers=2-2
	// serial part: 83% of the idle core time, at example.com/report_test.summarize (report_test.go:210) → encoding/json.Marshal
}
