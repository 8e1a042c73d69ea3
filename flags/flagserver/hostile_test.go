package flagserver

import (
	"bufio"
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
	c, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(s.URL, Prefix), "http://"))
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
// and does not hold up a Stop.
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
	s.Stop(2 * time.Second)
	assert.Less(t, time.Since(start), 2500*time.Millisecond)
}

// TestStopDuringDelay: requests still in their delay when the server stops
// get a 503 with Connection: close, from the front (a plain request) and
// from net/http (an error status the front leaves to it), never an empty 200.
func TestStopDuringDelay(t *testing.T) {
	tests := map[string][]Option{
		"front":    {WithDelay(time.Hour)},
		"net/http": {WithDelay(time.Hour), WithErrorStatus(499), WithErrorRate(0.01)},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			s := start(t, opts...)
			c := dialServer(t, s)
			_, err := io.WriteString(c, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			require.Eventually(t, func() bool { return s.InFlight() == 1 }, 5*time.Second, 10*time.Millisecond)
			start := time.Now()
			go s.Stop(1500 * time.Millisecond)
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
