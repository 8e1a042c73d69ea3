package flagserver_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/flags/flagstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// dataset is the copy of the flags in the module's testdata, read directly
// from disk so that the tests do not trust the server's own loading.
var dataset = os.DirFS(filepath.Join("..", "dataset", "flags"))

// client is a plain client whose connections are closed at the end of the
// test (so goleak sees no idle connection goroutines).
func client(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestServesDataset(t *testing.T) {
	srv := flagstest.Start(t)
	c := client(t)
	entries, err := fs.ReadDir(dataset, ".")
	require.NoError(t, err)
	require.Len(t, entries, 194)
	assert.Equal(t, 194, srv.Handler.Codes())
	for _, e := range entries {
		cc := e.Name()
		for _, tt := range []struct{ name, ctype string }{{cc + ".gif", "image/gif"}, {"metadata.json", "application/json"}} {
			want, err := fs.ReadFile(dataset, cc+"/"+tt.name)
			require.NoError(t, err)
			resp, err := c.Get(srv.Flags() + "/" + cc + "/" + tt.name)
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, cc)
			require.Equal(t, want, got, "%s/%s", cc, tt.name)
			assert.Equal(t, tt.ctype, resp.Header.Get("Content-Type"))
			assert.Equal(t, strconv.Itoa(len(want)), resp.Header.Get("Content-Length"))
		}
	}
	st := srv.Handler.Stats()
	assert.Equal(t, 2*194, st.Requests)
	assert.Equal(t, 2*194, st.ByStatus[200])
	assert.Equal(t, 1, st.ByPath["/flags/br/br.gif"])
}

func TestPaths(t *testing.T) {
	srv := flagstest.Start(t)
	c := client(t)
	base := srv.URL
	tests := []struct {
		name, method, url string
		status            int
		length            int // expected Content-Length, -1 to skip
	}{
		{"gif", "GET", srv.Flags() + "/br/br.gif", 200, 11623},
		{"head gif", "HEAD", srv.Flags() + "/br/br.gif", 200, 11623},
		{"metadata", "GET", srv.Flags() + "/br/metadata.json", 200, 70},
		{"upper case", "GET", srv.Flags() + "/BR/BR.gif", 404, -1},
		{"code not in dataset", "GET", srv.Flags() + "/zz/zz.gif", 404, -1},
		{"other file", "GET", srv.Flags() + "/br/br.png", 404, -1},
		{"folder", "GET", srv.Flags() + "/br/", 404, -1},
		{"base", "GET", srv.Flags(), 404, -1},
		{"root", "GET", base + "/", 404, -1},
		{"outside prefix", "GET", base + "/br/br.gif", 404, -1},
		{"post", "POST", srv.Flags() + "/br/br.gif", 405, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, tt.url, nil)
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			if tt.length >= 0 {
				assert.Equal(t, int64(tt.length), resp.ContentLength)
			}
			if tt.method == "HEAD" {
				assert.Empty(t, body)
			}
		})
	}
}

func TestBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  flagserver.Option
	}{
		{"negative delay", flagserver.WithDelay(-time.Second)},
		{"min above max", flagserver.WithDelayRange(2*time.Second, time.Second)},
		{"negative error rate", flagserver.WithErrorRate(-0.1)},
		{"error rate above 1", flagserver.WithErrorRate(1.5)},
		{"error rate NaN", flagserver.WithErrorRate(math.NaN())},
		{"error status 200", flagserver.WithErrorStatus(200)},
		{"error status 600", flagserver.WithErrorStatus(600)},
		{"code with digit", flagserver.WithFault("1A", flagserver.Hang())},
		{"code of 3 letters", flagserver.WithFault("ABC", flagserver.Hang())},
		{"empty code", flagserver.WithFault("", flagserver.Hang())},
		{"fault status 99", flagserver.WithFault("br", flagserver.Status(99))},
		{"zero fault", flagserver.WithFault("br", flagserver.Fault{})},
		{"negative slow body", flagserver.WithFault("br", flagserver.SlowBody(-time.Second))},
		{"nil fs", flagserver.WithFS(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := flagserver.NewServer(tt.opt)
			assert.Nil(t, srv)
			assert.ErrorIs(t, err, flagserver.ErrBadOption)
		})
	}
	_, err := flagserver.NewServer(flagserver.WithFS(fstest.MapFS{}))
	assert.Error(t, err, "an empty folder is an error")
}

