// Command arcfour encrypts and decrypts CipherSaber files.
//
//	arcfour encrypt [-rounds N] (-key PASSPHRASE | -key-file FILE) [-in FILE] [-out FILE]
//	arcfour decrypt [-rounds N] (-key PASSPHRASE | -key-file FILE) [-in FILE] [-out FILE]
//
// A CipherSaber file is a 10-byte random IV followed by the RC4 ciphertext;
// the RC4 key is the passphrase followed by the IV, and the key schedule runs
// -rounds times (20 by default, CipherSaber-2; 1 is CipherSaber-1). Input is
// standard input and output standard output unless -in and -out say
// otherwise. -key-file reads the passphrase from a file (one trailing newline
// is dropped), so that it need not appear in the process list.
//
// With -out, the output goes to a temporary file renamed into place only when
// complete: a failed or interrupted run never leaves a partial file. -rounds
// is at most 1,048,576 (about a second of key schedule); a key file is read
// no further than the longest passphrase allowed. SIGINT or SIGTERM stops a
// run at its next read.
//
// Exit status: 0 on success; 1 on an error (unreadable file, ciphertext
// shorter than the IV); 2 on a usage error (unknown flag, empty or too-long
// passphrase, -rounds out of 1..1048576, -out naming a folder); 130 on
// SIGINT and 143 on SIGTERM.
//
// RC4 is broken: see the arcfour package. This tool is for CipherSaber files,
// not for protecting anything.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/futuresbench/futures/arcfour"
	"github.com/futuresbench/futures/internal/atomicfile"
	"github.com/futuresbench/futures/internal/cli"
)

const usage = `usage: arcfour encrypt|decrypt [-rounds N] (-key PASSPHRASE | -key-file FILE) [-in FILE] [-out FILE]
exit status: 0 ok; 1 error; 2 usage error; 130 SIGINT; 143 SIGTERM
`

func main() { cli.Main("arcfour", run) }

// maxRounds bounds -rounds: a key schedule of about a second here.
const maxRounds = 1 << 20

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return cli.Usagef("missing command: encrypt or decrypt")
	}
	var op func(io.Writer, io.Reader, []byte, int) error
	switch args[0] {
	case "encrypt":
		op = arcfour.Encrypt
	case "decrypt":
		op = arcfour.Decrypt
	case "-h", "-help", "--help":
		op = arcfour.Encrypt // the flags of both are the same
	default:
		return cli.Usagef("unknown command %q: want encrypt or decrypt", args[0])
	}
	fs := flag.NewFlagSet("arcfour "+args[0], flag.ContinueOnError)
	rounds := fs.Int("rounds", arcfour.DefaultRounds, "key-schedule passes, 1 to 1048576 (1 for CipherSaber-1)")
	key := fs.String("key", "", "the passphrase")
	keyFile := fs.String("key-file", "", "a file holding the passphrase (one trailing newline dropped)")
	in := fs.String("in", "", "input file (default standard input)")
	out := fs.String("out", "", "output file, written whole or not at all (default standard output)")
	flagArgs := args[1:]
	if strings.HasPrefix(args[0], "-") {
		flagArgs = args // the help
	}
	if err := cli.ParseFlags(fs, flagArgs, usage, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	keySet, fileSet := false, false
	fs.Visit(func(f *flag.Flag) {
		keySet = keySet || f.Name == "key"
		fileSet = fileSet || f.Name == "key-file"
	})
	passphrase := []byte(*key)
	switch {
	case keySet && fileSet:
		return cli.Usagef("give -key or -key-file, not both")
	case !keySet && !fileSet:
		return cli.Usagef("missing passphrase: give -key or -key-file")
	case fileSet:
		b, err := readKeyFile(ctx, *keyFile)
		if err != nil {
			return err
		}
		b = bytes.TrimSuffix(b, []byte("\n"))
		passphrase = bytes.TrimSuffix(b, []byte("\r"))
	}
	switch {
	case *rounds < 1 || *rounds > maxRounds:
		return cli.Usagef("-rounds must be from 1 to %d, got %d", maxRounds, *rounds)
	case len(passphrase) == 0:
		return cli.Usagef("%v", arcfour.ErrEmptyPassphrase)
	case len(passphrase) > arcfour.MaxPassphrase:
		return cli.Usagef("%v", arcfour.ErrPassphraseTooLong)
	}

	if *out != "" {
		if st, err := os.Stat(*out); err == nil && st.IsDir() {
			return cli.Usagef("-out %s is a folder: name a file", *out)
		}
	}
	src := stdin
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	}
	// Every read watches ctx, so a signal stops a long stream at its next
	// read, and the output file is not made.
	src = cli.Reader(ctx, src)
	if *out == "" {
		return op(stdout, src, passphrase, *rounds)
	}
	return atomicfile.Write(*out, 0o644, func(w io.Writer) error {
		return op(w, src, passphrase, *rounds)
	})
}

// readKeyFile reads a passphrase file, no further than the longest
// passphrase allowed and a line ending: -key-file /dev/zero is an error,
// not a read until memory runs out.
func readKeyFile(ctx context.Context, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading passphrase: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(cli.Reader(ctx, f), arcfour.MaxPassphrase+3))
	if err != nil {
		return nil, fmt.Errorf("reading passphrase: %w", err)
	}
	if len(b) > arcfour.MaxPassphrase+2 {
		return nil, cli.Usagef("%v (the key file %s holds more)", arcfour.ErrPassphraseTooLong, name)
	}
	return b, nil
}
