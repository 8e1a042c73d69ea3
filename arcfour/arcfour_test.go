package arcfour_test

import (
	"bytes"
	"crypto/cipher"
	"crypto/rc4"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/arcfour"
)

var _ cipher.Stream = (*arcfour.Cipher)(nil)

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	*h = v
	return err
}

type rc4Vector struct {
	Name               string
	Key, Plain, Cipher hexBytes
}

// loadRC4Vectors reads testdata/arcfour-vectors.json: the test vectors of
// draft-kaukonen-cipher-arcfour-03 (source cited in the file).
func loadRC4Vectors(t testing.TB) []rc4Vector {
	t.Helper()
	data, err := os.ReadFile("testdata/arcfour-vectors.json")
	require.NoError(t, err)
	var f struct {
		Loops   int
		Vectors []rc4Vector
	}
	require.NoError(t, json.Unmarshal(data, &f))
	require.Equal(t, 1, f.Loops)
	require.Len(t, f.Vectors, 3)
	return f.Vectors
}

// splits are the chunk sizes every vector is re-run at, as crypto/rc4's tests do.
var splits = []int{1, 2, 3, 7, 8, 64, 255, 256, 1 << 20}

func TestGolden(t *testing.T) {
	for _, v := range loadRC4Vectors(t) {
		for _, split := range splits {
			t.Run(fmt.Sprintf("%s/split=%d", v.Name, split), func(t *testing.T) {
				for _, dir := range []struct {
					name    string
					in, out []byte
				}{{"encrypt", v.Plain, v.Cipher}, {"decrypt", v.Cipher, v.Plain}} {
					c, err := arcfour.NewCipher(v.Key, 1)
					require.NoError(t, err)
					got := make([]byte, len(dir.in))
					for off := 0; off < len(dir.in); off += split {
						end := min(off+split, len(dir.in))
						c.XORKeyStream(got[off:end], dir.in[off:end])
					}
					assert.Equal(t, hex.EncodeToString(dir.out), hex.EncodeToString(got), dir.name)
				}
			})
		}
	}
}

func TestInPlace(t *testing.T) {
	v := loadRC4Vectors(t)[2]
	c, err := arcfour.NewCipher(v.Key, 1)
	require.NoError(t, err)
	buf := bytes.Clone(v.Plain)
	c.XORKeyStream(buf, buf)
	assert.Equal(t, []byte(v.Cipher), buf)
}

func TestNewCipherErrors(t *testing.T) {
	tests := []struct {
		name    string
		keyLen  int
		loops   int
		wantErr error
	}{
		{"empty key", 0, 1, arcfour.KeySizeError(0)},
		{"key of 257 bytes", 257, 1, arcfour.KeySizeError(257)},
		{"zero loops", 5, 0, arcfour.LoopsError(0)},
		{"negative loops", 5, -3, arcfour.LoopsError(-3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := arcfour.NewCipher(make([]byte, tt.keyLen), tt.loops)
			assert.Nil(t, c)
			assert.Equal(t, tt.wantErr, err)
			assert.NotEmpty(t, err.Error())
		})
	}
	for _, n := range []int{1, 256} {
		_, err := arcfour.NewCipher(make([]byte, n), 1)
		assert.NoError(t, err, "key of %d bytes", n)
	}
}

func TestMisusePanics(t *testing.T) {
	c, err := arcfour.NewCipher([]byte("key"), 1)
	require.NoError(t, err)
	assert.PanicsWithValue(t, "arcfour: output smaller than input", func() {
		c.XORKeyStream(make([]byte, 3), make([]byte, 4))
	})
	buf := make([]byte, 10)
	assert.PanicsWithValue(t, "arcfour: invalid buffer overlap", func() {
		c.XORKeyStream(buf[1:], buf[:9])
	})
	assert.NotPanics(t, func() { c.XORKeyStream(nil, nil) })
}

// TestLoopsChangeKeystream: loops > 1 gives another keystream than loops = 1,
// and carrying j across passes matters (a schedule restarting j at 0 each
// pass would also differ; the CipherSaber-2 vector pins the right one).
func TestLoopsChangeKeystream(t *testing.T) {
	key := []byte("asdfg0123456789")
	stream := func(loops int) []byte {
		c, err := arcfour.NewCipher(key, loops)
		require.NoError(t, err)
		out := make([]byte, 32)
		c.XORKeyStream(out, out)
		return out
	}
	assert.NotEqual(t, stream(1), stream(2))
	assert.NotEqual(t, stream(2), stream(20))
}

type saberVector struct {
	Name       string
	Passphrase string
	Rounds     int
	File       hexBytes
	Plain      string
}

// loadSaberVectors reads testdata/ciphersaber-vectors.json: the CipherSaber
// FAQ's test files (source cited in the file).
func loadSaberVectors(t testing.TB) []saberVector {
	t.Helper()
	data, err := os.ReadFile("testdata/ciphersaber-vectors.json")
	require.NoError(t, err)
	var f struct{ Vectors []saberVector }
	require.NoError(t, json.Unmarshal(data, &f))
	require.Len(t, f.Vectors, 3)
	return f.Vectors
}

