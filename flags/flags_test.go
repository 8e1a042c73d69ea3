package flags_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/h2non/gock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/flags/flagstest"
	"github.com/futuresbench/futures/internal/atomicfile"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// dataset is the flag images on disk, read directly to check what was saved.
var dataset = os.DirFS(filepath.Join("dataset", "flags"))

const mockBase = "http://flags.invalid/flags"

// mockClient returns a client whose requests gock answers, and removes the
// mocks at the end of the test. gock's registry is global: these tests do
// not run in parallel.
func mockClient(t *testing.T) *http.Client {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{}}
	gock.InterceptClient(c)
	t.Cleanup(func() {
		gock.Off()
		gock.RestoreClient(c)
	})
	return c
}

// run downloads codes and returns the results by code, the counts, and
// checks that every code was reported exactly once.
func run(t *testing.T, d *flags.Downloader, mode flags.Mode, conc int, codes []string) (map[string]flags.Result, flags.Counts) {
	t.Helper()
	return runCtx(t, t.Context(), d, mode, conc, codes)
}

func runCtx(t *testing.T, ctx context.Context, d *flags.Downloader, mode flags.Mode, conc int, codes []string) (map[string]flags.Result, flags.Counts) {
	t.Helper()
	got := map[string]flags.Result{}
	counts, err := d.Run(ctx, mode, conc, codes, func(r flags.Result) {
		_, dup := got[r.CC]
		assert.False(t, dup, "%s reported twice", r.CC)
		got[r.CC] = r
	})
	require.NoError(t, err)
	assert.Len(t, got, len(codes), "every code accounted for once")
	assert.Equal(t, len(codes), counts.Total())
	return got, counts
}

// noTempFiles checks that dir holds no temporary file of atomicfile.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, atomicfile.IsTemp(e.Name()), "temporary file left: %s", e.Name())
	}
}

