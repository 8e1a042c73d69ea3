// Package testjson reads a benchmark run as CI keeps it: the `go test
// -json` stream of it as well as its text, either one gzipped, so that
// every reader of `go test -bench` output takes them all alike.
//
// A `go test -json` stream is a sequence of events, one JSON object a line
// (cmd/test2json's TestEvent; with Go 1.24 also go build -json's
// BuildEvent). The concatenation of the Output of a package's "output"
// events is the exact output of its test binary (cmd/test2json's doc),
// which go test -json runs verbose (-test.v=test2json: "=== RUN" lines, a
// benchmark's name printed with its result), with two shapes to undo: a line
// may come in several events (test2json flushes a benchmark's name before
// its result, "BenchmarkX-2  \t" then "  100\t 123 ns/op\n", and splits a
// line longer than its 1 KiB output buffer), and the events of several
// packages interleave where their runs overlap: go test -json at -p above
// 1 runs the test binaries of several packages at once (with -bench it
// runs them one at a time, cmd/go/internal/test's "Force benchmarks to
// run in serial", and their events come package after package), and two
// go test processes writing to one file interleave whatever -p.
// [Decode] groups the events by their Package field, joins each package's
// output in order and the packages in the order they started (go test
// starts them in the order of its arguments, as its text output prints
// them). Besides the verbose lines, which readers of results pass over,
// the text carries verbatim every line go test -bench > out.txt holds:
// the configuration lines, the results, the log lines of a
// benchmark (the sweep's sites lines), and the lines go test itself writes
// into the stream ("FAIL\tpkg [build failed]").
//
// A stream is recognized by its content ([IsStream]), not by a file's
// name; gzip by its magic bytes ([ReadAll]).
package testjson

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strings"
)

// gzipMagic are the first two bytes of a gzip member (RFC 1952, 2.3.1:
// ID1 and ID2).
var gzipMagic = []byte{0x1f, 0x8b}

// ErrTooLarge is returned by [ReadAll] for an input larger than its limit.
var ErrTooLarge = errors.New("too large")

// ErrTrailing is returned by [ReadAll] for a gzip input that goes on,
// after its last member, with bytes that begin no other member.
var ErrTrailing = errors.New("trailing data after the gzip stream")

// ReadAll reads r to its end, decompressed where it begins with gzip's
// magic bytes (several members, as gzip writes concatenated files, are
// read as one; bytes after the last member that begin no member are an
// error wrapping ErrTrailing). An input of more than limit bytes, counted
// after decompression, is an error wrapping ErrTooLarge, found after
// reading at most limit+1 bytes of it: a small file that inflates without
// bound (a gzip bomb) costs no more memory than a text input may take.
// The result is read into a buffer of its size where that can be known
// before: a regular file's size, or, for a gzipped file, what a first
// pass decompressing it to nothing counts, for a pipe too, whose
// compressed bytes are kept for the two passes (a buffer grown as it fills
// would cost up to three times the input at once).
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	size, start := int64(-1), int64(-1)
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() >= 0 {
			size = fi.Size()
			if sk, ok := r.(io.Seeker); ok {
				if at, err := sk.Seek(0, io.SeekCurrent); err == nil {
					start = at
				}
			}
		}
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(gzipMagic))
	if !bytes.Equal(head, gzipMagic) {
		var data []byte
		if size >= 0 {
			data = make([]byte, 0, min(size, limit)+1)
		}
		data, err := readInto(io.LimitReader(br, limit+1), data)
		switch {
		case err != nil:
			return nil, err
		case int64(len(data)) > limit:
			return nil, fmt.Errorf("more than %d bytes: %w", limit, ErrTooLarge)
		}
		return data, nil
	}
	// A first pass counts the decompressed bytes, in a buffer of its own;
	// then the input is read again, into a buffer of that size. A pipe
	// cannot be read twice: the compressed bytes the first pass reads are
	// kept for the second (a bomb's are a thousandth of what they make).
	src, comp := br, (*bytes.Buffer)(nil)
	if start < 0 {
		comp = &bytes.Buffer{}
		src = bufio.NewReader(io.TeeReader(br, comp))
	}
	n, err := io.Copy(io.Discard, io.LimitReader(&members{br: src}, limit+1))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if n > limit {
		return nil, fmt.Errorf("more than %d bytes decompressed: %w", limit, ErrTooLarge)
	}
	if comp != nil {
		br.Reset(bytes.NewReader(comp.Bytes()))
	} else {
		if _, err := r.(io.Seeker).Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		br.Reset(r)
	}
	data, err := readInto(io.LimitReader(&members{br: br}, limit+1), make([]byte, 0, n+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("gzip: %w", err)
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("more than %d bytes decompressed: %w", limit, ErrTooLarge)
	}
	return data, nil
}

// members reads the gzip members of br one after the other, to br's end:
// a member must follow each (compress/gzip's multistream mode takes any
// bytes after one for a member's header, and says "unexpected EOF" or
// "invalid header" of a few bytes of junk).
type members struct {
	br *bufio.Reader
	zr *gzip.Reader
}

