// Command getflags downloads flag images, in every concurrency style of the
// chapter on concurrent.futures of Fluent Python, with the interface of the
// book's flags2 programs:
//
//	getflags [options] [CC ...]
//
// CC is a country code (BR) or a letter standing for the 26 codes that begin
// with it (B for BA..BZ), in any case; by default, the 20 most populous
// countries. Options (short ones combine: getflags -s ERROR -al 100 -m 100):
//
//	-a, --all             the 194 codes of the dataset (AD..ZW)
//	-e, --every           all 676 codes AA..ZZ
//	-l, --limit N         the first N codes after sorting
//	-m, --max_req N       maximum concurrent requests (default: 1 sequential,
//	                      30 pool and completed, 5 async; at most 1000)
//	-s, --server LABEL    LOCAL, DELAY, ERROR (cmd/flagserver's servers on
//	                      127.0.0.1:8001..8003), REMOTE, or a base URL
//	-v, --verbose         a line per code instead of the progress bar
//	    --mode MODE       sequential, pool, completed (default) or async
//	    --dest DIR        where to save the flags (default downloaded)
//	    --timeout D       per request (default 3.1s)
//	    --retries N       retries of timeouts, 429 and 5xx (default 0)
//	    --metadata        also fetch metadata.json; save as Country_Name.gif
//
// Only what is a flag is saved, whole: an empty body, a body that is not a
// GIF, or one shorter than its Content-Length is that code's error. A body
// streams to its file (unnamed until complete) through the size cap, so
// memory does not grow with it. With --metadata, two codes whose country
// names give one file name never overwrite each other: the second is an
// error; and a flag whose metadata fails is an error, not "not found".
//
// Exit status: 0 when no download ended in error (not found is no error), 1
// when some did, 2 for a usage error, 130 when interrupted by SIGINT
// (Ctrl-C) and 143 by SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/internal/cli"
)

// servers are the book's labels.
var servers = map[string]string{
	"LOCAL":  "http://127.0.0.1:8001/flags",
	"DELAY":  "http://127.0.0.1:8002/flags",
	"ERROR":  "http://127.0.0.1:8003/flags",
	"REMOTE": "https://www.fluentpython.com/data/flags",
}

const usage = `usage: getflags [-h] [-a] [-e] [-l N] [-m CONCURRENT] [-s LABEL|URL] [-v]
                [--mode sequential|pool|completed|async] [--dest DIR]
                [--timeout D] [--retries N] [--metadata] [CC ...]
exit status: 0 no download failed (not found is no failure); 1 some did;
2 usage error; 130 SIGINT; 143 SIGTERM
`

func main() { cli.Main("getflags", run) }

type options struct {
	all, every, verbose, metadata bool
	limit, maxReq, retries        int
	server, mode, dest            string
	timeout                       time.Duration
	codes                         []string
	label, baseURL                string
	parsedMode                    flags.Mode
}

func parseArgs(args []string, stdout io.Writer) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet("getflags", pflag.ContinueOnError)
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "-", "_"))
	})
	fs.BoolVarP(&o.all, "all", "a", false, "the 194 codes of the dataset (AD..ZW)")
	fs.BoolVarP(&o.every, "every", "e", false, "all 676 codes AA..ZZ")
	fs.IntVarP(&o.limit, "limit", "l", 0, "the first N codes after sorting")
	fs.IntVarP(&o.maxReq, "max_req", "m", 0, "maximum concurrent requests (default: 1 sequential, 30 pool and completed, 5 async; at most 1000)")
	fs.StringVarP(&o.server, "server", "s", "LOCAL", "LOCAL, DELAY, ERROR (cmd/flagserver's servers on 127.0.0.1:8001..8003), REMOTE, or a base URL")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "a line per code instead of the progress bar")
	fs.StringVar(&o.mode, "mode", string(flags.Completed), "sequential, pool, completed or async")
	fs.StringVar(&o.dest, "dest", "downloaded", "where to save the flags")
	fs.DurationVar(&o.timeout, "timeout", flags.DefaultTimeout, "per request")
	fs.IntVar(&o.retries, "retries", 0, "retries of timeouts, 429 and 5xx")
	fs.BoolVar(&o.metadata, "metadata", false, "also fetch metadata.json; save as Country_Name.gif")
	if err := cli.ParseFlags(fs, args, usage, stdout); err != nil {
		return nil, err
	}
	var err error
	if o.parsedMode, err = flags.ParseMode(o.mode); err != nil {
		return nil, err
	}
	switch {
	case fs.Changed("max_req") && o.maxReq < 1:
		return nil, fmt.Errorf("--max_req CONCURRENT must be >= 1, got %d", o.maxReq)
	case fs.Changed("limit") && o.limit < 1:
		return nil, fmt.Errorf("--limit N must be >= 1, got %d", o.limit)
	case o.timeout <= 0:
		return nil, fmt.Errorf("--timeout must be positive, got %v", o.timeout)
	case o.retries < 0:
		return nil, fmt.Errorf("--retries must be >= 0, got %d", o.retries)
	}
	if !fs.Changed("max_req") {
		o.maxReq = o.parsedMode.DefaultConcurrency()
	}
	if o.label, o.baseURL, err = parseServer(o.server); err != nil {
		return nil, err
	}
	set := fromArgs
	switch {
	case o.every:
		set = everyCode
	case o.all:
		set = allCodes
	}
	if o.codes, err = expandCodes(fs.Args(), set, o.limit); err != nil {
		return nil, err
	}
	return o, nil
}

