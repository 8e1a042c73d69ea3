package testjson

import (
	"bytes"
	"testing"
)

// FuzzDecode: any input is decoded or refused with its line, never a
// panic; every line of a decoded stream's text is found on a line of the
// stream, and the failures found are on lines of the stream.
func FuzzDecode(f *testing.F) {
	a := "example.com/m/a"
	f.Add([]byte(out(a, "pkg: "+a+"\n") + out(a, "BenchmarkX/workers=2-2  \t") + out(a, "  100\t 123 ns/op\n")))
	f.Add([]byte("go: downloading x\n" + out(a, "    sweep-sites: BenchmarkX-2 {\"ops\"") + out("b", "x") + out(a, ":1}\n")))
	f.Add([]byte(out(a, "FAIL\t"+a+" [build failed]\n") + `{"Action":"fail","Package":"` + a + `","FailedBuild":"b [b.test]"}` + "\n" +
		`{"ImportPath":"b [b.test]","Action":"build-output","Output":"# b\nb.go:1: x\n"}` + "\n"))
	f.Add([]byte(`{"Action":"output","Output":"\u0000\r\n"}` + "\r\n{\n"))
	f.Add([]byte("\xef\xbb\xbf{\"Action\":\"output\",\"Output\":\"panic: x\\nFAIL\\tp\\t1s\\n\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		IsStream(data)
		s, err := Decode(data)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Line < 1 || se.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("error %v: not a SyntaxError on a line of the input", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		n := bytes.Count(s.Text(), []byte("\n"))
		if len(s.Text()) > 0 && !bytes.HasSuffix(s.Text(), []byte("\n")) {
			t.Fatalf("the text's last line is not ended: %q", s.Text())
		}
		for i := 1; i <= n; i++ {
			if l := s.Line(i); l < 1 || l > lines {
				t.Fatalf("text line %d at stream line %d, of %d", i, l, lines)
			}
		}
		if s.Line(n+1) != 0 {
			t.Fatalf("a line past the text found")
		}
		for _, fl := range s.Failures() {
			if fl.Line < 1 || fl.Line > lines || fl.Package == "" {
				t.Fatalf("failure %+v", fl)
			}
		}
	})
}
