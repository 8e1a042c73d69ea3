package testjson

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// out is an output event of package pkg (as test2json writes it, without
// a time).
func out(pkg, output string) string {
	return `{"Action":"output","Package":"` + pkg + `","Output":` + quote(output) + "}\n"
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestDecode(t *testing.T) {
	const a, b = "example.com/m/a", "example.com/m/b"
	tests := []struct {
		name     string
		stream   string
		text     string // Stream.Text
		pkgs     []string
		skipped  int
		first    int    // FirstSkipped
		errLine  int    // a *SyntaxError at this line
		errMatch string // in its message
	}{
		{
			name: "a name and its result in two events (test2json flushes the name)",
			stream: `{"Action":"start","Package":"` + a + `"}` + "\n" +
				out(a, "pkg: "+a+"\n") + out(a, "BenchmarkX/workers=2-2  \t") + out(a, "  100\t 123 ns/op\n"),
			text: "pkg: " + a + "\nBenchmarkX/workers=2-2  \t  100\t 123 ns/op\n",
			pkgs: []string{a},
		},
		{
			name:   "a long line in three events",
			stream: out(a, "    sweep-sites: BenchmarkX-2 {\"ops\"") + out(a, ":10,\"cpu\":[]") + out(a, "}\n"),
			text:   "    sweep-sites: BenchmarkX-2 {\"ops\":10,\"cpu\":[]}\n",
			pkgs:   []string{a},
		},
		{
			name: "packages interleaved: each reassembled in order, in the order they started",
			stream: out(a, "pkg: "+a+"\n") + out(b, "pkg: "+b+"\n") + out(b, "BenchmarkY-2 \t") +
				out(a, "BenchmarkX-2 \t") + out(a, "1\t5 ns/op\n") + out(b, "2\t7 ns/op\n"),
			text: "pkg: " + a + "\nBenchmarkX-2 \t1\t5 ns/op\n" + "pkg: " + b + "\nBenchmarkY-2 \t2\t7 ns/op\n",
			pkgs: []string{a, b},
		},
		{
			name:    "lines that are not JSON skipped and counted, blank lines not",
			stream:  "go: downloading golang.org/x/perf v0.0.0\n\n" + out(a, "x\n") + "   \n# example.com/m/a\n" + out(a, "y\n"),
			text:    "x\ny\n",
			pkgs:    []string{a},
			skipped: 2, first: 1,
		},
		{
			name:   "CRLF line ends and a byte order mark",
			stream: "\xef\xbb\xbf" + strings.ReplaceAll(out(a, "x\n")+out(a, "y\n"), "\n", "\r\n"),
			text:   "x\ny\n",
			pkgs:   []string{a},
		},
		{
			name: "build events kept apart; unknown actions passed over",
			stream: `{"ImportPath":"` + a + ` [` + a + `.test]","Action":"build-output","Output":"# ` + a + `\n"}` + "\n" +
				`{"ImportPath":"` + a + ` [` + a + `.test]","Action":"build-fail"}` + "\n" +
				`{"Action":"attr","Package":"` + a + `","Test":"TestX","Key":"k","Value":"v"}` + "\n" +
				out(a, "FAIL\t"+a+" [build failed]\n"),
			text: "FAIL\t" + a + " [build failed]\n",
			pkgs: []string{a},
		},
		{
			name:   "a last line without a newline is ended",
			stream: out(a, "x\n") + out(a, "BenchmarkX-2 \t") + out(b, "y\n"),
			text:   "x\nBenchmarkX-2 \t\ny\n",
			pkgs:   []string{a, b},
		},
		{name: "cut short", stream: out(a, "x\n") + `{"Action":"output","Package":"` + a + `","Outp`, errLine: 2, errMatch: "cut short"},
		{name: "malformed", stream: out(a, "x\n") + out(a, "y\n") + `{"Action":"output",,}` + "\n", errLine: 3, errMatch: "invalid character"},
		{name: "a field of the wrong type", stream: `{"Action":"output","Output":7}` + "\n", errLine: 1, errMatch: "Output"},
		{name: "an object that is no event", stream: out(a, "x\n") + `{"ops":10}` + "\n", errLine: 2, errMatch: "no Action"},
		{
			name:     "an Output whose sites line's JSON was not escaped",
			stream:   out(a, "x\n") + `{"Action":"output","Package":"` + a + `","Output":"    sweep-sites: BenchmarkX-2 {"ops":10}\n"}` + "\n",
			errLine:  2,
			errMatch: "invalid character 'o' after object key:value pair",
		},
		{name: "two events on one line", stream: strings.TrimSuffix(out(a, "x\n"), "\n") + out(a, "y\n"), errLine: 1, errMatch: "after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode([]byte(tt.stream))
			if tt.errLine > 0 {
				var se *SyntaxError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.errLine, se.Line)
				assert.Contains(t, err.Error(), tt.errMatch)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.text, string(s.Text()))
			var pkgs []string
			for _, p := range s.Packages {
				pkgs = append(pkgs, p.Path)
			}
			assert.Equal(t, tt.pkgs, pkgs)
			assert.Equal(t, tt.skipped, s.Skipped)
			assert.Equal(t, tt.first, s.FirstSkipped)
		})
	}
}

