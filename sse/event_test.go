package sse

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Data: "hello"}, "data: hello\n\n"},
		{Event{}, "data: \n\n"},
		{Event{ID: "7", Type: "deployment", Data: "a\nb"}, "id: 7\nevent: deployment\ndata: a\ndata: b\n\n"},
		{Event{Data: "a\r\nb\rc\n"}, "data: a\ndata: b\ndata: c\ndata: \n\n"},
		{Event{Data: "x\n\nid: 99\nevent: evil"}, "data: x\ndata: \ndata: id: 99\ndata: event: evil\n\n"},
		{Event{ID: " sp", Data: " lead"}, "id:  sp\ndata:  lead\n\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Encode(&b, tt.ev); err != nil {
			t.Fatalf("Encode(%q): %v", tt.ev, err)
		}
		if b.String() != tt.want {
			t.Errorf("Encode(%q) = %q, want %q", tt.ev, b.String(), tt.want)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		ev   Event
		want error
	}{
		{Event{ID: "1\n2"}, ErrInvalidID},
		{Event{ID: "1\r"}, ErrInvalidID},
		{Event{ID: "a\x00b"}, ErrInvalidID},
		{Event{Type: "x\nid: 3"}, ErrInvalidType},
		{Event{Type: "x\r"}, ErrInvalidType},
		{Event{ID: "7\xff"}, ErrInvalidID},
		{Event{Type: "deploy\xe2\x82"}, ErrInvalidType},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Encode(&b, tt.ev); !errors.Is(err, tt.want) {
			t.Errorf("Encode(%q) = %v, want %v", tt.ev, err, tt.want)
		}
		if b.Len() != 0 {
			t.Errorf("Encode(%q) wrote %q for a rejected event", tt.ev, b.String())
		}
	}
}

func TestDecoderLineEndings(t *testing.T) {
	in := "\uFEFFid: 1\r\nevent: a\rdata: x\r\n\r\n: comment\nretry: 10\nunknown: y\ndata\n\nid: bad\x00\ndata:no-space\n\n" +
		"event: lost\n\ndata: cut off" // an event type without data, and an unfinished event
	d := NewDecoder(bufio.NewReaderSize(strings.NewReader(in), 16))
	want := []Event{{ID: "1", Type: "a", Data: "x"}, {ID: "1", Data: ""}, {ID: "1", Data: "no-space"}}
	for _, w := range want {
		got, err := d.Next()
		if err != nil || got != w {
			t.Fatalf("next() = %q, %v; want %q", got, err, w)
		}
	}
	if got, err := d.Next(); err != io.EOF {
		t.Fatalf("next() at the end = %q, %v; want io.EOF", got, err)
	}
	if d.comments != 1 {
		t.Errorf("comments = %d, want 1", d.comments)
	}
}

// Browsers decode the stream as UTF-8 and replace each maximal subpart of
// an ill-formed sequence with one U+FFFD (WHATWG Encoding, "UTF-8
// decode"); so does Decoder.
func TestDecoderReplacesInvalidUTF8AsBrowsersDo(t *testing.T) {
	const r = "\uFFFD"
	for in, want := range map[string]string{
		"a\xffb":             "a" + r + "b",
		"\xf0\x9f\x98x":      r + "x",   // a 4-byte sequence cut short: one
		"\xe2\x82":           r,         // at the end of the line
		"\xed\xa0\x80":       r + r + r, // a surrogate: ED takes no A0
		"\xe0\x80\x80":       r + r + r, // overlong: E0 takes no 80
		"\xc0\xaf":           r + r,
		"\xf4\x90\x80\x80":   r + r + r + r,     // above U+10FFFF
		"ok \xef\xbf\xbd ok": "ok " + r + " ok", // a U+FFFD that was sent
		"\xf0\x9f\x98\x80":   "\U0001F600",
	} {
		d := NewDecoder(bufio.NewReaderSize(strings.NewReader("data: "+in+"\n\n"), 16))
		if ev, err := d.Next(); err != nil || ev.Data != want {
			t.Errorf("data %q decoded as %q, %v; want %q", in, ev.Data, err, want)
		}
	}
}