// get serves one GET through the handler in-process and returns the
// recorder.
func get(h http.Handler, ctx context.Context, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(ctx, "GET", flagserver.Prefix+path, nil)
	h.ServeHTTP(rec, req)
	return rec
}

// TestDelays measures delays in fake time: exact.
func TestDelays(t *testing.T) {
	t.Run("fixed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h, err := flagserver.NewHandler(flagserver.WithDelay(500 * time.Millisecond))
			require.NoError(t, err)
			start := time.Now()
			rec := get(h, t.Context(), "/br/br.gif")
			assert.Equal(t, 500*time.Millisecond, time.Since(start))
			assert.Equal(t, 200, rec.Code)
			rec = get(h, t.Context(), "/xx/xx.gif")
			assert.Equal(t, time.Second, time.Since(start), "a 404 is delayed too")
			assert.Equal(t, 404, rec.Code)
		})
	})
	t.Run("range", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			lo, hi := 500*time.Millisecond, 5*time.Second
			h, err := flagserver.NewHandler(flagserver.WithDelayRange(lo, hi), flagserver.WithSeed(7))
			require.NoError(t, err)
			var shortest, longest time.Duration = hi, lo
			for range 400 {
				start := time.Now()
				get(h, t.Context(), "/br/br.gif")
				d := time.Since(start)
				require.GreaterOrEqual(t, d, lo)
				require.LessOrEqual(t, d, hi)
				shortest, longest = min(shortest, d), max(longest, d)
			}
			// 400 uniform draws: the extremes fall within 2% of the bounds
			// except with probability about 2 * 0.98^400 = 6e-4.
			assert.Less(t, shortest, lo+(hi-lo)/50)
			assert.Greater(t, longest, hi-(hi-lo)/50)
		})
	})
	t.Run("cancelled request", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h, err := flagserver.NewHandler(flagserver.WithDelay(time.Hour))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			start := time.Now()
			get(h, ctx, "/br/br.gif")
			assert.Equal(t, time.Second, time.Since(start))
			assert.Equal(t, 1, h.Stats().ByStatus[0], "counted as never answered")
		})
	})
	t.Run("closed handler", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h, err := flagserver.NewHandler(flagserver.WithDelay(time.Hour))
			require.NoError(t, err)
			go func() {
				time.Sleep(time.Minute)
				h.Interrupt()
			}()
			start := time.Now()
			get(h, t.Context(), "/br/br.gif")
			assert.Equal(t, time.Minute, time.Since(start))
		})
	})
}

// TestErrorRate: with a fixed seed, the share of errors over many requests
// lies within 5 standard deviations of the rate (binomial).
func TestErrorRate(t *testing.T) {
	const n = 10_000
	tests := []struct {
		p      float64
		status int
	}{{0, 418}, {0.25, 418}, {0.5, 500}, {0.1, 503}, {1, 418}}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.p, 'f', -1, 64)+"/"+strconv.Itoa(tt.status), func(t *testing.T) {
			opts := []flagserver.Option{flagserver.WithErrorRate(tt.p), flagserver.WithSeed(42)}
			if tt.status != 418 {
				opts = append(opts, flagserver.WithErrorStatus(tt.status))
			}
			h, err := flagserver.NewHandler(opts...)
			require.NoError(t, err)
			for range n {
				rec := get(h, t.Context(), "/br/br.gif")
				require.Contains(t, []int{200, tt.status}, rec.Code)
			}
			st := h.Stats()
			mean, sd := n*tt.p, math.Sqrt(n*tt.p*(1-tt.p))
			assert.InDelta(t, mean, float64(st.ByStatus[tt.status]), 5*sd+0.5)
			assert.Equal(t, n, st.ByStatus[200]+st.ByStatus[tt.status])
		})
	}
}

