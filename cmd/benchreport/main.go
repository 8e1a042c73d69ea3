// Command benchreport reports how benchmarks scale with workers, and fails
// on regressions, from `go test -bench` output (see package bench).
//
//	benchreport [-format text|markdown|csv] [-svg FILE] FILE...
//	benchreport compare [-threshold 5%] [-alpha 0.05] OLD NEW
//
// A FILE may be a results folder of `make bench` (its raw.txt is read) or -
// for standard input. The report covers every benchmark whose name carries
// workers=N or concurrency=N. compare prints benchstat's comparison of two
// runs and exits 1 when a benchmark got slower by more than the threshold
// with p < alpha, naming each regression on stderr (0 otherwise). Usage and
// parse errors exit 2.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/atomicfile"
	"github.com/futuresbench/futures/internal/cli"
)

const usage = `usage: benchreport [-format text|markdown|csv] [-svg FILE] FILE...
       benchreport compare [-threshold 5%] [-alpha 0.05] OLD NEW
`

func main() { cli.Main("benchreport", run) }

// parseError marks input that is not benchmark output: exit 2.
func parseError(err error) error { return &cli.ExitError{Code: cli.ExitUsage, Msg: err.Error()} }

func run(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "compare" {
		return compare(args[1:], stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text, markdown or csv")
	svg := fs.String("svg", "", "also write a speedup plot to this SVG file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return cli.Usagef("%v", err)
	}
	f, err := bench.ParseFormat(*format)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	if fs.NArg() == 0 {
		return cli.Usagef("no input: name one or more go test -bench output files")
	}
	var inputs []bench.Input
	for _, name := range fs.Args() {
		data, err := readInput(name, stdin)
		if err != nil {
			return err
		}
		inputs = append(inputs, bench.Input{Name: name, Data: data})
	}
	d, err := bench.Read(inputs...)
	if err != nil {
		return parseError(err)
	}
	if len(d.Sweeps) == 0 {
		return parseError(fmt.Errorf("no sweep: no benchmark name carries workers=N or concurrency=N"))
	}
	as := bench.Analyze(d)
	if *svg != "" {
		if err := atomicfile.Write(*svg, 0o644, func(w io.Writer) error { return bench.WriteSVG(w, as) }); err != nil {
			return err
		}
	}
	return bench.Write(stdout, f, as)
}

// readInput reads a file, a results folder's raw.txt, or standard input.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		name = filepath.Join(name, "raw.txt")
	}
	return os.ReadFile(name)
}

func compare(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchreport compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	thresholdFlag := fs.String("threshold", "5%", "smallest slowdown that counts")
	alpha := fs.Float64("alpha", 0.05, "significance level of the U test")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return cli.Usagef("%v", err)
	}
	threshold, err := bench.ParseThreshold(*thresholdFlag)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	if !(*alpha > 0 && *alpha < 1) {
		return cli.Usagef("-alpha %v: want a number between 0 and 1", *alpha)
	}
	if fs.NArg() != 2 {
		return cli.Usagef("compare takes two inputs, OLD and NEW; got %d", fs.NArg())
	}
	var samples [2]*bench.Samples
	for i, name := range fs.Args() {
		data, err := readInput(name, stdin)
		if err != nil {
			return err
		}
		if samples[i], err = bench.ReadSamples(bytes.NewReader(data), name); err != nil {
			return parseError(err)
		}
	}
	changes := bench.Compare(samples[0], samples[1], threshold, *alpha)
	if len(changes) == 0 {
		return parseError(fmt.Errorf("no benchmark is in both %s and %s", fs.Arg(0), fs.Arg(1)))
	}
	if err := bench.WriteComparison(stdout, changes, *alpha); err != nil {
		return err
	}
	regressions := 0
	for _, c := range changes {
		if c.Regression {
			regressions++
			fmt.Fprintf(stderr, "benchreport: regression: %s: %+.1f%% time/op (p=%.3f)\n", c.Name, 100*c.Delta, c.P)
		}
	}
	if regressions > 0 {
		return &cli.ExitError{Code: cli.ExitFailure}
	}
	return nil
}
