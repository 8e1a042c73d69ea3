package flagserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePlain(t *testing.T) {
	const get = "GET /flags/br/br.gif HTTP/1.1\r\n"
	tests := []struct {
		name   string
		req    string
		want   parseState
		target string
		head   bool
	}{
		{"wrk", get + "Host: 127.0.0.1:8001\r\n\r\n", plain, "/flags/br/br.gif", false},
		{"go client", get + "Host: localhost:8001\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n", plain, "/flags/br/br.gif", false},
		{"head", "HEAD /flags/br/metadata.json HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", plain, "/flags/br/metadata.json", true},
		{"keep-alive", get + "Host: x\r\nConnection: Keep-Alive\r\n\r\n", plain, "/flags/br/br.gif", false},
		{"pipelined", get + "Host: x\r\n\r\n" + get + "Host: x\r\n\r\n", plain, "/flags/br/br.gif", false},
		{"any other header", get + "Host: x\r\nRange: bytes=0-1\r\nX-Odd: \x80\t!\r\n\r\n", plain, "/flags/br/br.gif", false},

		{"empty", "", needMore, "", false},
		{"half a line", "GET /flags/br", needMore, "", false},
		{"no end yet", get + "Host: x\r\n", needMore, "", false},
		{"half a header line", get + "Host: x\r\nAccept: */", needMore, "", false},

		{"post", "POST /flags/br/br.gif HTTP/1.1\r\n", notPlain, "", false},
		{"lower-case method", "get /flags/br/br.gif HTTP/1.1\r\n", notPlain, "", false},
		{"http/1.0", "GET /flags/br/br.gif HTTP/1.0\r\n", notPlain, "", false},
		{"http/2 preface", "PRI * HTTP/2.0\r\n", notPlain, "", false},
		{"bare LF", "GET /flags/br/br.gif HTTP/1.1\n", notPlain, "", false},
		{"bare LF in header", get + "Host: x\n", notPlain, "", false},
		{"CR inside a line", get + "Host: x\ry\r\n", notPlain, "", false},
		{"two spaces", "GET  /flags/br/br.gif HTTP/1.1\r\n", notPlain, "", false},
		{"absolute form", "GET http://x/flags/br/br.gif HTTP/1.1\r\n", notPlain, "", false},
		{"asterisk", "GET * HTTP/1.1\r\n", notPlain, "", false},
		{"space in target", "GET /a b HTTP/1.1\r\n", notPlain, "", false},
		{"empty line first", "\r\n" + get, notPlain, "", false},
		{"no host", get + "\r\n", notPlain, "", false},
		{"two hosts", get + "Host: x\r\nHost: x\r\n\r\n", notPlain, "", false},
		{"empty host", get + "Host:\r\n\r\n", notPlain, "", false},
		{"odd host", get + "Host: x/y\r\n\r\n", notPlain, "", false},
		{"connection close", get + "Host: x\r\nConnection: close\r\n\r\n", notPlain, "", false},
		{"connection upgrade", get + "Host: x\r\nConnection: Upgrade\r\n", notPlain, "", false},
		{"content-length", get + "Host: x\r\nContent-Length: 0\r\n", notPlain, "", false},
		{"chunked", get + "Host: x\r\ntransfer-encoding: chunked\r\n", notPlain, "", false},
		{"expect", get + "Host: x\r\nExpect: 100-continue\r\n", notPlain, "", false},
		{"upgrade", get + "Host: x\r\nUpgrade: h2c\r\n", notPlain, "", false},
		{"obs-fold", get + "Host: x\r\n folded\r\n", notPlain, "", false},
		{"space before colon", get + "Host : x\r\n", notPlain, "", false},
		{"no colon", get + "Host\r\n", notPlain, "", false},
		{"control in value", get + "Host: x\r\nA: \x01\r\n", notPlain, "", false},
		{"DEL in value", get + "Host: x\r\nA: \x7f\r\n", notPlain, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state, n, target, head := parsePlain([]byte(tt.req))
			require.Equal(t, tt.want, state)
			if state != plain {
				return
			}
			assert.Equal(t, tt.target, string(target))
			assert.Equal(t, tt.head, head)
			assert.Equal(t, "\r\n\r\n", tt.req[n-4:n], "n ends the first request")
			assert.NotContains(t, tt.req[:n-4], "\r\n\r\n", "n ends the first request")
		})
	}
}

