package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/cli/clitest"
)

// runCmd runs the command in-process and returns its stdout, stderr and exit status.
func runCmd(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, bytes.NewReader(stdin), &stdout, &stderr)
	code := cli.Report(&stderr, "arcfour", err)
	return stdout.String(), stderr.String(), code
}

func TestRoundTrip(t *testing.T) {
	msg := []byte("Beware the Jabberwock, my son!\n")
	for _, rounds := range []string{"1", "20"} {
		ct, errOut, code := runCmd(t, msg, "encrypt", "-rounds", rounds, "-key", "vorpal")
		require.Equal(t, 0, code, errOut)
		assert.Len(t, ct, len(msg)+10)
		pt, errOut, code := runCmd(t, []byte(ct), "decrypt", "-rounds", rounds, "-key", "vorpal")
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, string(msg), pt)
	}
}

// TestKnownFile decrypts the CipherSaber FAQ's cstest.cs2 (key "asdfg", 10
// rounds; see arcfour/testdata/ciphersaber-vectors.json) with -key-file,
// -in and -out.
func TestKnownFile(t *testing.T) {
	dir := t.TempDir()
	file, err := hex.DecodeString("ba9ab4cffb7700e618e382e8fcc5ab9813b1abc436ba7d5cdea1a31fb72fb5763c44cfc2ac77afee19ad")
	require.NoError(t, err)
	in, keyFile, out := filepath.Join(dir, "cstest.cs2"), filepath.Join(dir, "key"), filepath.Join(dir, "plain.txt")
	require.NoError(t, os.WriteFile(in, file, 0o600))
	require.NoError(t, os.WriteFile(keyFile, []byte("asdfg\n"), 0o600))
	stdout, stderr, code := runCmd(t, nil, "decrypt", "-rounds", "10", "-key-file", keyFile, "-in", in, "-out", out)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "This is a test of CipherSaber-2.", string(got))
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("k", 247)
	emptyKey := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(emptyKey, []byte("\n"), 0o600))
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string // part of the one-line message
	}{
		{"no command", "", nil, 2, "missing command"},
		{"unknown command", "", []string{"scramble"}, 2, "unknown command"},
		{"unknown flag", "", []string{"encrypt", "-key", "k", "-fast"}, 2, "-fast"},
		{"no passphrase", "", []string{"encrypt"}, 2, "missing passphrase"},
		{"both passphrases", "", []string{"encrypt", "-key", "k", "-key-file", emptyKey}, 2, "not both"},
		{"empty passphrase", "", []string{"encrypt", "-key", ""}, 2, "empty passphrase"},
		{"empty key file", "", []string{"encrypt", "-key-file", emptyKey}, 2, "empty passphrase"},
		{"passphrase too long", "", []string{"encrypt", "-key", long}, 2, "no room for the 10-byte IV"},
		{"zero rounds", "", []string{"decrypt", "-key", "k", "-rounds", "0"}, 2, "-rounds"},
		{"rounds not a number", "", []string{"decrypt", "-key", "k", "-rounds", "x"}, 2, "-rounds"},
		{"extra argument", "", []string{"decrypt", "-key", "k", "file"}, 2, "unexpected argument"},
		{"short ciphertext", "123456789", []string{"decrypt", "-key", "k"}, 1, "shorter than the 10-byte IV"},
		{"missing key file", "", []string{"decrypt", "-key-file", filepath.Join(dir, "nope")}, 1, "reading passphrase"},
		{"missing input", "", []string{"decrypt", "-key", "k", "-in", filepath.Join(dir, "nope")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, []byte(tt.stdin), tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.msg)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.True(t, strings.HasPrefix(stderr, "arcfour: "), stderr)
		})
	}
}

// TestNoPartialOutput: a failed decryption with -out leaves no file, and does
// not replace one that was there.
func TestNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "plain")
	_, _, code := runCmd(t, []byte("short"), "decrypt", "-key", "k", "-out", out)
	assert.Equal(t, 1, code)
	assert.NoFileExists(t, out)
	require.NoError(t, os.WriteFile(out, []byte("keep me"), 0o600))
	_, _, code = runCmd(t, []byte("short"), "decrypt", "-key", "k", "-out", out)
	assert.Equal(t, 1, code)
	got, _ := os.ReadFile(out)
	assert.Equal(t, "keep me", string(got))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left")
}

func TestHelp(t *testing.T) {
	stdout, _, code := runCmd(t, nil, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "usage: arcfour")
}

// TestMain runs the command itself when the tests start the test binary
// as it (TestSignals), and the tests otherwise.
func TestMain(m *testing.M) {
	if os.Getenv("ARCFOUR_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSignals: SIGINT and SIGTERM stop a stream that would go on forever
// promptly, with 130 and 143, and no output file is left.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command")
	}
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.cs2")
			cmd := exec.Command(os.Args[0], "encrypt", "-key", "k", "-out", out)
			cmd.Env = append(os.Environ(), "ARCFOUR_TEST_MAIN=1")
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			go func() { // an endless stream
				chunk := bytes.Repeat([]byte("x"), 4096)
				for {
					if _, err := stdin.Write(chunk); err != nil {
						return
					}
				}
			}()
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			require.NoError(t, cmd.Process.Signal(sig))
			err = cmd.Wait()
			stdin.Close()
			elapsed := time.Since(start)
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, stderr.String())
			assert.Equal(t, want, ee.ExitCode(), stderr.String())
			assert.Less(t, elapsed, time.Second)
			assert.Contains(t, stderr.String(), "interrupted")
			assert.NoFileExists(t, out)
			entries, _ := os.ReadDir(filepath.Dir(out))
			assert.Empty(t, entries, "no temporary file left")
		})
	}
}

// TestHostileFlags: a key file that never ends, a schedule of billions of
// rounds, and -out naming a folder are usage errors, at once.
func TestHostileFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"endless key file", []string{"encrypt", "-key-file", "/dev/zero"}, "holds more"},
		{"rounds 2e9", []string{"encrypt", "-key", "k", "-rounds", "2000000000"}, "-rounds must be from 1 to 1048576"},
		{"out is a folder", []string{"encrypt", "-key", "k", "-out", dir}, "is a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, stderr, code := runCmd(t, []byte("m"), tt.args...)
			assert.Equal(t, cli.ExitUsage, code, stderr)
			assert.Contains(t, stderr, tt.msg)
			assert.Less(t, time.Since(start), time.Second)
		})
	}
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

// TestDoc keeps the doc comment (the manual on pkg.go.dev) and -h in step.
func TestDoc(t *testing.T) { clitest.CheckDoc(t, "main.go", run) }
