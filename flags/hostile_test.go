package flags_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/h2non/gock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/flags/flagstest"
	"github.com/futuresbench/futures/pool"
)

// misbehavingRoundTripper misbehaves for the requests whose path holds bad, and
// passes the others on.
type misbehavingRoundTripper struct {
	next http.RoundTripper
	bad  string
	do   func()
}

func (f *misbehavingRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, f.bad) {
		f.do()
	}
	return f.next.RoundTrip(r)
}

// TestTransportFailsEveryMode: a transport that panics, or calls
// runtime.Goexit (t.FailNow does), for one code is that code's Error in
// every mode: 19 flags saved, 20 codes reported, nothing escapes Run.
func TestTransportFailsEveryMode(t *testing.T) {
	srv := flagstest.Start(t)
	faults := map[string]struct {
		do   func()
		want func(t *testing.T, err error)
	}{
		"panic": {func() { panic("proxy bug") }, func(t *testing.T, err error) {
			var pe *pool.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "proxy bug", pe.Value)
			assert.Contains(t, string(pe.Stack), "RoundTrip", "the stack where it panicked")
		}},
		"goexit": {runtime.Goexit, func(t *testing.T, err error) { assert.ErrorIs(t, err, pool.ErrGoexit) }},
	}
	for name, fault := range faults {
		for _, mode := range flags.Modes() {
			t.Run(name+"/"+string(mode), func(t *testing.T) {
				tr := http.DefaultTransport.(*http.Transport).Clone()
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: &misbehavingRoundTripper{next: tr, bad: "/br/", do: fault.do}}
				dest := t.TempDir()
				d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest, Client: client}
				got, counts := run(t, d, mode, 5, flags.POP20())
				assert.Equal(t, flags.Counts{OK: 19, Error: 1}, counts)
				assert.Equal(t, flags.Error, got["BR"].Status)
				fault.want(t, got["BR"].Err)
				for _, cc := range flags.POP20() {
					assert.Equal(t, cc, got[cc].CC)
				}
				entries, err := os.ReadDir(dest)
				require.NoError(t, err)
				assert.Len(t, entries, 19)
			})
		}
	}
}

// TestOnlyGIFsSaved: a 200 with an empty body, an HTML page, or a body
// shorter than its Content-Length is that code's Error, and no file.
func TestOnlyGIFsSaved(t *testing.T) {
	for _, mode := range flags.Modes() {
		t.Run(string(mode), func(t *testing.T) {
			c := mockClient(t)
			gock.New(mockBase).Get("/br/br.gif").Reply(200).Body(strings.NewReader("GIF89a-br"))
			gock.New(mockBase).Get("/ar/ar.gif").Reply(200).Body(strings.NewReader("GIF87a-ar"))
			gock.New(mockBase).Get("/cn/cn.gif").Reply(200)
			gock.New(mockBase).Get("/in/in.gif").Reply(200).BodyString("<html><body>It works!</body></html>")
			dest := t.TempDir()
			d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c}
			got, counts := run(t, d, mode, 3, []string{"BR", "AR", "CN", "IN"})
			assert.Equal(t, flags.Counts{OK: 2, Error: 2}, counts)
			assert.ErrorIs(t, got["CN"].Err, flags.ErrNotGIF)
			assert.ErrorIs(t, got["IN"].Err, flags.ErrNotGIF)
			entries, _ := os.ReadDir(dest)
			assert.Len(t, entries, 2, "br.gif and ar.gif only")
		})
	}
}

// TestInvalidCodes: the library checks its own inputs, whatever a CLI does:
// a code that is not two ASCII letters is that code's Error, and nothing is
// written anywhere.
func TestInvalidCodes(t *testing.T) {
	c := mockClient(t)
	gock.New(mockBase).Get("/br/br.gif").Reply(200).Body(strings.NewReader("GIF89a-br"))
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c}
	bad := []string{"../../zz", "B", "BRA", "1A", "é1", "", "b/"}
	got, counts := run(t, d, flags.Completed, 4, append([]string{"br"}, bad...))
	assert.Equal(t, flags.Counts{OK: 1, Error: len(bad)}, counts)
	for _, cc := range bad {
		assert.ErrorIs(t, got[strings.ToUpper(cc)].Err, flags.ErrInvalidCode, "%q", cc)
	}
	entries, _ := os.ReadDir(dest)
	assert.Len(t, entries, 1)
}