func TestCipherSaberVectors(t *testing.T) {
	for _, v := range loadSaberVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			var plain bytes.Buffer
			require.NoError(t, arcfour.Decrypt(&plain, bytes.NewReader(v.File), []byte(v.Passphrase), v.Rounds))
			assert.Equal(t, v.Plain, plain.String())

			var file bytes.Buffer
			iv := v.File[:arcfour.IVSize]
			require.NoError(t, arcfour.EncryptWithIV(&file, strings.NewReader(v.Plain), []byte(v.Passphrase), iv, v.Rounds))
			assert.Equal(t, hex.EncodeToString(v.File), hex.EncodeToString(file.Bytes()))
		})
	}
}

func TestCipherSaberRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 31 * 1024, 100_000} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			msg := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
			var file, back bytes.Buffer
			require.NoError(t, arcfour.Encrypt(&file, bytes.NewReader(msg), []byte("pass"), arcfour.DefaultRounds))
			assert.Equal(t, size+arcfour.IVSize, file.Len())
			require.NoError(t, arcfour.Decrypt(&back, &file, []byte("pass"), arcfour.DefaultRounds))
			assert.Equal(t, msg, back.Bytes())
		})
	}
	// Two encryptions of one message differ: the IV is fresh each time.
	var a, b bytes.Buffer
	require.NoError(t, arcfour.Encrypt(&a, strings.NewReader("same"), []byte("k"), 20))
	require.NoError(t, arcfour.Encrypt(&b, strings.NewReader("same"), []byte("k"), 20))
	assert.NotEqual(t, a.Bytes(), b.Bytes())
}

func TestCipherSaberErrors(t *testing.T) {
	long := bytes.Repeat([]byte("x"), arcfour.MaxPassphrase+1)
	tests := []struct {
		name       string
		passphrase []byte
		rounds     int
		input      string
		wantErr    error
	}{
		{"empty passphrase", nil, 20, "0123456789abc", arcfour.ErrEmptyPassphrase},
		{"passphrase too long", long, 20, "0123456789abc", arcfour.ErrPassphraseTooLong},
		{"zero rounds", []byte("k"), 0, "0123456789abc", arcfour.LoopsError(0)},
		{"empty ciphertext", []byte("k"), 20, "", arcfour.ErrShortCiphertext},
		{"ciphertext shorter than IV", []byte("k"), 20, "012345678", arcfour.ErrShortCiphertext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := arcfour.Decrypt(&out, strings.NewReader(tt.input), tt.passphrase, tt.rounds)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Zero(t, out.Len(), "nothing written on error")
			if tt.input != "" && len(tt.input) >= arcfour.IVSize {
				err = arcfour.Encrypt(&out, strings.NewReader(tt.input), tt.passphrase, tt.rounds)
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Zero(t, out.Len(), "nothing written on error")
			}
		})
	}
	// The longest passphrase that fits still works.
	var out bytes.Buffer
	assert.NoError(t, arcfour.Encrypt(&out, strings.NewReader("m"), long[:arcfour.MaxPassphrase], 1))
}

// TestDecryptStreams: a failing reader mid-stream surfaces its error.
func TestDecryptStreams(t *testing.T) {
	boom := errors.New("disk on fire")
	src := io.MultiReader(strings.NewReader("0123456789abcdef"), iotestErrReader{boom})
	err := arcfour.Decrypt(io.Discard, src, []byte("k"), 20)
	assert.ErrorIs(t, err, boom)
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

// FuzzAgainstRC4 checks loops = 1 against the standard library on any key,
// message and split point.
func FuzzAgainstRC4(f *testing.F) {
	for _, v := range loadRC4Vectors(f) {
		f.Add([]byte(v.Key), []byte(v.Plain), uint16(3))
	}
	f.Fuzz(func(t *testing.T, key, msg []byte, split uint16) {
		want, err := rc4.NewCipher(key)
		got, err2 := arcfour.NewCipher(key, 1)
		if err != nil {
			require.Error(t, err2, "crypto/rc4 rejects a key of %d bytes", len(key))
			return
		}
		require.NoError(t, err2)
		w := make([]byte, len(msg))
		want.XORKeyStream(w, msg)
		g := make([]byte, len(msg))
		s := min(int(split), len(msg))
		got.XORKeyStream(g[:s], msg[:s])
		got.XORKeyStream(g[s:], msg[s:])
		require.Equal(t, w, g)

		// The Go generator too, where XORKeyStream runs assembly; the two
		// split the message at different places.
		generic, err := arcfour.NewCipher(key, 1)
		require.NoError(t, err)
		s = len(msg) - s
		generic.XORKeyStreamGeneric(g[:s], msg[:s])
		generic.XORKeyStreamGeneric(g[s:], msg[s:])
		require.Equal(t, w, g, "generic")
	})
}

// FuzzRoundTrip: encrypting twice with the same key and loops gives back the
// message, for any loops.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("key"), []byte("message"), uint8(20))
	f.Add([]byte{0}, []byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, key, msg []byte, loops uint8) {
		c1, err := arcfour.NewCipher(key, int(loops))
		if err != nil {
			require.True(t, len(key) == 0 || len(key) > 256 || loops == 0, "unexpected error %v", err)
			return
		}
		c2, err := arcfour.NewCipher(key, int(loops))
		require.NoError(t, err)
		ct := make([]byte, len(msg))
		c1.XORKeyStream(ct, msg)
		pt := make([]byte, len(ct))
		c2.XORKeyStream(pt, ct)
		require.Equal(t, msg, pt)
	})
}
