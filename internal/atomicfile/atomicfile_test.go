package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	for name, write := range map[string]func(string, os.FileMode, func(io.Writer) error) error{
		"sync": atomicfile.Write, "no sync": atomicfile.WriteNoSync,
	} {
		t.Run(name, func(t *testing.T) { testWrite(t, write) })
	}
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
	dir := t.TempDir()
	err := atomicfile.Write(filepath.Join(dir, "new"), 0o644, func(w io.Writer) error { return io.ErrUnexpectedEOF })
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
	assert.Error(t, atomicfile.Write(filepath.Join(dir, "missing", "x"), 0o644, func(io.Writer) error { return nil }))
}

func TestIsTemp(t *testing.T) {
	assert.True(t, atomicfile.IsTemp("/d/.br.gif.12345.tmp"))
	assert.False(t, atomicfile.IsTemp("/d/br.gif"))
}