func (m *members) Read(p []byte) (int, error) {
	for {
		if m.zr == nil {
			zr, err := gzip.NewReader(m.br)
			if err != nil {
				return 0, err
			}
			zr.Multistream(false)
			m.zr = zr
		}
		n, err := m.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		// The member ended: the input ends, or another member begins.
		head, perr := m.br.Peek(len(gzipMagic))
		switch {
		case len(head) == 0 && perr == io.EOF:
			return n, io.EOF
		case bytes.Equal(head, gzipMagic):
			if err := m.zr.Reset(m.br); err != nil {
				return n, err
			}
			m.zr.Multistream(false)
		case perr != nil && perr != io.EOF:
			return n, perr
		default:
			return n, ErrTrailing
		}
		if n > 0 {
			return n, nil
		}
	}
}

// otherMagic are the magic bytes of compressions ReadAll does not undo.
var otherMagic = []struct{ name, magic string }{
	{"gzip", "\x1f\x8b"}, // gzipped twice
	{"zstd", "\x28\xb5\x2f\xfd"},
	{"xz", "\xfd7zXZ\x00"},
	{"bzip2", "BZh"},
	{"zip", "PK\x03\x04"},
}

// Compressed names the compression data begins with ("zstd", "xz",
// "bzip2", "zip", or "gzip" for data gzipped twice), "" for none of them:
// what ReadAll returns is then no text, and saying so beats calling it
// malformed.
func Compressed(data []byte) string {
	for _, m := range otherMagic {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			if m.name == "bzip2" && (len(data) < 4 || data[3] < '1' || data[3] > '9') {
				continue // "BZh" then the block size, '1' to '9'
			}
			return m.name
		}
	}
	return ""
}

// readInto is io.ReadAll into buf, which it fills before it grows it.
func readInto(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// event is what a test event (cmd/test2json's TestEvent) or a build event
// (go help buildjson's BuildEvent) says that the reassembly needs. Their
// other fields (Time, Elapsed, Key, Value, Path, ...) are not read.
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	FailedBuild string
	ImportPath  string // of a build event
}

// Stream is a `go test -json` stream reassembled.
type Stream struct {
	// Packages are the packages of the stream, in the order their first
	// event came (for go test, the order of its arguments).
	Packages []*Package
	// Skipped counts the lines that are not JSON (a line that does not
	// begin with "{", as `2>&1` mixes in "go: downloading ..."); blank
	// lines are not counted. FirstSkipped is the first one's line number
	// and SkippedLine its text (its first 200 bytes).
	Skipped      int
	FirstSkipped int
	SkippedLine  string
	// Build is the output of the build, by package ID (go build -json's
	// ImportPath: "example.com/m/work [example.com/m/work.test]"), which
	// go test's text output writes to standard error, not with the
	// results: the errors of a package that did not build.
	Build map[string][]byte

	text []byte // see Text
}

// Package is one package's part of a stream.
type Package struct {
	// Path is the Package field of its events (its import path).
	Path string
	// Output is the concatenated Output of its "output" events: the text
	// its test binary printed, and go test's lines about it.
	Output []byte
	// ends[i] is the stream line of the event that ended line i+1 of
	// Output (or held its last part, for a last line without newline).
	ends []int32
	// FailedBuild is the package ID its "fail" event names as the cause
	// of a build failure (this package or one it imports), "" if none.
	FailedBuild string
	// Started says the stream holds the package's "start" event, which go
	// test -json (Go 1.20 on) writes first for each package; go tool
	// test2json, reading a text, writes none.
	Started bool
	// Ended says the stream holds the package's final event: a "pass",
	// "fail" or "skip" without a Test, which go test writes last for each
	// package. A package that Started without one was cut short (a killed
	// run, a truncated file), though every line of the stream is whole.
	Ended bool
	// open is whether Output's last line has no newline yet.
	open bool
}

// Line returns the line of the stream that holds the end of line n
// (counted from 1) of p.Output: where a result line's values are; 0 for a
// line Output does not have.
func (p *Package) Line(n int) int {
	if n < 1 || n > len(p.ends) {
		return 0
	}
	return int(p.ends[n-1])
}

// Text is the output of every package of the stream, one after the
// other: the text `go test` without -json prints (without the build's
// errors, which go to standard error). A package's last line that has no
// newline is ended.
func (s *Stream) Text() []byte { return s.text }

// Line returns the line of the stream that holds the end of line n
// (counted from 1) of [Stream.Text], 0 for a line Text does not have.
func (s *Stream) Line(n int) int {
	for _, p := range s.Packages {
		if n <= len(p.ends) {
			return p.Line(n)
		}
		n -= len(p.ends)
	}
	return 0
}

// SyntaxError is a line of a stream that begins as JSON but is not a
// whole event: cut, malformed, or an object that is not an event.
type SyntaxError struct {
	Line int // counted from 1
	Err  error
}

// Error says the line and what is wrong with it.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d: not a go test -json event: %v", e.Line, e.Err)
}

