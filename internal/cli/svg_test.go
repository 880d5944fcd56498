package cli

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --svg writes one well-formed chart per scenario, with a lane per variant
// in the order they ran; the failed run says so.
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
		lanes, texts := []string{}, []string{}
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
				for _, a := range tok.Attr {
					if a.Name.Local == "data-variant" {
						lanes = append(lanes, a.Value)
					}
				}
			case xml.CharData:
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
		if !slices.Equal(lanes, variants) {
			t.Errorf("%s: lanes %v, want %v", file, lanes, variants)
		}
		// At this tiny scale how many fail is the scheduler's choice.
		if file == "workerpool-1.svg" && !slices.ContainsFunc(texts, func(s string) bool { return strings.HasSuffix(s, "/100 failed") }) {
			t.Errorf("%s: the unbounded lane does not say how many of 100 failed: %q", file, texts)
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
