package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/plural"
	"github.com/futuresbench/futures/internal/testjson"
)

// maxInput bounds what one input may hold, decompressed: benchmark output
// of that size is years of runs; anything larger is not what it claims to
// be.
const maxInput = 1 << 30

// input is one input read: the text bench reads (a go test -json stream
// reassembled into the text go test prints), and what else it says.
type input struct {
	bench.Input
	// stream is the stream the text comes from, nil for text: its lines
	// name the input's lines in messages.
	stream *testjson.Stream
	// failures are the packages the run reports failed for another cause
	// than a failed benchmark (a build, a test, a panic).
	failures []testjson.Failure
	// lineRef matches "NAME:LINE" in bench's messages (see streamLines).
	lineRef *regexp.Regexp
}

// readInput reads a file, a results folder's raw.txt, or standard input
// (stopping when ctx is done: a signal while waiting on a terminal or a
// pipe), gzipped or not, go test's text or its -json stream, each told by
// its content. Any failure is an input error: exit 2.
func readInput(ctx context.Context, name string, stdin io.Reader) (*input, error) {
	var r io.Reader = stdin
	if name != "-" {
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			name = filepath.Join(name, "raw.txt")
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, parseError(err)
		}
		defer f.Close()
		r = f
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := testjson.ReadAll(r, maxInput)
		done <- result{data, err}
	}()
	var data []byte
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		switch {
		case errors.Is(res.err, testjson.ErrTooLarge):
			return nil, parseError(fmt.Errorf("%s: %v: not benchmark output", name, strings.TrimSuffix(res.err.Error(), ": "+testjson.ErrTooLarge.Error())))
		case res.err != nil:
			return nil, parseError(fmt.Errorf("%s: %w", name, res.err))
		}
		data = res.data
	}
	if c := testjson.Compressed(data); c != "" {
		return nil, parseError(fmt.Errorf("%s: %s-compressed: benchreport reads text, go test -json and gzip; decompress it first", name, c))
	}
	in := &input{Input: bench.Input{Name: name, Data: data}}
	if !testjson.IsStream(data) {
		in.Data = testjson.DropCutNames(data)
		in.failures = testjson.Failures(in.Data)
		return in, nil
	}
	st, err := testjson.Decode(data)
	if err != nil {
		var se *testjson.SyntaxError
		if errors.As(err, &se) {
			return nil, parseError(fmt.Errorf("%s:%d: not a go test -json event: %v", name, se.Line, se.Err))
		}
		return nil, parseError(fmt.Errorf("%s: %w", name, err))
	}
	// go test -json prints a benchmark's name with its result; a stream
	// that go tool test2json made of go test's text may have a name cut.
	in.Data, in.stream, in.failures = testjson.DropCutNames(st.Text()), st, st.Failures()
	return in, nil
}

// readSamples reads the inputs as one (bench.Read), the lines its
// messages name being the inputs' own (a stream's line, not its text's).
// It notes on w the lines of a stream that were not JSON and the packages
// whose stream has no final event (in its one line, where it fails). An input with no result that reports a failed package
// is that failure: exit 1.
func readSamples(w io.Writer, ins ...*input) (*bench.Samples, error) {
	var bins []bench.Input
	var notes []string
	for _, in := range ins {
		bins = append(bins, in.Input)
		if st := in.stream; st != nil && st.Skipped > 0 {
			notes = append(notes, fmt.Sprintf("%s: %s not JSON skipped (the first, line %d: %.80q)",
				in.Name, plural.Count(st.Skipped, "line", "lines"), st.FirstSkipped, st.SkippedLine))
		}
		if st := in.stream; st != nil {
			for _, p := range st.Packages {
				if p.Started && !p.Ended {
					notes = append(notes, fmt.Sprintf("%s: the stream of %s ends without go test's final event: the run was cut short?",
						in.Name, bench.Printable(p.Path)))
				}
			}
		}
	}
	s, err := bench.Read(bins...)
	if err != nil {
		msg, code := streamLines(ins, err.Error()), cli.ExitUsage
		if fs := failuresOf(ins); len(fs) > 0 && errors.Is(err, bench.ErrNoResults) {
			msg, code = msg+": the run failed: "+failureList(fs), cli.ExitFailure
		}
		if len(notes) > 0 {
			msg += "; " + strings.Join(notes, "; ")
		}
		return nil, &cli.ExitError{Code: code, Msg: msg}
	}
	for _, l := range s.Skipped {
		notes = append(notes, streamLines(ins, l))
	}
	for _, n := range notes {
		fmt.Fprintf(w, "benchreport: note: %s\n", n)
	}
	for _, list := range [][]string{s.Bad, s.BadSites} {
		for i, l := range list {
			list[i] = streamLines(ins, l)
		}
	}
	return s, nil
}

// failuresOf is the failures of every input.
func failuresOf(ins []*input) []testjson.Failure {
	var out []testjson.Failure
	for _, in := range ins {
		out = append(out, in.failures...)
	}
	return out
}

// failureList says the failures in one line.
func failureList(fs []testjson.Failure) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = bench.Printable(f.String())
	}
	return strings.Join(s, "; ")
}

// streamLines rewrites, in a message of bench, each "NAME:LINE" of an
// input read from a stream (LINE a line of its text) as the stream's line
// that holds it.
func streamLines(ins []*input, msg string) string {
	for _, in := range ins {
		if in.stream == nil {
			continue
		}
		if in.lineRef == nil {
			in.lineRef = regexp.MustCompile(regexp.QuoteMeta(in.Name) + `:(\d+)`)
		}
		msg = in.lineRef.ReplaceAllStringFunc(msg, func(m string) string {
			n, err := strconv.Atoi(m[len(in.Name)+1:])
			if l := in.stream.Line(n); err == nil && l > 0 {
				return in.Name + ":" + strconv.Itoa(l)
			}
			return m
		})
	}
	return msg
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// failed says the failed packages of a report's inputs as failed
// benchmarks are said: in the report, at its top, for text, markdown and
// html (the sections it returns); on w, one a line, for the formats that
// are data.
func failed(f bench.Format, fs []testjson.Failure, w io.Writer) []bench.Section {
	var out []bench.Section
	for _, fl := range fs {
		switch f {
		case bench.Text, bench.Markdown, bench.HTML:
			out = append(out, bench.Banner(fl.String()))
		default:
			fmt.Fprintf(w, "benchreport: %s\n", bench.Printable(fl.String()))
		}
	}
	return out
}

// failedNew names on w the failed packages of compare's inputs, NEW's as
// its failed benchmarks are named (the gate fails), OLD's as a note; it
// reports whether NEW has any.
func failedNew(w io.Writer, ins [2]*input) bool {
	for _, f := range ins[0].failures {
		fmt.Fprintf(w, "benchreport: note: failed in OLD: %s\n", bench.Printable(f.String()))
	}
	for _, f := range ins[1].failures {
		fmt.Fprintf(w, "benchreport: failed in NEW: %s\n", bench.Printable(f.String()))
	}
	return len(ins[1].failures) > 0
}
