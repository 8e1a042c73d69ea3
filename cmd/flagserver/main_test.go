package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/cli/clitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// started is a flagserver running in-process.
type started struct {
	urls   []string // the first word of each line printed
	cancel context.CancelFunc
	done   chan int // exit status
	stderr *bytes.Buffer
}

// start runs flagserver with args and reads the n base URLs it prints.
func start(t *testing.T, n int, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, done: make(chan int, 1), stderr: &bytes.Buffer{}}
	go func() {
		err := run(ctx, args, nil, pw, s.stderr)
		pw.CloseWithError(io.EOF)
		s.done <- cli.Report(s.stderr, "flagserver", err)
	}()
	sc := bufio.NewScanner(pr)
	for range n {
		require.True(t, sc.Scan(), "flagserver printed %d lines, stderr %q", len(s.urls), s.stderr)
		s.urls = append(s.urls, strings.Fields(sc.Text())[0])
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

func get(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestBookServers(t *testing.T) {
	bookAddrs = [3]string{"127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"}
	s := start(t, 3)
	c := newClient(t)
	for _, u := range s.urls {
		assert.True(t, strings.HasPrefix(u, "http://127.0.0.1:"), u)
		assert.True(t, strings.HasSuffix(u, "/flags"), u)
	}
	assert.Equal(t, 200, get(t, c, s.urls[0]+"/br/br.gif"))
	startAt := time.Now()
	assert.Equal(t, 200, get(t, c, s.urls[1]+"/br/br.gif"))
	assert.GreaterOrEqual(t, time.Since(startAt), 500*time.Millisecond, "DELAY waits 0.5 s")
	errors := 0
	for range 200 {
		if get(t, c, s.urls[2]+"/br/br.gif") == 418 {
			errors++
		}
	}
	// 25% of 200: mean 50, sd 6.1; 5 sd either side.
	assert.InDelta(t, 50, errors, 31)
}

func TestOneServer(t *testing.T) {
	s := start(t, 1, "-addr", "127.0.0.1:0", "-error-rate", "1", "-error-status", "503")
	c := newClient(t)
	assert.Equal(t, 503, get(t, c, s.urls[0]+"/br/br.gif"))
}

func TestDir(t *testing.T) {
	s := start(t, 1, "-dir", "../../flags/dataset/flags")
	c := newClient(t)
	assert.Equal(t, 200, get(t, c, s.urls[0]+"/br/metadata.json"))
	assert.Equal(t, 404, get(t, c, s.urls[0]+"/xx/metadata.json"))
}

// TestShutdown: a signal (ctx cancelled) lets a request in flight finish and
// the command exits 130 (interrupted).
func TestShutdown(t *testing.T) {
	handlers := make(chan []*flagserver.Handler, 1)
	testHookServing = func(hs []*flagserver.Handler) { handlers <- hs }
	defer func() { testHookServing = nil }()
	s := start(t, 1, "-delay", "300ms")
	h := (<-handlers)[0]
	c := newClient(t)
	status := make(chan int, 1)
	go func() {
		resp, err := c.Get(s.urls[0] + "/br/br.gif")
		if err != nil {
			status <- -1
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	// Until the request waits its delay in the server.
	require.Eventually(t, func() bool { return h.InFlight() > 0 }, 5*time.Second, time.Millisecond)
	s.cancel()
	assert.Equal(t, 200, <-status, "the request in flight finished")
	assert.Equal(t, 130, <-s.done)
	s.done <- 130 // for the cleanup
	_, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(s.urls[0], "/flags"), "http://"))
	assert.Error(t, err, "no longer listening")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown flag", []string{"-fast"}, 2, "-fast"},
		{"rate above 1", []string{"-error-rate", "1.5"}, 2, "-error-rate"},
		{"negative rate", []string{"-error-rate", "-0.1"}, 2, "-error-rate"},
		{"rate not a number", []string{"-error-rate", "lots"}, 2, "-error-rate"},
		{"negative delay", []string{"-delay", "-1s"}, 2, "-delay"},
		{"delay range reversed", []string{"-delay", "5s..1s"}, 2, "-delay"},
		{"delay not a duration", []string{"-delay", "soon"}, 2, "-delay"},
		{"bad error status", []string{"-error-status", "200"}, 2, "error status"},
		{"argument", []string{"extra"}, 2, "unexpected argument"},
		{"missing dir", []string{"-dir", "/nonexistent"}, 1, "-dir"},
		{"bad address", []string{"-addr", "127.0.0.1:99999"}, 1, "cannot listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, nil, &stdout, &stderr)
			code := cli.Report(&stderr, "flagserver", err)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr.String(), tt.msg)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
			assert.Empty(t, stdout.String())
		})
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"-addr", ln.Addr().String()}, nil, &stdout, &stderr)
	assert.Equal(t, 1, cli.Report(&stderr, "flagserver", err))
	assert.Contains(t, stderr.String(), "address already in use")
}

// TestDoc keeps the doc comment (the manual on pkg.go.dev) and -h in step.
func TestDoc(t *testing.T) { clitest.CheckDoc(t, "main.go", run) }
