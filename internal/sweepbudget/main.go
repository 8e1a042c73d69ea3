// Command sweepbudget prints the -benchtime that keeps a worker sweep's
// cost at the current GOMAXPROCS that of a sweep of 4 counts (1, 2, 3, 4 on
// 2 cores) at the given -benchtime: scripts/bench.sh calls it so that
// `GOMAXPROCS=64 make bench` takes about as long as `make bench`, however
// many counts sweep.Counts gives.
//
//	go run ./internal/sweepbudget 500ms   # 125ms where the sweep has 16 counts
//	go run ./internal/sweepbudget 20x     # 5x
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/futuresbench/futures/sweep"
)

// baseCounts is the number of counts the budget is set for.
const baseCounts = 4

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sweepbudget BENCHTIME (a duration, or Nx)")
		os.Exit(2)
	}
	out, err := scale(os.Args[1], len(sweep.Counts()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sweepbudget:", err)
		os.Exit(2)
	}
	fmt.Println(out)
}

// scale divides benchtime among counts sweep points as it would be among
// baseCounts; never below 1x or 10ms.
func scale(benchtime string, counts int) (string, error) {
	if counts <= baseCounts {
		return benchtime, nil
	}
	if n, ok := strings.CutSuffix(benchtime, "x"); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 1 {
			return "", fmt.Errorf("benchtime %q: want a duration or Nx", benchtime)
		}
		return strconv.Itoa(max(1, i*baseCounts/counts)) + "x", nil
	}
	d, err := time.ParseDuration(benchtime)
	if err != nil || d <= 0 {
		return "", fmt.Errorf("benchtime %q: want a duration or Nx", benchtime)
	}
	return max(10*time.Millisecond, d*baseCounts/time.Duration(counts)).String(), nil
}
