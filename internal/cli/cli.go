// Package cli holds what every command of this module shares: the mapping
// from a run's error to an exit status, and usage errors.
//
// A command's main only calls [Main] with its run function; run parses its
// arguments and does the work, so that tests can call it in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	// ExitMachine: benchreport compare cannot judge, because the machine
	// changed between the two runs (its canary moved) and nothing changed
	// more than that.
	ExitMachine = 3
	// ExitUndecided: the gate cannot decide. A unit is worse than OLD by
	// more than its threshold, but its evidence cannot show it (the test
	// and the intervals disagree, or the interval admits both no change
	// and the change): neither pass nor fail; more rounds would decide.
	// benchreport compare and make bench-ab both use it.
	ExitUndecided   = 4
	ExitInterrupted = 130 // 128 + SIGINT, as shells report it
	ExitTerminated  = 143 // 128 + SIGTERM
)

// UsageError is a mistake in the command line: exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ExitError carries an exit status chosen by the command itself, with an
// optional message (empty: the command already said what happened).
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// ErrHelp is what ParseFlags returns once it has printed the help: the
// command stops there, with exit status 0 and nothing more said.
var ErrHelp = errors.New("help requested")

// FlagSet is what ParseFlags needs of a flag set; the standard library's
// flag.FlagSet and pflag's FlagSet both have it.
type FlagSet interface {
	Parse(args []string) error
	SetOutput(w io.Writer)
	PrintDefaults()
}

// ParseFlags parses args with fs, the one way every command of this module
// reads its command line. On -h or --help it prints usage, then the flags
// with their defaults (their help strings as written in fs), to stdout and
// returns ErrHelp; any other mistake is a *UsageError (exit 2, one line).
// fs itself prints nothing.
func ParseFlags(fs FlagSet, args []string, usage string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp) || errors.Is(err, pflag.ErrHelp):
		fmt.Fprint(stdout, usage)
		fmt.Fprintln(stdout, "\nflags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return ErrHelp
	}
	return Usagef("%v", err)
}

// Code returns the exit status for the error a run returned.
func Code(err error) int {
	var ue *UsageError
	var ee *ExitError
	switch {
	case err == nil, errors.Is(err, ErrHelp):
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	return ExitFailure
}

// Report writes the one-line message for err to stderr, prefixed with the
// command's name, and returns the exit status.
func Report(stderr io.Writer, name string, err error) int {
	code := Code(err)
	var ue *UsageError
	if err != nil && err.Error() != "" && !errors.Is(err, ErrHelp) {
		msg := err.Error()
		if errors.As(err, &ue) {
			msg += fmt.Sprintf(" (see '%s -h')", name)
		}
		// A package error may already start with the command's name
		// ("arcfour: ..."): say it once.
		msg = strings.TrimPrefix(msg, name+": ")
		fmt.Fprintf(stderr, "%s: %s\n", name, msg)
	}
	return code
}

// RunFunc is a command's testable body.
type RunFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// Main runs a command with a context cancelled by SIGINT or SIGTERM, reports
// its error and exits with the matching status: a run that ends because of
// the signal exits 128 + the signal's number (130 for SIGINT, 143 for
// SIGTERM). A second signal ends the process at once with that status, for
// a run that does not stop.
func Main(name string, run RunFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value // the first signal
	go func() {
		sig := <-sigs
		got.Store(sig)
		cancel(fmt.Errorf("interrupted (%v)", sig))
		sig = <-sigs
		os.Exit(128 + signalNumber(sig))
	}()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if sig, ok := got.Load().(os.Signal); ok && err != nil && (Code(err) == ExitInterrupted || errors.Is(err, context.Canceled)) {
		if errors.Is(err, context.Canceled) {
			err = &ExitError{Msg: context.Cause(ctx).Error()}
		}
		Report(os.Stderr, name, err)
		os.Exit(128 + signalNumber(sig))
	}
	os.Exit(Report(os.Stderr, name, err))
}

// signalNumber is sig's number (2 for SIGINT, 15 for SIGTERM).
func signalNumber(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return int(s)
	}
	return ExitInterrupted - 128
}

// Reader returns r with every Read failing with ctx's cause once ctx is
// done, so that a loop copying from r (a stream, a file being encrypted)
// stops at its next read after a signal.
func Reader(ctx context.Context, r io.Reader) io.Reader { return &ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, c.ctx.Err()
	}
	return c.r.Read(p)
}