// TestLine: each line of the text is found at the stream line of the
// event that ends it.
func TestLine(t *testing.T) {
	const a, b = "a", "b"
	stream := out(a, "one\n") + // 1
		"go: downloading x\n" + // 2
		out(b, "B1\nB2") + // 3
		out(a, "two ") + // 4
		out(a, "still two\nthree\n") + // 5
		out(b, " still B2\n") // 6
	s, err := Decode([]byte(stream))
	require.NoError(t, err)
	require.Equal(t, "one\ntwo still two\nthree\nB1\nB2 still B2\n", string(s.Text()))
	for n, want := range []int{0, 1, 5, 5, 3, 6, 0} {
		assert.Equal(t, want, s.Line(n), "line %d of the text", n)
	}
}

func TestIsStream(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"an event", `{"Time":"2026-12-06T23:19:02Z","Action":"start","Package":"p"}` + "\n", true},
		{"after messages of 2>&1", "go: downloading golang.org/x/perf v0.0.0\n\n" + `{"Action":"start"}`, true},
		{"a build event first", `{"ImportPath":"p [p.test]","Action":"build-output","Output":"# p\n"}`, true},
		{"its first event cut", `{"Time":"2026-12-06T23:1`, true},
		{"a byte order mark and CRLF", "\xef\xbb\xbf{\"Action\":\"start\"}\r\n", true},
		{"text", "goos: linux\npkg: p\nBenchmarkX-2 \t1\t5 ns/op\n", false},
		{"text, then JSON a benchmark printed", "pkg: p\nBenchmarkX-2 \t1\t5 ns/op\n" + `{"Action":"start"}`, false},
		{"JSON that is not an event", `{"ops":10}` + "\ngoos: linux\n", false},
		{"an indented sites line", "    sweep-sites: BenchmarkX-2 {\"ops\":10}\n", false},
		{"empty", "", false},
		{"nothing but messages", "go: downloading x\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsStream([]byte(tt.data)))
		})
	}
}

func gz(t *testing.T, parts ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, p := range parts { // one member each, as `cat a.gz b.gz` makes
		zw := gzip.NewWriter(&buf)
		_, err := zw.Write(p)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
	}
	return buf.Bytes()
}

