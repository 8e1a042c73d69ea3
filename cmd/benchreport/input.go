package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxInput bounds what one input may hold: benchmark output of that size
// is years of runs; anything larger is not what it claims to be.
const maxInput = 1 << 30

// readInput reads a file, a results folder's raw.txt, or standard input
// (stopping when ctx is done: a signal while waiting on a terminal or a
// pipe). Any failure is an input error: exit 2.
func readInput(ctx context.Context, name string, stdin io.Reader) ([]byte, error) {
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
		data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
		done <- result{data, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		switch {
		case res.err != nil:
			return nil, parseError(fmt.Errorf("%s: %w", name, res.err))
		case len(res.data) > maxInput:
			return nil, parseError(fmt.Errorf("%s: more than %d bytes: not benchmark output", name, maxInput))
		}
		return res.data, nil
	}
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