func TestMocksEveryMode(t *testing.T) {
	for _, mode := range flags.Modes() {
		t.Run(string(mode), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := mockClient(t)
				gock.New(mockBase).Get("/br/br.gif").Reply(200).Body(strings.NewReader("GIF89a-br"))
				gock.New(mockBase).Get("/zz/zz.gif").Reply(404)
				gock.New(mockBase).Get("/cn/cn.gif").Reply(500)
				gock.New(mockBase).Get("/in/in.gif").Reply(418)
				gock.New(mockBase).Get("/us/us.gif").Reply(200).Delay(time.Minute)
				gock.New(mockBase).Get("/id/id.gif").ReplyError(syscall.ECONNRESET)
				dest := t.TempDir()
				d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c, Timeout: 3100 * time.Millisecond}
				start := time.Now()
				got, counts := run(t, d, mode, 6, []string{"BR", "ZZ", "CN", "IN", "US", "ID"})
				assert.Equal(t, flags.Counts{OK: 1, NotFound: 1, Error: 4}, counts)

				assert.Equal(t, flags.OK, got["BR"].Status)
				saved, err := os.ReadFile(filepath.Join(dest, "br.gif"))
				require.NoError(t, err)
				assert.Equal(t, "GIF89a-br", string(saved))

				assert.Equal(t, flags.NotFound, got["ZZ"].Status)
				assert.ErrorIs(t, got["ZZ"].Err, flags.ErrNotFound)

				var se *flags.StatusError
				require.ErrorAs(t, got["CN"].Err, &se)
				assert.Equal(t, 500, se.Code)
				assert.Equal(t, "HTTP 500 - Internal Server Error", got["CN"].Err.Error())
				require.ErrorAs(t, got["IN"].Err, &se)
				assert.Equal(t, 418, se.Code)

				var te *flags.TimeoutError
				require.ErrorAs(t, got["US"].Err, &te)
				assert.Equal(t, "timeout after 3.1s", te.Error())
				assert.ErrorIs(t, got["ID"].Err, syscall.ECONNRESET)

				// Only the timeout took time: 3.1 s for the concurrent modes,
				// the same for sequential (the others answer at once).
				assert.Equal(t, 3100*time.Millisecond, time.Since(start))
				entries, _ := os.ReadDir(dest)
				assert.Len(t, entries, 1, "only br.gif")
			})
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		retries   int
		replies   []int // statuses in order
		retryHdr  string
		want      flags.Status
		wantTime  time.Duration // fake time taken
		backoffOK func(time.Duration) bool
	}{
		{name: "503 then 200, no retries", retries: 0, replies: []int{503, 200}, want: flags.Error},
		{name: "503 then 200, one retry", retries: 1, replies: []int{503, 200}, want: flags.OK,
			backoffOK: func(d time.Duration) bool { return d >= 50*time.Millisecond && d <= 100*time.Millisecond }},
		{name: "429 honours Retry-After", retries: 1, replies: []int{429, 200}, retryHdr: "2", want: flags.OK,
			backoffOK: func(d time.Duration) bool { return d == 2*time.Second }},
		{name: "404 never retried", retries: 3, replies: []int{404, 200}, want: flags.NotFound,
			backoffOK: func(d time.Duration) bool { return d == 0 }},
		{name: "400 never retried", retries: 3, replies: []int{400, 200}, want: flags.Error,
			backoffOK: func(d time.Duration) bool { return d == 0 }},
		{name: "500 three times, two retries", retries: 2, replies: []int{500, 500, 500, 200}, want: flags.Error,
			backoffOK: func(d time.Duration) bool { return d >= 150*time.Millisecond && d <= 300*time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := mockClient(t)
				for _, status := range tt.replies {
					r := gock.New(mockBase).Get("/br/br.gif").Reply(status)
					if status == 200 {
						r.Body(strings.NewReader("GIF89a"))
					} else if tt.retryHdr != "" {
						r.SetHeader("Retry-After", tt.retryHdr)
					}
				}
				d := &flags.Downloader{BaseURL: mockBase, Dest: t.TempDir(), Client: c, Retries: tt.retries}
				start := time.Now()
				got, _ := run(t, d, flags.Sequential, 1, []string{"BR"})
				assert.Equal(t, tt.want, got["BR"].Status, "%v", got["BR"].Err)
				if tt.backoffOK != nil {
					assert.True(t, tt.backoffOK(time.Since(start)), "waited %v", time.Since(start))
				}
			})
		})
	}
}

func TestBodyCap(t *testing.T) {
	c := mockClient(t)
	gock.New(mockBase).Get("/br/br.gif").Reply(200).Body(strings.NewReader("GIF89a" + strings.Repeat("x", 1994+1000)))
	gock.New(mockBase).Get("/cn/cn.gif").Reply(200).Body(strings.NewReader("GIF89a" + strings.Repeat("x", 994)))
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c, MaxBody: 1000}
	got, _ := run(t, d, flags.Sequential, 1, []string{"BR", "CN"})
	assert.Equal(t, flags.Error, got["BR"].Status)
	assert.ErrorIs(t, got["BR"].Err, flags.ErrBodyTooLarge)
	assert.Equal(t, flags.OK, got["CN"].Status, "exactly the cap is fine")
	assert.NoFileExists(t, filepath.Join(dest, "br.gif"))
}

func TestSafeName(t *testing.T) {
	tests := []struct{ country, want string }{
		{"Brazil", "Brazil.gif"},
		{"United States", "United_States.gif"},
		{"Côte d'Ivoire", "Côte_d'Ivoire.gif"},
		{"../../etc/passwd", "etcpasswd.gif"},
		{"..", "br.gif"},
		{".", "br.gif"},
		{"", "br.gif"},
		{"/", "br.gif"},
		{".hidden", "hidden.gif"},
		{"a/b\\c", "abc.gif"},
		{"C:\\Windows", "CWindows.gif"},
		{"nul\x00byte\nline", "nulbyteline.gif"},
		{strings.Repeat("é", 80), strings.Repeat("é", 50) + ".gif"},
	}
	for _, tt := range tests {
		got := flags.SafeName(tt.country, "br")
		assert.Equal(t, tt.want, got, "SafeName(%q)", tt.country)
		assert.True(t, filepath.IsLocal(got), got)
		assert.Equal(t, filepath.Base(got), got)
	}
}

