package atomicfile_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/atomicfile"
)

// ways runs f for the portable way (a named temporary file) and for the
// default one (on Linux, an unnamed file).
func ways(t *testing.T, f func(t *testing.T)) {
	for _, portable := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "portable"}[portable], func(t *testing.T) {
			atomicfile.SetPortableOnly(portable)
			defer atomicfile.SetPortableOnly(false)
			f(t)
		})
	}
}

func TestWrite(t *testing.T) {
	ways(t, func(t *testing.T) {
		for name, write := range map[string]func(string, os.FileMode, func(io.Writer) error) error{
			"sync": atomicfile.Write, "no sync": atomicfile.WriteNoSync,
		} {
			t.Run(name, func(t *testing.T) { testWrite(t, write) })
		}
	})
}

// TestNothingVisibleWhileWriting: on Linux, the folder shows no file at all
// while the data is written (an unnamed file); the portable way shows a
// temporary file. Either way the file has its mode at the end.
func TestNothingVisibleWhileWriting(t *testing.T) {
	ways(t, func(t *testing.T) {
		dir := t.TempDir()
		var during []os.DirEntry
		err := atomicfile.WriteNoSync(filepath.Join(dir, "f"), 0o640, func(w io.Writer) error {
			during, _ = os.ReadDir(dir)
			_, err := io.WriteString(w, "data")
			return err
		})
		require.NoError(t, err)
		if runtime.GOOS == "linux" && !strings.HasSuffix(t.Name(), "portable") {
			assert.Empty(t, during)
		} else if assert.Len(t, during, 1) {
			assert.True(t, atomicfile.IsTemp(during[0].Name()))
		}
		st, err := os.Stat(filepath.Join(dir, "f"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o640), st.Mode().Perm())
	})
}

// TestModeDespiteUmask: the file gets its mode exactly, whether or not the
// umask (022 by default) would take bits from it.
func TestModeDespiteUmask(t *testing.T) {
	ways(t, func(t *testing.T) {
		dir := t.TempDir()
		for _, perm := range []os.FileMode{0o644, 0o666, 0o600, 0o000} {
			path := filepath.Join(dir, perm.String())
			require.NoError(t, atomicfile.WriteNoSync(path, perm, func(w io.Writer) error { return nil }))
			st, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, perm, st.Mode().Perm())
		}
	})
}

func testWrite(t *testing.T, write func(string, os.FileMode, func(io.Writer) error) error) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fill    func(io.Writer) error
		wantErr error
		want    string // content after the call
	}{
		{"writes", func(w io.Writer) error { _, err := io.WriteString(w, "good"); return err }, nil, "good"},
		{"failure keeps old file", func(w io.Writer) error { io.WriteString(w, "partial"); return boom }, boom, "good"},
		{"replaces on success", func(w io.Writer) error { _, err := io.WriteString(w, "better"); return err }, nil, "better"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := write(path, 0o644, tt.fill)
			assert.ErrorIs(t, err, tt.wantErr)
			got, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			assert.Equal(t, tt.want, string(got))
			entries, _ := os.ReadDir(dir)
			assert.Len(t, entries, 1, "no temporary file left")
		})
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	ways(t, func(t *testing.T) {
		dir := t.TempDir()
		err := atomicfile.Write(filepath.Join(dir, "new"), 0o644, func(w io.Writer) error { return io.ErrUnexpectedEOF })
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		entries, _ := os.ReadDir(dir)
		assert.Empty(t, entries)
		err = atomicfile.Write(filepath.Join(dir, "missing", "x"), 0o644, func(io.Writer) error { return nil })
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}

func TestIsTemp(t *testing.T) {
	assert.True(t, atomicfile.IsTemp("/d/.br.gif.12345.tmp"))
	assert.False(t, atomicfile.IsTemp("/d/br.gif"))
}