// TestErrorRateSeeded: the same seed gives the same answers, another seed
// others.
func TestErrorRateSeeded(t *testing.T) {
	codes := func(seed uint64) (out []int) {
		h, err := flagserver.NewHandler(flagserver.WithErrorRate(0.5), flagserver.WithSeed(seed))
		require.NoError(t, err)
		for range 64 {
			out = append(out, get(h, t.Context(), "/br/br.gif").Code)
		}
		return out
	}
	assert.Equal(t, codes(1), codes(1))
	assert.NotEqual(t, codes(1), codes(2))
}

func TestFaults(t *testing.T) {
	srv := flagstest.Start(t,
		flagserver.WithFault("BR", flagserver.Status(500)),
		flagserver.WithFault("cn", flagserver.Hang()),
		flagserver.WithFault("in", flagserver.ResetMidBody()),
		flagserver.WithFault("us", flagserver.ShortBody()),
		flagserver.WithFault("id", flagserver.SlowBody(100*time.Millisecond)),
		flagserver.WithFault("pk", flagserver.Redirect()),
		flagserver.WithFault("zz", flagserver.Status(503)),
	)
	read := func(c *http.Client, path string) (*http.Response, []byte, error) {
		resp, err := c.Get(srv.Flags() + path)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	c := client(t)

	t.Run("status", func(t *testing.T) {
		resp, _, err := read(c, "/br/br.gif")
		require.NoError(t, err)
		assert.Equal(t, 500, resp.StatusCode)
		resp, _, err = read(c, "/zz/zz.gif")
		require.NoError(t, err)
		assert.Equal(t, 503, resp.StatusCode, "a fault may target a code outside the dataset")
	})
	t.Run("hang", func(t *testing.T) {
		short := &http.Client{Transport: c.Transport, Timeout: 200 * time.Millisecond}
		_, _, err := read(short, "/cn/cn.gif")
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
	})
	t.Run("reset mid-body", func(t *testing.T) {
		resp, body, err := read(c, "/in/in.gif")
		require.NotNil(t, resp)
		assert.Equal(t, 200, resp.StatusCode)
		require.ErrorIs(t, err, syscall.ECONNRESET, "a reset, not a plain close")
		assert.Less(t, len(body), int(resp.ContentLength))
	})
	t.Run("short body", func(t *testing.T) {
		resp, body, err := read(c, "/us/us.gif")
		require.NotNil(t, resp)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Less(t, len(body), int(resp.ContentLength))
	})
	t.Run("slow body", func(t *testing.T) {
		want, _ := fs.ReadFile(dataset, "id/id.gif")
		resp, body, err := read(c, "/id/id.gif")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, want, body)
	})
	t.Run("redirect", func(t *testing.T) {
		want, _ := fs.ReadFile(dataset, "pk/pk.gif")
		resp, body, err := read(c, "/pk/pk.gif")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, want, body)
		assert.Equal(t, 1, srv.Handler.Stats().ByStatus[302])
	})
	t.Run("metadata of a faulty code", func(t *testing.T) {
		resp, _, err := read(c, "/br/metadata.json")
		require.NoError(t, err)
		assert.Equal(t, 500, resp.StatusCode)
	})
}

// TestCloseWithHangingRequest: Close returns although a request hangs and
// its client never gives up; the client then sees an error.
func TestCloseWithHangingRequest(t *testing.T) {
	srv, err := flagserver.NewServer(flagserver.WithFault("cn", flagserver.Hang()), flagserver.WithDelay(time.Hour))
	require.NoError(t, err)
	c := client(t)
	errc := make(chan error, 2)
	for _, p := range []string{"/cn/cn.gif", "/br/br.gif"} {
		go func() {
			resp, err := c.Get(srv.Flags() + p)
			if err == nil {
				resp.Body.Close()
				err = errors.New("unexpected answer")
			}
			errc <- err
		}()
	}
	require.Eventually(t, func() bool { return srv.Handler.InFlight() >= 2 }, 5*time.Second, time.Millisecond)
	srv.Close()
	assert.Error(t, <-errc)
	assert.Error(t, <-errc)
}

// TestURLIsRoot: like httptest.Server's, URL is the server's root, and the
// flags are under Flags().
func TestURLIsRoot(t *testing.T) {
	srv := flagstest.Start(t)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	assert.Equal(t, "", u.Path)
	assert.Equal(t, srv.URL+flagserver.Prefix, srv.Flags())
	resp, err := http.Get(srv.Flags() + "/br/metadata.json")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