// Unwrap returns the JSON decoder's error (or why the object is no event).
func (e *SyntaxError) Unwrap() error { return e.Err }

// eventPrefixes are how the events of go test -json begin: test2json
// writes Time (where it has one), then Action; a build event starts with
// ImportPath.
var eventPrefixes = []string{`{"Time":`, `{"Action":`, `{"ImportPath":`}

// IsStream reports whether data is a `go test -json` stream rather than
// go test's text: its first line that begins with "{" is an event (an
// object with a string Action, or, cut or malformed, one that begins as
// go test writes events), and comes before anything that marks the text
// (a result line, or the goos:, goarch:, pkg: or cpu: lines that open a
// package's results). The lines before it may be anything else: the
// messages `2>&1` mixes in.
func IsStream(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case bytes.HasPrefix(line, []byte("{")):
			var e struct{ Action *string }
			if json.Unmarshal(line, &e) == nil {
				return e.Action != nil
			}
			for _, p := range eventPrefixes {
				if bytes.HasPrefix(line, []byte(p)) {
					return true
				}
			}
			return false
		case bytes.HasPrefix(line, []byte("Benchmark")):
			return false
		}
		for _, k := range []string{"goos:", "goarch:", "pkg:", "cpu:"} {
			if bytes.HasPrefix(line, []byte(k)) {
				return false
			}
		}
	}
	return false
}

// Decode reassembles a `go test -json` stream. A line that does not begin
// with "{" (after blanks) is not JSON: it is skipped and counted. A line
// that begins with "{" and is not a whole event (cut, malformed, of the
// wrong types, or without an Action) is a *SyntaxError naming it: the
// stream is damaged, and what it lost cannot be told. Events of actions
// it does not know are passed over, as a newer go may add some.
//
// It reads the stream twice, the first time to check it and measure each
// package's output, the second to copy the outputs into one text of the
// size they make: the text costs its own size, never the slack of a
// growing buffer per package.
func Decode(data []byte) (*Stream, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) > math.MaxInt32 {
		return nil, fmt.Errorf("%d bytes: more than a stream's %d", len(data), math.MaxInt32)
	}
	s := &Stream{}
	byPath := map[string]*Package{}
	size := map[*Package]int{}
	err := s.events(data, true, func(_ int, e *event) {
		switch e.Action {
		case "build-output":
			if s.Build == nil {
				s.Build = map[string][]byte{}
			}
			s.Build[e.ImportPath] = append(s.Build[e.ImportPath], e.Output...)
			return
		case "build-fail":
			return
		}
		p := byPath[e.Package]
		if p == nil {
			p = &Package{Path: e.Package}
			byPath[e.Package] = p
			s.Packages = append(s.Packages, p)
		}
		switch e.Action {
		case "output":
			size[p] += len(e.Output)
			if e.Output != "" {
				p.open = !strings.HasSuffix(e.Output, "\n")
			}
		case "fail":
			if e.Test == "" && e.FailedBuild != "" {
				p.FailedBuild = e.FailedBuild
			}
		}
		switch e.Action {
		case "start":
			p.Started = true
		case "pass", "fail", "skip":
			if e.Test == "" {
				p.Ended = true
			}
		}
	})
	if err != nil {
		return nil, err
	}
	total := 0
	for _, p := range s.Packages {
		total += size[p]
		if p.open {
			total++
		}
	}
	s.text = make([]byte, total)
	at := 0
	for _, p := range s.Packages {
		p.Output = s.text[at : at : at+size[p]]
		at += size[p]
		if p.open {
			s.text[at] = '\n' // the package's last line ended
			at++
		}
		p.open = false
	}
	_ = s.events(data, false, func(n int, e *event) {
		if e.Action == "output" {
			byPath[e.Package].add(e.Output, n)
		}
	})
	return s, nil
}

// events calls fn with each event of the stream and its line number; with
// count, it counts the lines that are not JSON.
func (s *Stream) events(data []byte, count bool, fn func(n int, e *event)) error {
	n := 0
	for raw := range bytes.Lines(data) {
		n++
		line := bytes.TrimSpace(raw)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			if count && s.Skipped == 0 {
				s.FirstSkipped, s.SkippedLine = n, string(line[:min(len(line), 200)])
			}
			if count {
				s.Skipped++
			}
			continue
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
				err = errors.New("cut short")
			}
			return &SyntaxError{Line: n, Err: err}
		}
		if e.Action == "" {
			return &SyntaxError{Line: n, Err: errors.New("no Action")}
		}
		fn(n, &e)
	}
	return nil
}

// add appends out, which came on stream line n, to p's output (within
// the capacity Decode measured for it).
func (p *Package) add(out string, n int) {
	p.Output = append(p.Output, out...)
	for rest := out; rest != ""; {
		i := strings.IndexByte(rest, '\n')
		if !p.open {
			p.ends = append(p.ends, int32(n))
		}
		p.ends[len(p.ends)-1] = int32(n)
		if i < 0 {
			p.open = true
			break
		}
		p.open = false
		rest = rest[i+1:]
	}
}