func TestReadAll(t *testing.T) {
	text := []byte("pkg: p\nBenchmarkX-2 \t1\t5 ns/op\n")
	bomb := bytes.Repeat(gz(t, make([]byte, 1<<20)), 4) // 4 MiB of zeros in ~4 KiB, 4 members
	whole := gz(t, text)
	tests := []struct {
		name  string
		in    []byte
		limit int64
		want  string
		err   string
		large bool // ErrTooLarge
	}{
		{name: "text", in: text, limit: 1 << 20, want: string(text)},
		{name: "gzip", in: whole, limit: 1 << 20, want: string(text)},
		{name: "two gzip members", in: gz(t, text[:10], text[10:]), limit: 1 << 20, want: string(text)},
		{name: "text at the limit", in: text, limit: int64(len(text)), want: string(text)},
		{name: "text over the limit", in: text, limit: int64(len(text)) - 1, err: "more than", large: true},
		{name: "gzip over the limit once decompressed", in: whole, limit: int64(len(text)) - 1, err: "decompressed", large: true},
		{name: "a gzip bomb", in: bomb, limit: 1 << 20, err: "more than 1048576 bytes decompressed", large: true},
		{name: "gzip cut short", in: whole[:len(whole)-5], limit: 1 << 20, err: "gzip: unexpected EOF"},
		{name: "gzip's magic, then no gzip", in: []byte("\x1f\x8bnot gzip at all"), limit: 1 << 20, err: "gzip: invalid header"},
		{name: "gzip with a bad checksum", in: append(whole[:len(whole)-8:len(whole)-8], 0, 0, 0, 0, byte(len(text)), 0, 0, 0), limit: 1 << 20, err: "gzip: invalid checksum"},
		{name: "gzip, then junk", in: append(slices.Clip(whole), "junk"...), limit: 1 << 20, err: "gzip: trailing data after the gzip stream"},
		{name: "gzip, then one byte of junk", in: append(slices.Clip(whole), 0), limit: 1 << 20, err: "gzip: trailing data after the gzip stream"},
		{name: "gzip, then a cut member", in: append(slices.Clip(whole), whole[:5]...), limit: 1 << 20, err: "gzip: unexpected EOF"},
		{name: "one byte", in: []byte{0x1f}, limit: 1 << 20, want: "\x1f"},
		{name: "empty", in: nil, limit: 1 << 20, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte a read: the magic bytes are peeked whatever the reads.
			got, err := ReadAll(iotest.OneByteReader(bytes.NewReader(tt.in)), tt.limit)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Equal(t, tt.large, errors.Is(err, ErrTooLarge))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			if bytes.HasPrefix(tt.in, gzipMagic) {
				// A pipe's gzip too is read into a buffer of its size.
				assert.LessOrEqual(t, cap(got), len(got)+1, "no slack")
			}
		})
	}
}

// TestReadAllStopsAtLimit: a bomb is read no further than the limit.
func TestReadAllStopsAtLimit(t *testing.T) {
	bomb := bytes.Repeat(gz(t, make([]byte, 1<<20)), 16) // 16 members of 1 MiB of zeros
	r := &countingReader{r: bytes.NewReader(bomb)}
	_, err := ReadAll(r, 256<<10)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Less(t, r.n, int64(len(bomb)/2), "compressed bytes read, of %d: 16 MiB of zeros compress ~1000x, 256 KiB of them to ~256 bytes (read in 4 KiB)", len(bomb))
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// test2json runs the real converter (go tool test2json -p pkg) on text
// written in the given pieces (as a test binary writes; the converter may
// read several at once).
func test2json(t *testing.T, pkg string, pieces ...string) []byte {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command here")
	}
	cmd := exec.Command(goBin, "tool", "test2json", "-p", pkg)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Start())
	for _, p := range pieces {
		_, err := io.WriteString(stdin, p)
		require.NoError(t, err)
	}
	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	return stdout.Bytes()
}

// TestTest2JSON holds Decode against the real converter: what it makes of
// a text reassembles to the text, a benchmark's name flushed before its
// result and lines longer than its 1 KiB buffer (split at UTF-8 bounds)
// included.
func TestTest2JSON(t *testing.T) {
	long := "    sweep-sites: BenchmarkJobs/workers=2-2 {\"ops\":10,\"cpu\":[" + strings.Repeat(`{"func":"süß.f","value":1e-05},`, 120) + `{"func":"g","value":1}]}` + "\n"
	pieces := []string{
		"goos: linux\ngoarch: amd64\npkg: example.com/m\ncpu: AMD EPYC\ncommit: 8a3611e\nlooks: 6 12 20\n",
		"BenchmarkJobs/workers=2-2      \t",
		"       5\t  59936902 ns/op\t 209.94 MB/s\n",
		long,
		"--- FAIL: BenchmarkJobs/workers=4\n    x_test.go:7: boom\n",
		"FAIL\nexit status 1\nFAIL\texample.com/m\t0.5s\n",
	}
	stream := test2json(t, "example.com/m", pieces...)
	s, err := Decode(stream)
	require.NoError(t, err)
	assert.Equal(t, strings.Join(pieces, ""), string(s.Text()))
	assert.Zero(t, s.Skipped)
	require.Len(t, s.Packages, 1)
	assert.Equal(t, "example.com/m", s.Packages[0].Path)

	var parts, longest int
	for line := range bytes.Lines(stream) {
		var e event
		require.NoError(t, json.Unmarshal(line, &e))
		if e.Action == "output" && !strings.HasSuffix(e.Output, "\n") {
			parts++
		}
		longest = max(longest, len(e.Output))
	}
	assert.GreaterOrEqual(t, parts, 3, "the name before its result, the sites line in pieces of at most 1 KiB: %s", stream)
	assert.LessOrEqual(t, longest, 1024)
	assert.Empty(t, s.Failures(), "a failed benchmark is said by its own line")
}

