package flagserver

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// liveConns returns the number of connections the server has open.
func (s *Server) liveConns() int { return int(s.conns.Load()) }

// delayReq asks for a flag on a new connection and returns it once the
// request reached the handler.
func delayReq(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	conn := dialServer(t, srv)
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := io.WriteString(conn, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return srv.Handler.InFlight() >= 1 }, 5*time.Second, time.Millisecond, "the request never reached the server")
	return conn
}

// TestShutdown: Shutdown closes idle connections at once, stops accepting,
// and returns once they are gone.
func TestShutdown(t *testing.T) {
	srv := start(t)
	idle := dialServer(t, srv)
	idle.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := io.WriteString(idle, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Len(t, body, 11623)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "Shutdown waited for idle connections")
	n, err := idle.Read(make([]byte, 1))
	assert.Zero(t, n)
	assert.ErrorIs(t, err, io.EOF)
	_, err = net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	assert.Error(t, err, "the server still accepts")
	_, open := <-srv.Err()
	assert.False(t, open, "Err is closed, with no error, once the server stops accepting")
}

// TestDelay: the answer after the delay; nothing, counted as status 0, when
// the client leaves during it; a 503 and the connection's end when the
// server is closed during it; the answer still when it shuts down.
func TestDelay(t *testing.T) {
	t.Run("answer after the delay", func(t *testing.T) {
		const delay = 50 * time.Millisecond
		srv := start(t, WithDelay(delay))
		t0 := time.Now()
		conn := delayReq(t, srv)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(t0), delay)
	})
	t.Run("client leaves", func(t *testing.T) {
		srv := start(t, WithDelay(time.Hour))
		delayReq(t, srv).Close()
		require.Eventually(t, func() bool { return srv.Handler.InFlight() == 0 }, 5*time.Second, time.Millisecond, "the handler never saw the client leave")
		assert.Equal(t, map[int]int{0: 1}, srv.Handler.Stats().ByStatus)
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
		assert.Equal(t, map[int]int{503: 1}, srv.Handler.Stats().ByStatus)
	})
	t.Run("server shut down", func(t *testing.T) {
		srv := start(t, WithDelay(100*time.Millisecond))
		conn := delayReq(t, srv)
		require.NoError(t, srv.Shutdown(t.Context()))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, map[int]int{200: 1}, srv.Handler.Stats().ByStatus)
	})
}