// FuzzEncode checks that whatever bytes are in an event's id, type or data,
// a client parsing the stream gets back exactly that event (its data
// decoded as UTF-8 as a browser decodes it), and the event after it
// untouched: a line break cannot inject a field or an event. Ids and types
// that would need escaping, or are not UTF-8, are rejected instead, with
// nothing written. Run it with: go test -fuzz=FuzzEncode ./sse/
func FuzzEncode(f *testing.F) {
	f.Add("1", "deployment", "payments-api prod: Healthy\nrollout 3/3")
	f.Add("", "", "")
	f.Add("42", "message", "a\r\nb\rc\n\n")
	f.Add("1\nevent: x", "t", "d")
	f.Add("nul\x00", "t", "d")
	f.Add("7", "x\rid: 8", "d")
	f.Add(" 9", " padded", " data: nested\n\ndata: injected")
	f.Add("\xff", "\xfe", "\xef\xbb\xbfbom\r")
	f.Add("1", "t", "cut \xf0\x9f\x98\nsurrogate \xed\xa0\x80")
	f.Fuzz(func(t *testing.T, id, typ, data string) {
		ev := Event{ID: id, Type: typ, Data: data}
		var b bytes.Buffer
		err := Encode(&b, ev)
		badID := strings.ContainsAny(id, "\r\n\x00") || !utf8.ValidString(id)
		badType := strings.ContainsAny(typ, "\r\n") || !utf8.ValidString(typ)
		switch {
		case badID || badType:
			if err == nil || b.Len() != 0 {
				t.Fatalf("Encode(%q) = %v with %d bytes written; want a rejection", ev, err, b.Len())
			}
			return
		case err != nil:
			t.Fatalf("Encode(%q) = %v", ev, err)
		}
		next := Event{ID: "next", Type: "sentinel", Data: "end"}
		if err := Encode(&b, next); err != nil {
			t.Fatal(err)
		}

		d := NewDecoder(bufio.NewReaderSize(&b, 16))
		want := ev
		want.Data = string(browserUTF8([]byte(strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\r", "\n"))))
		if utf8.ValidString(data) && !strings.ContainsRune(data, '\r') && want.Data != data {
			t.Fatalf("UTF-8 data without CR %q comes back as %q", data, want.Data)
		}
		for _, w := range []Event{want, next} {
			got, err := d.Next()
			if err != nil || got != w {
				t.Fatalf("decoded %q, %v; want %q (stream %q)", got, err, w, b.String())
			}
		}
		if got, err := d.Next(); err != io.EOF {
			t.Fatalf("extra event %q, %v", got, err)
		}
	})
}

// FuzzDecode checks that the parser ends on any input, dispatches no more
// events than the input has blank lines, never returns an id with a NUL,
// and returns only UTF-8.
func FuzzDecode(f *testing.F) {
	f.Add("id: 1\nevent: a\ndata: x\n\n")
	f.Add("\uFEFFdata: a\r\rdata\r\n\n: c\nid: \x00\ndata:\n\n")
	f.Add("data: cut")
	f.Fuzz(func(t *testing.T, in string) {
		d := NewDecoder(bufio.NewReaderSize(strings.NewReader(in), 16))
		n := 0
		for {
			ev, err := d.Next()
			if err != nil {
				break
			}
			n++
			if strings.Contains(ev.ID, "\x00") {
				t.Fatalf("id %q has a NUL", ev.ID)
			}
			if !utf8.ValidString(ev.ID) || !utf8.ValidString(ev.Type) || !utf8.ValidString(ev.Data) {
				t.Fatalf("event %q is not UTF-8: a browser never sees that", ev)
			}
		}
		if blanks := strings.Count(in, "\n") + strings.Count(in, "\r"); n > blanks {
			t.Fatalf("%d events from input with %d line breaks", n, blanks)
		}
	})
}