// TestReadAllFile: a file is read into a buffer of its size, to its end,
// and over the limit it is refused alike.
func TestReadAllFile(t *testing.T) {
	text := bytes.Repeat([]byte("BenchmarkX-2 \t1\t5 ns/op\n"), 1000)
	path := filepath.Join(t.TempDir(), "out.txt")
	require.NoError(t, os.WriteFile(path, text, 0o644))
	for _, tt := range []struct {
		limit int64
		ok    bool
	}{{int64(len(text)), true}, {int64(len(text)) + 1, true}, {int64(len(text)) - 1, false}} {
		f, err := os.Open(path)
		require.NoError(t, err)
		got, err := ReadAll(f, tt.limit)
		f.Close()
		if tt.ok {
			require.NoError(t, err)
			assert.Equal(t, text, got)
			assert.LessOrEqual(t, cap(got), len(text)+1, "no slack")
		} else {
			assert.ErrorIs(t, err, ErrTooLarge)
		}
	}
}

// TestReadAllGzipFile: a gzipped file is read into a buffer of its
// decompressed size (a first pass counts it), not one grown as it fills:
// a file that inflates to the limit costs the limit, not up to twice it.
// Over the limit, or with junk after its last member, it is refused alike.
func TestReadAllGzipFile(t *testing.T) {
	text := bytes.Repeat([]byte("BenchmarkX-2 \t1\t5 ns/op\n"), 40000) // ~1 MiB
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		data  []byte
		limit int64
		err   error
	}{
		{"one member", gz(t, text), int64(len(text)), nil},
		{"three members", gz(t, text[:100], text[100:5000], text[5000:]), 1 << 30, nil},
		{"over the limit", gz(t, text), int64(len(text)) - 1, ErrTooLarge},
		{"junk after", append(gz(t, text), "\n\x00junk"...), 1 << 30, ErrTrailing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".gz")
			require.NoError(t, os.WriteFile(path, tt.data, 0o644))
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			got, err := ReadAll(f, tt.limit)
			// The same bytes on a pipe (no Stat, no Seek).
			piped, perr := ReadAll(struct{ io.Reader }{bytes.NewReader(tt.data)}, tt.limit)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				assert.ErrorIs(t, perr, tt.err)
				return
			}
			require.NoError(t, err)
			require.NoError(t, perr)
			assert.Equal(t, text, got)
			assert.Equal(t, text, piped)
			assert.LessOrEqual(t, cap(got), len(text)+1, "no slack: read into a buffer of its size")
			assert.LessOrEqual(t, cap(piped), len(text)+1, "no slack on a pipe either")
		})
	}
}

func TestCompressed(t *testing.T) {
	tests := []struct{ data, want string }{
		{"\x28\xb5\x2f\xfd\x00", "zstd"},
		{"\xfd7zXZ\x00\x00", "xz"},
		{"BZh91AY&SY", "bzip2"},
		{"PK\x03\x04", "zip"},
		{"\x1f\x8b\x08", "gzip"},
		{"BZh is no benchmark output\n", ""},
		{"BenchmarkX-2 \t1\t5 ns/op\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Compressed([]byte(tt.data)), "%q", tt.data)
	}
}

// TestDecodeEnded: a package's final event (pass, fail or skip without a
// Test) marks it Ended; a test's own pass does not.
func TestDecodeEnded(t *testing.T) {
	start := func(p string) string { return `{"Action":"start","Package":"` + p + `"}` + "\n" }
	s, err := Decode([]byte(start("a") + out("a", "x\n") + `{"Action":"pass","Package":"a","Elapsed":1}` + "\n" +
		start("b") + `{"Action":"pass","Package":"b","Test":"TestB"}` + "\n" + out("b", "y\n") +
		start("c") + `{"Action":"fail","Package":"c"}` + "\n" + out("d", "no start\n")))
	require.NoError(t, err)
	var got []string
	for _, p := range s.Packages {
		got = append(got, fmt.Sprintf("%s %v %v", p.Path, p.Started, p.Ended))
	}
	assert.Equal(t, []string{"a true true", "b true false", "c true true", "d false false"}, got)
}