// parseServer returns the label and base URL for a label or a URL.
func parseServer(s string) (string, string, error) {
	if u, ok := servers[strings.ToUpper(s)]; ok {
		return strings.ToUpper(s), u, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("--server must be LOCAL, DELAY, ERROR, REMOTE or an http(s) URL, got %q", s)
	}
	return "Custom", strings.TrimSuffix(s, "/"), nil
}

func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	o, err := parseArgs(args, stdout)
	if err != nil {
		var ue *cli.UsageError
		if errors.Is(err, cli.ErrHelp) || errors.As(err, &ue) {
			return err
		}
		return cli.Usagef("%v", err)
	}
	if o.dest != "" { // "" is the current folder
		if err := os.MkdirAll(o.dest, 0o755); err != nil {
			return fmt.Errorf("destination folder: %w", err)
		}
	}
	concurrency := min(o.maxReq, o.parsedMode.MaxConcurrency(), len(o.codes))
	flags.InitialReport(stdout, o.label, o.baseURL, o.codes, concurrency)

	d := &flags.Downloader{
		BaseURL:  o.baseURL,
		Dest:     o.dest,
		Timeout:  o.timeout,
		Retries:  o.retries,
		Metadata: o.metadata,
	}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && !o.verbose && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions(len(o.codes),
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("downloading"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("flags"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(50*time.Millisecond),
		)
	}
	saidUnreachable := false // report runs on one goroutine at a time (flags.Run)
	report := func(r flags.Result) {
		if bar != nil {
			bar.Add(1)
		}
		if r.Status == flags.Error && flags.Unreachable(r.Err) {
			if !saidUnreachable {
				sayUnreachable(stderr, o.label, o.baseURL, r.Err)
				saidUnreachable = true
			}
			return // said once, not once per code
		}
		if !o.verbose {
			return
		}
		switch r.Status {
		case flags.OK, flags.NotFound:
			fmt.Fprintf(stdout, "%s %s\n", r.CC, r.Status)
		default:
			fmt.Fprintf(stdout, "%s %s: %v\n", r.CC, r.Status, r.Err)
		}
	}
	start := time.Now()
	counts, err := d.Run(ctx, o.parsedMode, concurrency, o.codes, report)
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Finish()
	}
	flags.FinalReport(stdout, counts, time.Since(start))
	switch {
	case ctx.Err() != nil:
		return &cli.ExitError{Code: cli.ExitInterrupted}
	case counts.Error > 0:
		return &cli.ExitError{Code: cli.ExitFailure}
	}
	return nil
}

// sayUnreachable prints the one line that replaces a screenful of identical
// connection errors.
func sayUnreachable(w io.Writer, label, baseURL string, err error) {
	hint := ""
	if label == "LOCAL" || label == "DELAY" || label == "ERROR" {
		hint = "; start the local servers with: go run ./cmd/flagserver"
	}
	fmt.Fprintf(w, "getflags: cannot reach %s site %s (%v)%s\n", label, baseURL, err, hint)
}
