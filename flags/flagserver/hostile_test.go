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

// shortTimeouts makes the Server's timeouts short for one test.
func shortTimeouts(t *testing.T) {
	rh, w := readHeaderTimeout, writeTimeout
	readHeaderTimeout, writeTimeout = 300*time.Millisecond, 300*time.Millisecond
	t.Cleanup(func() { readHeaderTimeout, writeTimeout = rh, w })
}

func dialServer(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSilentConnectionClosed: a connection that never sends a byte is
// closed after readHeaderTimeout (net/http with the same settings does the
// same), not after the idle timeout between requests.
func TestSilentConnectionClosed(t *testing.T) {
	shortTimeouts(t)
	s := start(t)
	c := dialServer(t, s)
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestClientThatNeverReads: a client that sends requests for a large file
// and reads nothing holds its connection no longer than the write timeout,
// and does not hold up a Close.
func TestClientThatNeverReads(t *testing.T) {
	shortTimeouts(t)
	s := start(t)
	c := dialServer(t, s)
	req := "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\n\r\n"
	go func() { // the server's answers fill the socket buffers; the client never reads
		for range 2000 {
			if _, err := io.WriteString(c, req); err != nil {
				return
			}
		}
	}()
	require.Eventually(t, func() bool { return s.liveConns() == 0 }, 5*time.Second, 20*time.Millisecond,
		"the write timeout ends the connection")
	start := time.Now()
	s.Close()
	assert.Less(t, time.Since(start), 1500*time.Millisecond)
}

// TestStopDuringDelay: requests still in their delay when a graceful
// shutdown runs out of time get a 503 with Connection: close from Close,
// never an empty 200, whether the answer would have been a file or an error
// status.
func TestStopDuringDelay(t *testing.T) {
	tests := map[string][]Option{
		"file":         {WithDelay(time.Hour)},
		"error status": {WithDelay(time.Hour), WithErrorStatus(499), WithErrorRate(1)},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			s := start(t, opts...)
			c := dialServer(t, s)
			_, err := io.WriteString(c, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			require.Eventually(t, func() bool { return s.Handler.InFlight() == 1 }, 5*time.Second, 10*time.Millisecond)
			start := time.Now()
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				defer cancel()
				if s.Shutdown(ctx) != nil {
					s.Close()
				}
			}()
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.True(t, resp.Close, "Connection: close")
			assert.Equal(t, "Service Unavailable\n", string(body))
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
}
