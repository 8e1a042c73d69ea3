package flags_test

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/sweep"
)

var (
	benchDelay = flag.Duration("download.delay", 50*time.Millisecond, "server delay of the delayed BenchmarkDownload sweep")
	benchN     = flag.Int("download.n", 64, "codes per op of the delayed BenchmarkDownload sweep")
)

// BenchmarkDownload sweeps every mode over concurrency 1, 2, 4, ... against
// a flagstest server on loopback, twice: with no delay (the 194 flags of the
// dataset per op: throughput), and with a fixed delay D (-download.delay,
// default 50ms) over n codes (-download.n, default 64, taken from AA..ZZ;
// codes outside the dataset answer 404 after the same delay). With a delay,
// the best an op can take is ceil(n/c) x D, which the name carries
// (delay=, n=) and the sweep declares (sweep.ReportBest) for the report. Files are removed between ops, outside the
// timer, so renames never replace existing files. Each sub-benchmark keeps
// one client, as a long-lived program would: ops after the first reuse its
// connections instead of dialing c new ones.
func BenchmarkDownload(b *testing.B) {
	sweeps := []struct {
		delay time.Duration
		codes []string
	}{
		{0, flags.AllCodes()},
		{*benchDelay, flags.EveryCode()[:min(*benchN, 676)]},
	}
	for _, sw := range sweeps {
		srv, err := flagserver.NewServer(flagserver.WithDelay(sw.delay))
		if err != nil {
			b.Fatal(err)
		}
		n := len(sw.codes)
		for _, mode := range flags.Modes() {
			var counts []int
			for c := 1; c <= min(256, mode.MaxConcurrency(), n); c *= 2 {
				counts = append(counts, c)
			}
			b.Run(fmt.Sprintf("delay=%v/n=%d/mode=%s", sw.delay, n, mode), func(b *testing.B) {
				sweep.Over(b, "concurrency", counts, func(b *testing.B, c int) {
					dest := b.TempDir()
					// One client for all ops, as a long-lived program keeps
					// one: ops after the first reuse its connections.
					client := flags.NewClient(c)
					defer client.CloseIdleConnections()
					d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest, Client: client}
					if sw.delay > 0 {
						sweep.ReportBest(b, time.Duration((n+c-1)/c)*sw.delay)
					}
					for b.Loop() {
						counts, err := d.Run(b.Context(), mode, c, sw.codes, nil)
						if err != nil || counts.Error > 0 || counts.Interrupted > 0 {
							b.Fatalf("%+v %v", counts, err)
						}
						b.StopTimer()
						os.RemoveAll(dest)
						os.Mkdir(dest, 0o755)
						b.StartTimer()
					}
					b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "flags/s")
				})
			})
		}
		srv.Close()
	}
}