// TestMetadataNames: with Metadata, the flag is saved under the country's
// name, made safe whatever the server sends.
func TestMetadataNames(t *testing.T) {
	c := mockClient(t)
	for cc, country := range map[string]string{"br": "Brazil", "us": "United States", "xx": "../../../tmp/evil", "yy": ".."} {
		gock.New(mockBase).Get("/" + cc + "/" + cc + ".gif").Reply(200).Body(strings.NewReader("GIF89a-" + cc))
		gock.New(mockBase).Get("/" + cc + "/metadata.json").Reply(200).JSON(map[string]string{"country": country})
	}
	gock.New(mockBase).Get("/zz/zz.gif").Reply(200).Body(strings.NewReader("GIF89a-zz"))
	gock.New(mockBase).Get("/zz/metadata.json").Reply(200).BodyString("{not json")
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: mockBase, Dest: dest, Client: c, Metadata: true}
	got, counts := run(t, d, flags.Completed, 4, []string{"BR", "US", "XX", "YY", "ZZ"})
	assert.Equal(t, flags.Counts{OK: 4, Error: 1}, counts)
	for file, body := range map[string]string{"Brazil.gif": "GIF89a-br", "United_States.gif": "GIF89a-us", "tmpevil.gif": "GIF89a-xx", "yy.gif": "GIF89a-yy"} {
		b, err := os.ReadFile(filepath.Join(dest, file))
		require.NoError(t, err, file)
		assert.Equal(t, body, string(b))
	}
	assert.Contains(t, got["ZZ"].Err.Error(), "metadata")
	entries, _ := os.ReadDir(dest)
	assert.Len(t, entries, 4, "nothing written outside or besides")
}

// TestAgainstFlagstest downloads from a real local server with faults, in
// every mode: exact counts, files byte-equal to the dataset, no temp files.
func TestAgainstFlagstest(t *testing.T) {
	srv := flagstest.Start(t,
		flagserver.WithFault("cn", flagserver.ResetMidBody()),
		flagserver.WithFault("in", flagserver.ShortBody()),
		flagserver.WithFault("us", flagserver.Hang()),
		flagserver.WithFault("id", flagserver.SlowBody(200*time.Millisecond)),
		flagserver.WithFault("pk", flagserver.Redirect()),
		flagserver.WithFault("ng", flagserver.Status(503)),
	)
	codes := []string{"BR", "CN", "IN", "US", "ID", "PK", "NG", "ZZ", "DE", "FR"}
	for _, mode := range flags.Modes() {
		t.Run(string(mode), func(t *testing.T) {
			dest := t.TempDir()
			d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest, Timeout: 500 * time.Millisecond}
			got, counts := run(t, d, mode, 4, codes)
			assert.Equal(t, flags.Counts{OK: 5, NotFound: 1, Error: 4}, counts, "%v", got)
			for _, cc := range []string{"BR", "ID", "PK", "DE", "FR"} {
				lower := strings.ToLower(cc)
				want, err := fs.ReadFile(dataset, lower+"/"+lower+".gif")
				require.NoError(t, err)
				saved, err := os.ReadFile(filepath.Join(dest, lower+".gif"))
				require.NoError(t, err, cc)
				assert.Equal(t, want, saved, cc)
				assert.Equal(t, len(want), got[cc].Bytes)
			}
			var te *flags.TimeoutError
			assert.ErrorAs(t, got["US"].Err, &te)
			assert.Equal(t, flags.Error, got["CN"].Status)
			assert.Equal(t, flags.Error, got["IN"].Status)
			noTempFiles(t, dest)
		})
	}
}