// TestMetadataFailures: two codes whose country names collide never share
// a file (the second is an Error), and a flag whose metadata is 404 is an
// Error, not "not found": the flag was there.
func TestMetadataFailures(t *testing.T) {
	c := mockClient(t)
	for _, cc := range []string{"br", "ar", "cl"} {
		gock.New(mockBase).Get("/" + cc + "/" + cc + ".gif").Reply(200).Body(strings.NewReader("GIF89a-" + cc))
	}
	gock.New(mockBase).Get("/br/metadata.json").Reply(200).JSON(map[string]string{"country": "Same"})
	gock.New(mockBase).Get("/ar/metadata.json").Reply(200).JSON(map[string]string{"country": "Same"})
	gock.New(mockBase).Get("/cl/metadata.json").Reply(404)
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c, Metadata: true}
	got, counts := run(t, d, flags.Sequential, 1, []string{"BR", "AR", "CL"})
	assert.Equal(t, flags.Counts{OK: 1, Error: 2}, counts)
	assert.Equal(t, flags.OK, got["BR"].Status)
	assert.ErrorIs(t, got["AR"].Err, flags.ErrNameTaken)
	var me *flags.MetadataError
	assert.ErrorAs(t, got["CL"].Err, &me)
	assert.Equal(t, flags.Error, got["CL"].Status)
	b, err := os.ReadFile(dest + "/Same.gif")
	require.NoError(t, err)
	assert.Equal(t, "GIF89a-br", string(b), "the first code keeps its file")
	entries, _ := os.ReadDir(dest)
	assert.Len(t, entries, 1)
}

// TestStatusZeroIsNotOK: the zero Status is no outcome, and counts as an
// Error, never as a flag downloaded.
func TestStatusZeroIsNotOK(t *testing.T) {
	var zero flags.Status
	assert.NotEqual(t, flags.OK, zero)
	var c flags.Counts
	c.Add(zero)
	assert.Equal(t, flags.Counts{Error: 1}, c)
	for s, want := range map[flags.Status]string{flags.OK: "OK", flags.NotFound: "not found", flags.Error: "error", flags.Interrupted: "interrupted"} {
		assert.Equal(t, want, s.String())
	}
}

// TestShortBody: a body shorter than its Content-Length (the server closes
// early) is an Error, and no file: a real server, since a mock transport
// does not hold a body to its length.
func TestShortBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: image/gif\r\n\r\nGIF89a-short")
		buf.Flush()
	}))
	defer srv.Close()
	for _, mode := range flags.Modes() {
		dest := t.TempDir()
		d := &flags.Downloader{BaseURL: srv.URL + "/flags", Dest: dest, Client: srv.Client()}
		got, counts := run(t, d, mode, 2, []string{"BR", "US"})
		assert.Equal(t, flags.Counts{Error: 2}, counts, mode)
		assert.ErrorIs(t, got["BR"].Err, io.ErrUnexpectedEOF, mode)
		entries, _ := os.ReadDir(dest)
		assert.Empty(t, entries, mode)
	}
}

// TestMisbehavingServerEveryMode: against a real local server whose faults
// cover what lying servers do (an endless body, an empty 200, an HTML page
// served as the flag, a short body, a reset), every mode saves exactly the
// good flags, reports every code once, and leaves no other file.
func TestMisbehavingServerEveryMode(t *testing.T) {
	srv := flagstest.Start(t,
		flagserver.WithFault("CN", flagserver.EndlessBody()),
		flagserver.WithFault("IN", flagserver.EmptyBody()),
		flagserver.WithFault("US", flagserver.HTMLPage()),
		flagserver.WithFault("ID", flagserver.ShortBody()),
		flagserver.WithFault("PK", flagserver.ResetMidBody()),
	)
	for _, mode := range flags.Modes() {
		t.Run(string(mode), func(t *testing.T) {
			dest := t.TempDir()
			d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest, MaxBody: 1 << 20}
			got, counts := run(t, d, mode, 8, flags.POP20())
			assert.Equal(t, flags.Counts{OK: 15, Error: 5}, counts)
			assert.ErrorIs(t, got["CN"].Err, flags.ErrBodyTooLarge)
			assert.ErrorIs(t, got["IN"].Err, flags.ErrNotGIF)
			assert.ErrorIs(t, got["US"].Err, flags.ErrNotGIF)
			entries, err := os.ReadDir(dest)
			require.NoError(t, err)
			assert.Len(t, entries, 15)
			for _, e := range entries {
				b, err := os.ReadFile(dest + "/" + e.Name())
				require.NoError(t, err)
				assert.True(t, strings.HasPrefix(string(b), "GIF8"), e.Name())
			}
		})
	}
}

// TestEndlessBodiesBoundedMemory: 60 downloads at once of bodies that never
// end, each capped at 10 MiB, stream to disk: the heap does not grow with
// the bodies (buffered, they would take 600 MiB).
func TestEndlessBodiesBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 600 MiB over loopback")
	}
	var opts []flagserver.Option
	codes := flags.EveryCode()[:60]
	for _, cc := range codes {
		opts = append(opts, flagserver.WithFault(cc, flagserver.EndlessBody()))
	}
	srv := flagstest.Start(t, opts...)
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // samples the heap while the downloads run
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	_, counts := run(t, d, flags.Async, 60, codes)
	close(stop)
	<-done
	assert.Equal(t, flags.Counts{Error: 60}, counts)
	assert.Less(t, peak.Load(), uint64(100<<20), "peak heap in use: %d MiB", peak.Load()>>20)
	entries, _ := os.ReadDir(dest)
	assert.Empty(t, entries)
}