func TestFrontAnswers(t *testing.T) {
	newHandler := func(t *testing.T, opts ...Option) *Handler {
		h, err := NewHandler(opts...)
		require.NoError(t, err)
		return h
	}
	answers := buildAnswers(newHandler(t))
	assert.Len(t, answers.files, 2*194)
	assert.Equal(t, "HTTP/1.1 200 OK\r\nContent-Length: 11623\r\nContent-Type: image/gif\r\nDate: ", string(answers.files["/flags/br/br.gif"].head))
	assert.Equal(t, "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nContent-Type: text/plain; charset=utf-8\r\nDate: ", string(answers.notFound.head))
	assert.Equal(t, "Not Found\n", string(answers.notFound.body))
	assert.Equal(t, "HTTP/1.1 418 I'm a teapot\r\n", string(answers.failure.head[:27]))
	assert.Equal(t, 503, buildAnswers(newHandler(t, WithErrorStatus(503))).failure.status)
	assert.Nil(t, buildAnswers(newHandler(t, WithErrorStatus(599))), "no standard text: net/http answers")

	srv := Serve(listen(t), newHandler(t, WithFault("BR", Status(500))))
	defer srv.Close()
	for target, want := range map[string]bool{
		"/flags/br/br.gif":   false, // a faulty code
		"/flags/br/other":    false,
		"/flags/us/us.gif":   true,
		"/flags/zz/zz.gif":   true, // 404
		"/":                  true,
		"/flags/us/us.gif?x": false,
		"/flags/us/us%2egif": false,
		"/flags/us/us.gif#x": false,
		"*":                  false,
	} {
		assert.Equal(t, want, srv.frontServes([]byte(target)), target)
	}
}

// TestFrontKeepsPlainConnections: plain requests on a connection stay with
// the front, the first other one hands the connection to net/http, which
// answers it and those after it.
func TestFrontKeepsPlainConnections(t *testing.T) {
	srv := start(t)
	plainReq := "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n"
	got := exchange(t, srv.URL, strings.Repeat(plainReq, 50))
	assert.Equal(t, 50, strings.Count(got, "HTTP/1.1 200 OK"))
	assert.Zero(t, srv.handoff.pushed.Load())

	got = exchange(t, srv.URL, plainReq+"GET /flags/xx/xx.gif HTTP/1.1\r\nHost: x\r\n\r\n"+plainReq)
	assert.Equal(t, 2, strings.Count(got, "HTTP/1.1 200 OK"))
	assert.Equal(t, 1, strings.Count(got, "HTTP/1.1 404 Not Found"))
	assert.Zero(t, srv.handoff.pushed.Load(), "the front answers 404 too")

	got = exchange(t, srv.URL, plainReq+"GET /flags/br/br.gif?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"+plainReq)
	assert.Equal(t, 3, strings.Count(got, "HTTP/1.1 200 OK"))
	assert.EqualValues(t, 1, srv.handoff.pushed.Load())
	assert.Equal(t, 55, srv.Stats().ByStatus[200])
	assert.Equal(t, 1, srv.Stats().ByStatus[404])
}

var dateHeader = regexp.MustCompile(`(?m)^Date: [^\r\n]*\r$`)

// exchange sends req on a new connection to the server at base, ends its
// writing side, and returns all it reads back, with the Date values blanked.
func exchange(t testing.TB, base, req string) string {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), Prefix)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(conn, req)
	require.NoError(t, err)
	conn.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(conn)
	if err != nil && !isReset(err) {
		require.NoError(t, err)
	}
	return dateHeader.ReplaceAllString(string(got), "Date: -\r")
}

// isReset reports whether err is a connection reset, which net/http causes
// when it closes a connection whose request it has not read to the end.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// FuzzFront sends the same bytes to a Server (front and net/http) and to a
// plain http.Server with the same handler: the answers must be the same,
// byte for byte but for the Date values.
func FuzzFront(f *testing.F) {
	const get = "GET /flags/br/br.gif HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	for _, seed := range []string{
		get,
		get + get + get,
		"HEAD /flags/br/metadata.json HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n",
		get + "GET /flags/zz/zz.gif HTTP/1.1\r\nHost: x\r\n\r\n" + get,
		get + "GET /flags/br/br.gif?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + get,
		get + "GET /flags/br/br.gif HTTP/1.0\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get,
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + get,
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get,
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nshort",
		get + "POST /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
		get + "GET /flags/br/br.gif HTTP/1.1\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.1\nHost: x\n\n",
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 5000) + "\r\n\r\n" + get,
		get + "GARBAGE\r\n\r\n",
		get + "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n",
		get + "GET /flags/br/", // cut short
		"\r\n" + get,
		get + "GET /flags/pk/pk.gif HTTP/1.1\r\nHost: x\r\n\r\n" + get + get,
		get + "HEAD /flags/zz/zz.gif HTTP/1.1\r\nHost: x\r\n\r\n" + get + get,
	} {
		f.Add(seed)
	}
	// Errors and a fault too: the two handlers draw the same answers as
	// long as the same requests reach them in the same order.
	opts := []Option{WithErrorRate(0.3), WithSeed(7), WithFault("pk", Status(503))}
	h1, err := NewHandler(opts...)
	require.NoError(f, err)
	h2, err := NewHandler(opts...)
	require.NoError(f, err)
	srv := Serve(listen(f), h1)
	defer srv.Close()
	ln := listen(f)
	ref := &http.Server{Handler: h2, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout}
	go ref.Serve(ln)
	defer ref.Close()
	refURL := "http://" + ln.Addr().String() + Prefix
	f.Fuzz(func(t *testing.T, req string) {
		want := exchange(t, refURL, req)
		got := exchange(t, srv.URL, req)
		if got != want {
			t.Fatalf("request %q:\nnet/http answered %q\nthe front answered %q", req, clip(want), clip(got))
		}
	})
}

