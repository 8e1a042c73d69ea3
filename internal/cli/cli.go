// Package cli holds what every command of this module shares: the mapping
// from a run's error to an exit status, and usage errors.
//
// A command's main only calls [Main] with its run function; run parses its
// arguments and does the work, so that tests can call it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130 // 128 + SIGINT, as shells report it
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

// Code returns the exit status for the error a run returned.
func Code(err error) int {
	var ue *UsageError
	var ee *ExitError
	switch {
	case err == nil:
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
	if err != nil && err.Error() != "" {
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
// its error and exits with the matching status.
func Main(name string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(Report(os.Stderr, name, err))
}
