// Command benchrun is the engine of make bench and make bench-ab.
//
//	benchrun bench   # make bench: every worker sweep, the report, bench/results/latest
//	benchrun ab      # make bench-ab: two revisions interleaved, gated
//
// Its settings come from the environment, as the Makefile exports them:
// COUNT (a fixed number of rounds; unset, make bench looks at its suites
// after rounds 6, 12 and 20 and stops measuring the settled ones),
// BUDGET (2m: the measuring time make bench may take; past round 6 it
// measures the suites still undecided only while the next look fits, and
// the suites whose rows of the chapter's table are undecided for want of
// rounds while it fits in 3 × BUDGET), BENCHTIME (150ms), GRAIN_BENCHTIME (20ms),
// FLAGS_N (16), FLAGS_DELAY (20ms), FLAGS_BENCHTIME (1x),
// CANARY_BENCHTIME (100ms), SUITES (ids, comma-separated), GO (go), and
// for bench-ab OLD (HEAD), NEW (empty: the working tree) and THRESHOLD
// (5%). It runs from the module's root.
//
// Exit status: 0 done (bench-ab: no regression); 1 a failure (a build, a
// benchmark that failed: the other suites' rounds are measured and
// reported first; bench-ab: a regression); 2 a usage error (an unknown
// suite, a knob that cannot be one, a revision that is not one); 3
// bench-ab cannot judge: the machine changed between the sides; 4
// bench-ab undecided: a time or rate worse than THRESHOLD that its rounds
// cannot show (more rounds would decide); 130 or 143 interrupted, keeping
// the rounds measured to the end.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/futuresbench/futures/internal/benchrun"
	"github.com/futuresbench/futures/internal/cli"
)

const usage = `usage: benchrun bench|ab   (settings from the environment: see the Makefile)

  bench   make bench: every worker sweep, the report, bench/results/latest
  ab      make bench-ab: two revisions (OLD, NEW) measured interleaved, gated

settings: COUNT, BUDGET, BENCHTIME, GRAIN_BENCHTIME, FLAGS_N, FLAGS_DELAY,
FLAGS_BENCHTIME, CANARY_BENCHTIME, SUITES, GO; for ab OLD, NEW, THRESHOLD.
Each is checked before anything is built: a bad one exits 2, in one line.

exit status:
  0        done (ab: no regression)
  1        a failure: a build, a benchmark that failed (ab: a regression)
  2        a usage error: an unknown suite, a knob that cannot be one, a
           revision that is not one
  3        ab cannot judge: the machine changed between the sides
  4        ab cannot decide: a time or rate worse than THRESHOLD that
           its rounds cannot show (more rounds, COUNT, would)
  130/143  interrupted (SIGINT/SIGTERM), keeping the rounds measured
`

func main() {
	name := nameOf(os.Args[1:])
	cli.Main(name, command(name))
}

// nameOf is the command's name as make says it: bench or bench-ab.
func nameOf(args []string) string {
	if len(args) > 0 {
		switch args[0] {
		case "bench":
			return "bench"
		case "ab":
			return "bench-ab"
		}
	}
	return "benchrun"
}

// command is run, with a knob's or a revision's mistake said in one line
// with no pointer to -h (make has none).
func command(name string) cli.RunFunc {
	return func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		err := run(ctx, args, stdin, stdout, stderr)
		var ue *cli.UsageError
		if name != "benchrun" && errors.As(err, &ue) {
			return &cli.ExitError{Code: cli.ExitUsage, Msg: ue.Msg}
		}
		return err
	}
}

func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		_, err := io.WriteString(stdout, usage)
		return err
	}
	if len(args) != 1 || args[0] != "bench" && args[0] != "ab" {
		return cli.Usagef("want one command, bench or ab")
	}
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	env := benchrun.Env{Dir: dir, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Now: time.Now}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		env.TTY = true
		env.Width, _, _ = term.GetSize(int(f.Fd()))
	}
	if args[0] == "ab" {
		return benchrun.AB(ctx, env)
	}
	return benchrun.Bench(ctx, env)
}