func listen(t testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// clip shortens the bodies of an exchange for an error message.
func clip(s string) string {
	var b bytes.Buffer
	for _, part := range strings.SplitAfter(s, "\r\n\r\n") {
		if len(part) > 300 {
			part = part[:150] + "..." + part[len(part)-150:]
		}
		b.WriteString(part)
	}
	return b.String()
}

// TestShutdownFront: Shutdown closes the front's idle connections and those
// part-way through a request's header at once, and lets an answer being
// written finish.
func TestShutdownFront(t *testing.T) {
	srv := start(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), Prefix)
	dial := func(req string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = io.WriteString(conn, req)
		require.NoError(t, err)
		return conn
	}
	plainReq := "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n"
	idle := dial(plainReq)
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Len(t, body, 11623)
	partial := dial("GET /flags/br/br.gif HTTP/1.1\r\nHo")
	for srv.liveConns() < 2 {
		time.Sleep(time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "Shutdown waited for idle connections")
	n, err := idle.Read(make([]byte, 1))
	assert.Zero(t, n)
	assert.ErrorIs(t, err, io.EOF)
	// The partial request may still be unread in the kernel when the front
	// closes: the client then gets a reset instead of EOF, as from net/http.
	n, err = partial.Read(make([]byte, 1))
	assert.Zero(t, n)
	if !isReset(err) {
		assert.ErrorIs(t, err, io.EOF)
	}
	_, err = net.Dial("tcp", addr)
	assert.Error(t, err, "the server still accepts")
}

// delayReq asks for a flag on a new connection and returns it.
func delayReq(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), Prefix)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(conn, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return srv.InFlight() >= 1 }, 5*time.Second, time.Millisecond, "the request never reached the server")
	return conn
}

// TestFrontDelay: the front waits like the handler: the answer after the
// delay; nothing, counted as status 0, when the client leaves or the server
// is closed during it; the answer still when the server shuts down.
func TestFrontDelay(t *testing.T) {
	t.Run("answer after the delay", func(t *testing.T) {
		const delay = 50 * time.Millisecond
		srv := start(t, WithDelay(delay))
		t0 := time.Now()
		conn := delayReq(t, srv)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(t0), delay)
		assert.Zero(t, srv.handoff.pushed.Load())
	})
	t.Run("client leaves", func(t *testing.T) {
		srv := start(t, WithDelay(time.Hour))
		delayReq(t, srv).Close()
		require.Eventually(t, func() bool { return srv.InFlight() == 0 }, 5*time.Second, time.Millisecond, "the handler never saw the client leave")
		assert.Equal(t, map[int]int{0: 1}, srv.Stats().ByStatus)
	})
	t.Run("server closed", func(t *testing.T) {
		srv := start(t, WithDelay(time.Hour))
		conn := delayReq(t, srv)
		srv.Close()
		// A real answer, then the end of the connection: never silence.
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.True(t, resp.Close)
		_, err = br.ReadByte()
		assert.ErrorIs(t, err, io.EOF)
		assert.Equal(t, map[int]int{503: 1}, srv.Stats().ByStatus)
	})
	t.Run("server shut down", func(t *testing.T) {
		srv := start(t, WithDelay(100*time.Millisecond))
		conn := delayReq(t, srv)
		require.NoError(t, srv.Shutdown(t.Context()))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, map[int]int{200: 1}, srv.Stats().ByStatus)
	})
}

// start is flagstest.Start for this package's own tests (which flagstest,
// built on this package, cannot serve).
func start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
