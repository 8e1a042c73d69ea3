package arcfour

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// CipherSaber file format: a random initialization vector of IVSize bytes,
// then the RC4 ciphertext of the message. The RC4 key is the passphrase
// followed by the IV, and the key schedule runs rounds times (CipherSaber-1
// is rounds = 1; CipherSaber-2 recommends DefaultRounds).
const (
	IVSize        = 10
	DefaultRounds = 20
	// MaxPassphrase is the longest passphrase that leaves room for the IV in
	// RC4's 256-byte key.
	MaxPassphrase = 256 - IVSize
)

var (
	// ErrEmptyPassphrase is returned for a passphrase of no bytes.
	ErrEmptyPassphrase = errors.New("arcfour: empty passphrase")
	// ErrPassphraseTooLong is returned for a passphrase over MaxPassphrase bytes.
	ErrPassphraseTooLong = fmt.Errorf("arcfour: passphrase longer than %d bytes leaves no room for the %d-byte IV", MaxPassphrase, IVSize)
	// ErrShortCiphertext is returned when the input ends before a whole IV.
	ErrShortCiphertext = fmt.Errorf("arcfour: ciphertext shorter than the %d-byte IV", IVSize)
)

// checkSaber reports what is wrong with a passphrase and rounds, if anything.
func checkSaber(passphrase []byte, rounds int) error {
	switch {
	case len(passphrase) == 0:
		return ErrEmptyPassphrase
	case len(passphrase) > MaxPassphrase:
		return ErrPassphraseTooLong
	case rounds < 1:
		return LoopsError(rounds)
	}
	return nil
}

// newSaber returns the CipherSaber stream for passphrase, iv and rounds.
func newSaber(passphrase, iv []byte, rounds int) (*Cipher, error) {
	if err := checkSaber(passphrase, rounds); err != nil {
		return nil, err
	}
	key := make([]byte, 0, len(passphrase)+len(iv))
	key = append(append(key, passphrase...), iv...)
	return NewCipher(key, rounds)
}

// Encrypt reads a message from src until EOF and writes it to dst as a
// CipherSaber file with a fresh IV from crypto/rand. It streams: memory use
// does not depend on the size of the message.
func Encrypt(dst io.Writer, src io.Reader, passphrase []byte, rounds int) error {
	iv := make([]byte, IVSize)
	if _, err := rand.Read(iv); err != nil {
		return fmt.Errorf("arcfour: reading random IV: %w", err)
	}
	return EncryptWithIV(dst, src, passphrase, iv, rounds)
}

// EncryptWithIV is Encrypt with a given IV of IVSize bytes. A CipherSaber IV
// must never be reused with the same passphrase: this is for known-answer
// tests.
func EncryptWithIV(dst io.Writer, src io.Reader, passphrase, iv []byte, rounds int) error {
	if len(iv) != IVSize {
		return fmt.Errorf("arcfour: IV of %d bytes, want %d", len(iv), IVSize)
	}
	c, err := newSaber(passphrase, iv, rounds)
	if err != nil {
		return err
	}
	if _, err := dst.Write(iv); err != nil {
		return err
	}
	_, err = io.Copy(cipher.StreamWriter{S: c, W: dst}, src)
	return err
}

// Decrypt reads a CipherSaber file from src until EOF and writes the message
// to dst. It streams: memory use does not depend on the size of the file.
// Nothing is written if the input is shorter than an IV.
func Decrypt(dst io.Writer, src io.Reader, passphrase []byte, rounds int) error {
	// Check the passphrase and rounds before reading anything.
	if err := checkSaber(passphrase, rounds); err != nil {
		return err
	}
	iv := make([]byte, IVSize)
	if _, err := io.ReadFull(src, iv); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return ErrShortCiphertext
		}
		return err
	}
	c, err := newSaber(passphrase, iv, rounds)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, cipher.StreamReader{S: c, R: src})
	return err
}
