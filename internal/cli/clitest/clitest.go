// Package clitest holds what the commands' tests share: keeping a
// command's doc comment, the manual on pkg.go.dev, in step with its -h.
package clitest

import (
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"testing"
)

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
