package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/flags/flagstest"
	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/cli/clitest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseCodes(t *testing.T) {
	all := flags.AllCodes()
	tests := []struct {
		name  string
		args  []string
		want  []string // nil: check only the length
		count int
	}{
		{name: "default is POP20 sorted", args: nil, count: 20,
			want: []string{"BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP", "MX", "NG", "PH", "PK", "RU", "TR", "US", "VN"}},
		{name: "one letter", args: []string{"B"}, count: 26},
		{name: "lower case", args: []string{"br", "Cn"}, want: []string{"BR", "CN"}, count: 2},
		{name: "duplicates", args: []string{"BR", "br", "B"}, count: 26},
		{name: "all with limit", args: []string{"-a", "-l", "10"}, want: all[:10], count: 10},
		{name: "combined short options", args: []string{"-al", "10"}, want: all[:10], count: 10},
		{name: "book's command line", args: []string{"-s", "ERROR", "-al", "100", "-m", "100"}, want: all[:100], count: 100},
		{name: "every", args: []string{"-e"}, count: 676},
		{name: "every wins over all", args: []string{"-a", "-e"}, count: 676},
		{name: "options after codes", args: []string{"BR", "-v", "CN"}, want: []string{"BR", "CN"}, count: 2},
		{name: "limit above count", args: []string{"-l", "50", "BR"}, want: []string{"BR"}, count: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(tt.args, io.Discard)
			require.NoError(t, err)
			assert.Len(t, o.codes, tt.count)
			if tt.want != nil {
				assert.Equal(t, tt.want, o.codes)
			}
		})
	}
	o, err := parseArgs([]string{"--max-req", "7", "-s", "delay", "--mode", "async"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 7, o.maxReq)
	assert.Equal(t, "DELAY", o.label)
	assert.Equal(t, "http://127.0.0.1:8002/flags", o.baseURL)
	o, err = parseArgs([]string{"--mode", "async"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 5, o.maxReq, "async defaults to 5, as in the book")
}

// runCmd runs getflags in-process and returns stdout, stderr and the exit status.
func runCmd(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, nil, &stdout, &stderr)
	code := cli.Report(&stderr, "getflags", err) // before reading stderr: Report writes to it
	return stdout.String(), stderr.String(), code
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"code with a digit", []string{"1A"}, "A to Z or AA to ZZ"},
		{"code of three letters", []string{"ABC"}, "A to Z or AA to ZZ"},
		{"max_req zero", []string{"-m", "0"}, "--max_req"},
		{"limit zero", []string{"-l", "0"}, "--limit"},
		{"unknown server", []string{"-s", "NOWHERE"}, "--server"},
		{"ftp server", []string{"-s", "ftp://example.com/flags"}, "--server"},
		{"unknown mode", []string{"--mode", "threads"}, "unknown mode"},
		{"unknown option", []string{"--turbo"}, "turbo"},
		{"negative retries", []string{"--retries", "-1"}, "--retries"},
		{"zero timeout", []string{"--timeout", "0s"}, "--timeout"},
		{"limit not a number", []string{"-l", "ten"}, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, t.Context(), tt.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			lines := strings.Split(stderr, "\n")
			assert.True(t, strings.HasPrefix(lines[0], "getflags: "), stderr)
			assert.Contains(t, lines[0], tt.msg)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
			assert.Contains(t, stderr, "(see 'getflags -h')")
		})
	}
}

var elapsed = regexp.MustCompile(`Elapsed time: \d+\.\d\ds`)

// golden compares got with testdata/name.golden (rewritten with -update),
// after normalizing the elapsed time.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = elapsed.ReplaceAllString(got, "Elapsed time: X.XXs")
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

func TestReports(t *testing.T) {
	srv := flagstest.Start(t,
		flagserver.WithFault("cn", flagserver.Status(500)),
		flagserver.WithFault("in", flagserver.Hang()),
		flagserver.WithFault("us", flagserver.ShortBody()),
	)
	// The server's port changes every run: name it in the output.
	port := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"verbose_sequential", []string{"-v", "--mode", "sequential", "--timeout", "300ms", "BR", "CN", "IN", "US", "ZZ", "DE"}, 1},
		{"summary_completed", []string{"--timeout", "300ms", "B", "C"}, 1},
		{"one_flag", []string{"BR"}, 0},
		{"not_found_is_no_error", []string{"-v", "--mode", "pool", "BR", "QQ", "XX"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-s", srv.Flags(), "--dest", t.TempDir()}, tt.args...)
			stdout, stderr, code := runCmd(t, t.Context(), args...)
			assert.Equal(t, tt.code, code, stderr)
			golden(t, tt.name, port.ReplaceAllString(stdout, "http://127.0.0.1:PORT"))
		})
	}
}

func TestInterrupted(t *testing.T) {
	srv := flagstest.Start(t, flagserver.WithDelay(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for deadline := time.Now().Add(5 * time.Second); srv.Handler.InFlight() < 3 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	dest := t.TempDir()
	stdout, _, code := runCmd(t, ctx, "-s", srv.Flags(), "--dest", dest, "-m", "3", "-al", "10")
	assert.Equal(t, 130, code)
	assert.Contains(t, stdout, "0 flags downloaded.\n10 not attempted or cut short (interrupted).\n")
	entries, _ := os.ReadDir(dest)
	assert.Empty(t, entries, "no partial file")
}

func TestUnreachableSaidOnce(t *testing.T) {
	stdout, stderr, code := runCmd(t, t.Context(), "-s", "http://127.0.0.1:1/flags", "--dest", t.TempDir(), "-v")
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(stderr, "cannot reach"), stderr)
	assert.Contains(t, stdout, "20 errors.")
	assert.NotContains(t, stdout, "connection refused", "not a line per code")
	// LOCAL, pointed at a port nothing listens on, whatever runs on 8001.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/flags"
	ln.Close()
	defer func(old string) { servers["LOCAL"] = old }(servers["LOCAL"])
	servers["LOCAL"] = closed
	_, stderr, _ = runCmd(t, t.Context(), "--dest", t.TempDir())
	assert.Contains(t, stderr, "cannot reach LOCAL site "+closed)
	assert.Contains(t, stderr, "go run ./cmd/flagserver")
}

func TestDestCreated(t *testing.T) {
	srv := flagstest.Start(t)
	dest := filepath.Join(t.TempDir(), "a", "b")
	_, _, code := runCmd(t, t.Context(), "-s", srv.Flags(), "--dest", dest, "--metadata", "BR", "US")
	assert.Equal(t, 0, code)
	for _, name := range []string{"Brazil.gif", "United_States_of_America.gif"} {
		assert.FileExists(t, filepath.Join(dest, name))
	}
}

// TestDoc keeps the doc comment (the manual on pkg.go.dev) and -h in step.
func TestDoc(t *testing.T) { clitest.CheckDoc(t, "main.go", run) }
