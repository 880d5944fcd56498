package main

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --svg writes one well-formed chart per scenario, with a line per variant
// in each of its two panels and a legend naming them.
func TestSVG(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts")
	code, _, stderr := demo(t, t.Context(), "workerpool", "--scale", "0.01", "--svg", dir)
	if code != exitOK || !strings.Contains(stderr, "wrote 2 charts") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for file, variants := range map[string][]string{
		"workerpool-1.svg": {"unbounded", "batches", "pool", "window"},
		"workerpool-2.svg": {"batches", "pool", "window"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		lines, texts := 0, []string{}
		dec := xml.NewDecoder(strings.NewReader(string(b)))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v", file, err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if tok.Name.Local == "polyline" {
					lines++
				}
			case xml.CharData:
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
		if lines != 2*len(variants) {
			t.Errorf("%s: %d lines, want %d", file, lines, 2*len(variants))
		}
		for _, v := range variants {
			if !slices.Contains(texts, "■ "+v) {
				t.Errorf("%s: no legend for %s", file, v)
			}
		}
	}
	if code, _, _ := demo(t, t.Context(), "--svg", "/dev/null/x"); code != exitUsage {
		t.Errorf("an unwritable --svg folder: exit %d, want 2", code)
	}
	bad := filepath.Join(t.TempDir(), "never")
	if code, _, _ := demo(t, t.Context(), "--svg", bad, "nope"); code != exitUsage {
		t.Errorf("bad input with --svg: exit %d, want 2", code)
	} else if _, err := os.Stat(bad); err == nil {
		t.Error("bad input still made the --svg folder")
	}
}
