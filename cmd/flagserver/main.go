// Command flagserver serves the flag dataset over HTTP on loopback, as the
// book's LOCAL, DELAY and ERROR servers did, so that the flag downloaders
// and their benchmarks need nothing but Go.
//
// With no arguments it starts the book's three servers and prints their base
// URLs, one per line:
//
//	http://127.0.0.1:8001/flags LOCAL (no delay)
//	http://127.0.0.1:8002/flags DELAY (0.5s before every answer)
//	http://127.0.0.1:8003/flags ERROR (25% of answers are 418)
//
// With flags it starts one server and prints its base URL as the first line:
//
//	flagserver [-addr HOST:PORT] [-delay D | -delay MIN..MAX] [-error-rate P]
//	           [-error-status CODE] [-seed N] [-dir DIR]
//
// -addr defaults to 127.0.0.1:0, a free port on loopback; it binds to
// another interface only when told to. -dir serves another folder laid out
// like the dataset (cc/cc.gif, cc/metadata.json) instead of the embedded one.
// Connections are closed when they send nothing for 10 s (their first
// request included), sit idle for 2 minutes between requests, or take more
// than 10 s to take one answer (a client that does not read).
//
// Exit status: 2 for bad flags (a usage error); 1 for a port that cannot be
// bound; 130 on SIGINT and 143 on SIGTERM, after the servers have stopped:
// they stop accepting, let the requests in flight finish for 4 s, answer 503
// with Connection: close to those still in a delay, and cut off what is left
// a second later (5 s in all).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/internal/cli"
)

const usage = `usage: flagserver                    (the book's LOCAL, DELAY and ERROR servers on 127.0.0.1:8001..8003)
       flagserver [-addr HOST:PORT] [-delay D | -delay MIN..MAX] [-error-rate P] [-error-status CODE] [-seed N] [-dir DIR]
exit status: 1 cannot listen; 2 usage error; 130 SIGINT, 143 SIGTERM (after a graceful stop of at most 5 s)
`

// shutdownGrace bounds how long requests in flight may take after a signal.
const shutdownGrace = 5 * time.Second

// bookAddrs are the addresses of the book's three servers (a variable so
// that tests can use free ports).
var bookAddrs = [3]string{"127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003"}

// testHookServing, when set, gets the handlers once they serve.
var testHookServing func([]*flagserver.Handler)

type serverSpec struct {
	addr, label string
	opts        []flagserver.Option
}

func main() { cli.Main("flagserver", run) }

func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	specs, err := parseArgs(args, stdout)
	if err != nil || specs == nil {
		return err
	}
	// Each server serves as soon as it listens; if a later one cannot,
	// the deferred Close stops those started.
	var servers []*flagserver.Server
	defer func() {
		for _, s := range servers {
			s.Close() // handlers still waiting return at once
		}
	}()
	for _, spec := range specs {
		h, err := flagserver.NewHandler(spec.opts...)
		if err != nil {
			if errors.Is(err, flagserver.ErrBadOption) {
				return cli.Usagef("%v", err)
			}
			return err
		}
		ln, err := net.Listen("tcp", spec.addr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", spec.addr, err)
		}
		s := flagserver.Start(ln, h)
		servers = append(servers, s)
		fmt.Fprintf(stdout, "%s%s\n", s.Flags(), spec.label)
	}
	errc := make(chan error, len(servers))
	handlers := make([]*flagserver.Handler, len(servers))
	for i, s := range servers {
		handlers[i] = s.Handler
		go func() {
			if err, ok := <-s.Err(); ok {
				errc <- err
			}
		}()
	}
	if testHookServing != nil {
		testHookServing(handlers)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	}
	// Stop accepting, let requests in flight finish, all servers at once,
	// within the grace time; then answer 503 to those still in a delay and
	// cut off the rest.
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Go(func() {
			// Close takes at most a second: the graceful part gets the rest.
			ctx, cancel := context.WithTimeout(context.Background(), max(shutdownGrace-time.Second, 0))
			defer cancel()
			if s.Shutdown(ctx) != nil {
				s.Close()
				fmt.Fprintf(stderr, "flagserver: %s: requests still in flight after %v: answered 503 or cut off\n", s.Flags(), shutdownGrace-time.Second)
			}
		})
	}
	wg.Wait()
	return &cli.ExitError{Code: cli.ExitInterrupted} // 130, or 143 for SIGTERM (cli.Main)
}

// parseArgs returns the servers to start, or nil and no error when it has
// printed the help.
func parseArgs(args []string, stdout io.Writer) ([]serverSpec, error) {
	fs := flag.NewFlagSet("flagserver", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	delay := fs.String("delay", "0", "delay before every answer: D or MIN..MAX")
	rate := fs.Float64("error-rate", 0, "share of requests answered with an error, 0..1")
	status := fs.Int("error-status", http.StatusTeapot, "status of the error answers")
	seed := fs.Uint64("seed", 1, "seed of the random delays and errors")
	dir := fs.String("dir", "", "serve this folder instead of the embedded dataset")
	if err := cli.ParseFlags(fs, args, usage, stdout); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if fs.NFlag() == 0 {
		return []serverSpec{
			{bookAddrs[0], " LOCAL (no delay)", nil},
			{bookAddrs[1], " DELAY (0.5s before every answer)", []flagserver.Option{flagserver.WithDelay(500 * time.Millisecond)}},
			{bookAddrs[2], " ERROR (25% of answers are 418)", []flagserver.Option{flagserver.WithErrorRate(0.25)}},
		}, nil
	}
	lo, hi, err := parseDelay(*delay)
	if err != nil {
		return nil, err
	}
	if !(*rate >= 0 && *rate <= 1) {
		return nil, cli.Usagef("-error-rate %v: want a number from 0 to 1", *rate)
	}
	opts := []flagserver.Option{
		flagserver.WithDelayRange(lo, hi),
		flagserver.WithErrorRate(*rate),
		flagserver.WithErrorStatus(*status),
		flagserver.WithSeed(*seed),
	}
	if *dir != "" {
		if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("-dir %s: not a readable folder", *dir)
		}
		opts = append(opts, flagserver.WithFS(os.DirFS(*dir)))
	}
	return []serverSpec{{*addr, "", opts}}, nil
}

// parseDelay parses "D" or "MIN..MAX" (Go durations; a bare 0 is allowed).
func parseDelay(s string) (lo, hi time.Duration, err error) {
	los, his, isRange := strings.Cut(s, "..")
	if lo, err = time.ParseDuration(los); err != nil {
		return 0, 0, cli.Usagef("-delay %q: %v", s, err)
	}
	hi = lo
	if isRange {
		if hi, err = time.ParseDuration(his); err != nil {
			return 0, 0, cli.Usagef("-delay %q: %v", s, err)
		}
	}
	if lo < 0 || hi < lo {
		return 0, 0, cli.Usagef("-delay %q: want 0 <= MIN <= MAX", s)
	}
	return lo, hi, nil
}
