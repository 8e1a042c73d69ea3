// Package clitest holds what the commands' tests share: keeping a
// command's doc comment, the manual on pkg.go.dev, in step with its -h.
package clitest

import (
	"bytes"
	"go/parser"
	"go/token"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
)

// CheckDoc keeps a command's doc comment (in the Go file at path: the
// manual on pkg.go.dev) and its -h in step: every flag that -h lists is in
// the doc comment, and both give the exit statuses. run is the command's
// testable body.
func CheckDoc(t *testing.T, path string, run cli.RunFunc) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(t.Context(), []string{"-h"}, strings.NewReader(""), &stdout, io.Discard)
	require.ErrorIs(t, err, cli.ErrHelp)
	assert.Equal(t, cli.ExitOK, cli.Code(err))
	help, doc := stdout.String(), Doc(t, path)
	flags := HelpFlags(help)
	require.NotEmpty(t, flags, help)
	for _, f := range flags {
		assert.Contains(t, doc, f, "the doc comment does not say %s", f)
	}
	assert.Contains(t, help, "exit status")
	assert.Contains(t, doc, "Exit status")
}

// Doc returns the package doc comment of the Go file at path (a command's
// main.go), failing the test if it cannot be read.
func Doc(t testing.TB, path string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatalf("%s: no package doc comment", path)
	}
	return f.Doc.Text()
}

// flagLine matches a flag in the defaults flag.PrintDefaults or pflag
// print: "  -name ..." or "  -a, --all ..." or "      --mode ...".
var flagLine = regexp.MustCompile(`(?m)^\s+(?:-\w, )?(--?[\w-]+)`)

// HelpFlags returns the flags listed in a command's -h output, as written
// there ("-rounds", "--all").
func HelpFlags(help string) []string {
	var out []string
	for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}
