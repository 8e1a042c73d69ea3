package flags

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/futuresbench/futures/internal/atomicfile"
)

// Status is the outcome of one code's download. Its zero value is no
// outcome at all, which Run never reports: a Result someone forgot to fill
// in is not a flag saved.
type Status int

const (
	OK          Status = iota + 1 // saved, whole, and a GIF
	NotFound                      // the server answered 404 for the flag
	Error                         // any other failure
	Interrupted                   // the context ended before or during the download
)

func (s Status) String() string {
	switch s {
	case OK:
		return "OK"
	case NotFound:
		return "not found"
	case Error:
		return "error"
	case Interrupted:
		return "interrupted"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Result is the outcome of one code.
type Result struct {
	CC     string // the code as requested, upper case
	Status Status
	Err    error  // why, for Error and Interrupted
	Path   string // the file written, for OK
	Bytes  int    // the size of the flag, for OK
}

// Defaults of a Downloader's zero fields.
const (
	DefaultTimeout = 3100 * time.Millisecond // per request, as in the book
	DefaultMaxBody = 10 << 20                // bytes
	maxMetadata    = 1 << 20                 // bytes of a metadata.json
)

// Downloader downloads flags from BaseURL into Dest. Its zero fields take
// the defaults documented on each; it is safe for concurrent use.
type Downloader struct {
	BaseURL  string        // e.g. http://127.0.0.1:8001/flags
	Dest     string        // folder for the files; must exist; "" is the current folder
	Client   *http.Client  // nil: NewClient(concurrency) per Run
	Timeout  time.Duration // per request, all attempts included each; 0: DefaultTimeout
	Retries  int           // extra attempts for timeouts, 429 and 5xx; 404 never
	Backoff  time.Duration // first retry's backoff, doubled each time, with jitter; 0: 100ms
	MaxBody  int64         // cap on a flag's size; 0: DefaultMaxBody
	Metadata bool          // also fetch metadata.json and save as Country_Name.gif
}

// NewClient returns an HTTP client for concurrency parallel requests to one
// host: its transport keeps that many idle connections per host, so that
// connections are reused instead of opened and closed for every request.
func NewClient(concurrency int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = max(concurrency, 100)
	tr.MaxIdleConnsPerHost = max(concurrency, 2)
	return &http.Client{Transport: tr}
}

// fetched is a flag downloaded (or not), not saved yet: its body is in a
// spool, a file without a name yet, so that memory does not grow with it.
type fetched struct {
	r     Result // CC and Path set
	spool *atomicfile.Spool
	size  int64
	err   error
}

// sink receives a body, as many times as there are attempts.
type sink interface {
	io.Writer
	Reset() error // empty it for another attempt
}

// memSink is a sink in memory, for small bodies (metadata).
type memSink struct{ bytes.Buffer }

func (m *memSink) Reset() error { m.Buffer.Reset(); return nil }

// headSink is a sink that keeps the first bytes it receives, to check a
// signature without reading the body again.
type headSink struct {
	sink
	head []byte
}

func (h *headSink) Write(p []byte) (int, error) {
	if n := min(16-len(h.head), len(p)); n > 0 {
		h.head = append(h.head, p[:n]...)
	}
	return h.sink.Write(p)
}

func (h *headSink) Reset() error {
	h.head = h.head[:0]
	return h.sink.Reset()
}

// download makes the requests for one code: the flag, and its metadata
// with d.Metadata. names, if not nil, holds the file names the Run has
// given out, so that two codes never write one file.
func (d *Downloader) download(ctx context.Context, client *http.Client, cc string, names *nameClaims) fetched {
	f := fetched{r: Result{CC: strings.ToUpper(cc)}}
	if !validCode(cc) {
		f.err = fmt.Errorf("%w: %q", ErrInvalidCode, cc)
		return f
	}
	cc = f.r.CC
	lower := strings.ToLower(cc)
	if f.spool, f.err = atomicfile.NewSpool(d.Dest); f.err != nil {
		return f
	}
	body := &headSink{sink: f.spool}
	f.size, f.err = d.fetch(ctx, client, lower+"/"+lower+".gif", d.maxBody(), body)
	if f.err == nil && !isGIF(body.head) {
		f.err = fmt.Errorf("%w: %d bytes, starting %q", ErrNotGIF, f.size, body.head)
	}
	f.r.Path = filepath.Join(d.Dest, lower+".gif")
	if f.err == nil && d.Metadata {
		name, err := d.countryName(ctx, client, lower)
		if err != nil {
			f.err = &MetadataError{Err: err}
			return f
		}
		f.r.Path = filepath.Join(d.Dest, name)
		if other, ok := names.claim(f.r.Path, cc); !ok {
			f.err = fmt.Errorf("%w: %s is %s's flag", ErrNameTaken, name, other)
		}
	}
	return f
}

// validCode reports whether cc is two ASCII letters.
func validCode(cc string) bool {
	isLetter := func(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
	return len(cc) == 2 && isLetter(cc[0]) && isLetter(cc[1])
}

// isGIF reports whether b starts with a GIF signature.
func isGIF(b []byte) bool {
	return len(b) >= 6 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a")
}

// nameClaims are the file names a Run has given out, and to which code.
type nameClaims struct {
	mu sync.Mutex
	m  map[string]string
}

// claim gives path to cc unless another code has it (then it returns that
// code and false). A nil *nameClaims gives out every name.
func (n *nameClaims) claim(path, cc string) (string, bool) {
	if n == nil {
		return "", true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if other, ok := n.m[path]; ok && other != cc {
		return other, false
	}
	n.m[path] = cc
	return cc, true
}

// save writes a downloaded flag to its file and returns the result.
func (d *Downloader) save(ctx context.Context, f fetched) Result {
	r, err := f.r, f.err
	if f.spool != nil {
		defer f.spool.Close() // discards it unless committed
	}
	if err == nil {
		// No fsync per flag: the file appears whole or not at all if the
		// run is interrupted, and syncing 194 files at once cost 80 ms here.
		err = f.spool.Commit(r.Path, 0o644)
	}
	switch {
	case err == nil:
		r.Status, r.Bytes = OK, int(f.size)
		return r
	case errors.Is(err, ErrNotFound) && !errors.As(err, new(*MetadataError)):
		r.Status = NotFound
	case ctx.Err() != nil:
		r.Status, err = Interrupted, context.Cause(ctx)
	default:
		r.Status = Error
	}
	r.Path, r.Err = "", err
	return r
}

// countryName fetches cc/metadata.json and returns a safe file name for the
// flag made from its "country" field.
func (d *Downloader) countryName(ctx context.Context, client *http.Client, lower string) (string, error) {
	var body memSink
	if _, err := d.fetch(ctx, client, lower+"/metadata.json", maxMetadata, &body); err != nil {
		return "", err
	}
	var meta struct {
		Country string `json:"country"`
	}
	if err := json.Unmarshal(body.Bytes(), &meta); err != nil {
		return "", err
	}
	return SafeName(meta.Country, lower), nil
}

// SafeName returns the file name for a flag of the given country, as
// flags2_asyncio names them (spaces become underscores, then ".gif"), made
// safe whatever the server sent: no path separators, control characters or
// leading dots, at most 100 bytes, and never "." or ".."; a name with
// nothing left falls back to cc.
func SafeName(country, cc string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '_'
		case r == '/' || r == '\\' || r == ':' || unicode.IsControl(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, country)
	name = strings.TrimLeft(name, ".")
	for len(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || !filepath.IsLocal(name+".gif") {
		name = strings.ToLower(cc)
	}
	return name + ".gif"
}

func (d *Downloader) maxBody() int64 {
	if d.MaxBody > 0 {
		return d.MaxBody
	}
	return DefaultMaxBody
}

func (d *Downloader) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return DefaultTimeout
}

// fetch GETs BaseURL/path, with retries, streams the body into dst (at
// most limit bytes) and returns its size.
func (d *Downloader) fetch(ctx context.Context, client *http.Client, path string, limit int64, dst sink) (int64, error) {
	u := strings.TrimSuffix(d.BaseURL, "/") + "/" + path
	for attempt := 0; ; attempt++ {
		n, retryAfter, err := d.get(ctx, client, u, limit, dst)
		if err == nil || attempt >= d.Retries || !retryable(err) || ctx.Err() != nil {
			return n, err
		}
		wait := d.backoff(attempt)
		if retryAfter > wait {
			wait = retryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return 0, err
		}
	}
}

// backoff returns the wait before retry attempt+1: exponential with full
// jitter, capped at 10 s.
func (d *Downloader) backoff(attempt int) time.Duration {
	base := d.Backoff
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	ceil := min(base<<min(attempt, 20), 10*time.Second)
	return ceil/2 + rand.N(ceil/2+1)
}

// retryable reports whether a failed attempt is worth another: timeouts,
// 429, 5xx, and connections cut short. Never 404 or another 4xx.
func retryable(err error) bool {
	var se *StatusError
	var te *TimeoutError
	switch {
	case errors.As(err, &se):
		return se.Code == http.StatusTooManyRequests || se.Code >= 500
	case errors.As(err, &te):
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

// get makes one attempt: it streams the answer's body into dst (emptied
// first) and returns its size, the Retry-After it asked for, and the error.
func (d *Downloader) get(ctx context.Context, client *http.Client, u string, limit int64, dst sink) (int64, time.Duration, error) {
	timeout := d.timeout()
	actx, cancel := context.WithTimeoutCause(ctx, timeout, &TimeoutError{After: timeout})
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, attemptErr(ctx, actx, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096)) // so the connection is reused
		return 0, 0, ErrNotFound
	case resp.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		reason, _ := strings.CutPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" ")
		return 0, retryAfter(resp.Header.Get("Retry-After")), &StatusError{Code: resp.StatusCode, Status: reason}
	case resp.ContentLength > limit:
		return 0, 0, fmt.Errorf("%w: Content-Length %d > %d", ErrBodyTooLarge, resp.ContentLength, limit)
	}
	if err := dst.Reset(); err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(dst, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("body shorter than its Content-Length: %w", err)
		}
		return 0, 0, attemptErr(ctx, actx, err)
	}
	if n > limit {
		return 0, 0, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return n, 0, nil
}

// attemptErr names the error of an attempt: the caller's cancellation as
// the context's cause, the per-request timeout as a *TimeoutError, and
// otherwise the cause inside *url.Error ("Get URL: ..." repeats what the
// caller knows).
func attemptErr(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if actx.Err() != nil {
		return context.Cause(actx)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryAfter parses a Retry-After header: seconds or an HTTP date; capped at 30 s.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	}
	return max(0, min(d, 30*time.Second))
}

// Unreachable reports whether err means the server cannot be reached at all
// (connection refused, unknown host), as opposed to a failure of one request.
func Unreachable(err error) bool {
	var dnsErr *net.DNSError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}