// TestErrorRateCounts: against a server that fails a share of requests, the
// downloader's error count is exactly the server's count of error answers.
func TestErrorRateCounts(t *testing.T) {
	srv := flagstest.Start(t, flagserver.WithErrorRate(0.25), flagserver.WithErrorStatus(500), flagserver.WithSeed(3))
	dest := t.TempDir()
	d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest}
	codes := flags.EveryCode()
	_, counts := run(t, d, flags.Completed, 30, codes)
	st := srv.Handler.Stats()
	assert.Equal(t, st.ByStatus[500], counts.Error)
	assert.Equal(t, st.ByStatus[404], counts.NotFound)
	assert.Equal(t, st.ByStatus[200], counts.OK)
	assert.Equal(t, len(codes), st.Requests, "one request per code")
	entries, _ := os.ReadDir(dest)
	assert.Len(t, entries, counts.OK)
}

// TestGoodFileNeverReplaced: a failed download leaves the file of an
// earlier good one as it was.
func TestGoodFileNeverReplaced(t *testing.T) {
	srv := flagstest.Start(t, flagserver.WithFault("br", flagserver.ShortBody()))
	dest := t.TempDir()
	path := filepath.Join(dest, "br.gif")
	require.NoError(t, os.WriteFile(path, []byte("good old flag"), 0o644))
	d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest}
	got, _ := run(t, d, flags.Sequential, 1, []string{"BR"})
	assert.Equal(t, flags.Error, got["BR"].Status)
	b, _ := os.ReadFile(path)
	assert.Equal(t, "good old flag", string(b))
	noTempFiles(t, dest)
}

// TestInterrupt: cancelling the context cancels the downloads under way and
// reports the rest as interrupted, in every mode, promptly.
func TestInterrupt(t *testing.T) {
	srv := flagstest.Start(t, flagserver.WithDelay(time.Hour))
	codes := flags.AllCodes()[:40]
	for _, mode := range flags.Modes() {
		t.Run(string(mode), func(t *testing.T) {
			dest := t.TempDir()
			d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest, Timeout: time.Hour}
			ctx, cancel := context.WithCancelCause(t.Context())
			conc := min(5, mode.MaxConcurrency())
			cancelledAt := make(chan time.Time, 1)
			go func() {
				for deadline := time.Now().Add(5 * time.Second); srv.Handler.InFlight() < conc && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				cancelledAt <- time.Now()
				cancel(errors.New("interrupt"))
			}()
			got, counts := runCtx(t, ctx, d, mode, conc, codes)
			assert.Less(t, time.Since(<-cancelledAt), time.Second, "Run returns promptly once cancelled")
			assert.Equal(t, flags.Counts{Interrupted: len(codes)}, counts)
			assert.EqualError(t, got["AD"].Err, "interrupt")
			noTempFiles(t, dest)
		})
	}
}

func TestRunBadArgs(t *testing.T) {
	d := &flags.Downloader{BaseURL: mockBase}
	_, err := d.Run(t.Context(), flags.Pool, 0, []string{"BR"}, nil)
	assert.Error(t, err)
	_, err = d.Run(t.Context(), flags.Mode("threads"), 1, []string{"BR"}, nil)
	assert.Error(t, err)
}

func TestUnreachable(t *testing.T) {
	d := &flags.Downloader{BaseURL: "http://127.0.0.1:1/flags", Dest: t.TempDir()}
	got, counts := run(t, d, flags.Pool, 3, []string{"BR", "CN"})
	assert.Equal(t, 2, counts.Error)
	assert.True(t, flags.Unreachable(got["BR"].Err), "%v", got["BR"].Err)
	assert.False(t, flags.Unreachable(&flags.StatusError{Code: 500}))
	assert.False(t, flags.Unreachable(fmt.Errorf("x: %w", syscall.ECONNRESET)))
}

// TestAllCodesMatchDataset: the static list of codes is the dataset's.
func TestAllCodesMatchDataset(t *testing.T) {
	entries, err := fs.ReadDir(dataset, ".")
	require.NoError(t, err)
	var codes []string
	for _, e := range entries {
		if e.IsDir() {
			codes = append(codes, strings.ToUpper(e.Name()))
		}
	}
	assert.Equal(t, codes, flags.AllCodes())
}
