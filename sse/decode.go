package sse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// Decoder is a client's side of the stream: it parses text/event-stream as
// a browser's EventSource does (the WHATWG HTML standard, "Interpreting an
// event stream"), and decodes it as UTF-8 the way a browser does (see
// Event.Data). It is the other half of Encode's contract: whatever Encode
// accepts, a Decoder gives back (the fuzz test checks it). Use it for a Go
// client of a stream, or to test a handler.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	r       io.ByteReader
	skipLF  bool // the last line ended in CR: an LF right after it belongs to it
	started bool // a line was read: a BOM is only skipped before the first

	lastID   string // persists across events, as in EventSource
	typ      strings.Builder
	data     strings.Builder
	comments int // comment lines seen (keep-alives)
}

// NewDecoder returns a Decoder that reads from r. If r is an io.ByteReader
// (a *bufio.Reader, say), the Decoder reads from it byte by byte, so the
// caller chooses how much is buffered; otherwise it wraps r in a
// bufio.Reader, which may read ahead of the event Next returns.
func NewDecoder(r io.Reader) *Decoder {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &Decoder{r: br}
}

// Next returns the next event the stream dispatches, skipping comment
// lines (keep-alives) and the fields EventSource ignores (retry, unknown
// names). An event's ID is the last id: field seen so far, in this event or
// an earlier one, as EventSource's lastEventId. At the end of the stream
// Next returns io.EOF, or the read error; an event cut off before its blank
// line is discarded, as EventSource does.
func (d *Decoder) Next() (Event, error) {
	for {
		line, err := d.line()
		if err != nil {
			return Event{}, err
		}
		if !d.started {
			d.started = true
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		// Line breaks are ASCII, never inside a UTF-8 sequence: decoding
		// line by line is decoding the stream.
		line = browserUTF8(line)
		if len(line) == 0 {
			if d.data.Len() == 0 {
				d.typ.Reset()
				continue
			}
			data := strings.TrimSuffix(d.data.String(), "\n")
			ev := Event{ID: d.lastID, Type: d.typ.String(), Data: data}
			d.data.Reset()
			d.typ.Reset()
			return ev, nil
		}
		d.field(line)
	}
}

// field processes one non-empty line.
func (d *Decoder) field(line []byte) {
	if line[0] == ':' {
		d.comments++
		return
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		value = bytes.TrimPrefix(value, []byte(" ")) // one space only
	}
	switch string(name) {
	case "event":
		d.typ.Reset()
		d.typ.Write(value)
	case "data":
		d.data.Write(value)
		d.data.WriteByte('\n')
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			d.lastID = string(value)
		}
	}
	// "retry" and unknown fields are ignored.
}

// line reads one line ended by CRLF, LF or CR, without its ending. A CR is
// a whole line ending at once, so a live stream is never held up waiting
// for the byte after it.
func (d *Decoder) line() ([]byte, error) {
	var line []byte
	for {
		c, err := d.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if d.skipLF {
			d.skipLF = false
			if c == '\n' {
				continue
			}
		}
		switch c {
		case '\n':
			return line, nil
		case '\r':
			d.skipLF = true
			return line, nil
		}
		line = append(line, c)
	}
}

// browserUTF8 decodes b as UTF-8 the way browsers decode an event stream
// (the WHATWG Encoding standard's "UTF-8 decode"): each maximal subpart of
// an ill-formed sequence becomes one U+FFFD. That is not what Go's
// strings.ToValidUTF8 (one U+FFFD per run) or a range loop (one per byte)
// do: "\xF0\x9F\x98" is one U+FFFD here, three in a range loop.
func browserUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r != utf8.RuneError || n > 1 { // n > 1: a U+FFFD that was sent
			out, b = append(out, b[:n]...), b[n:]
			continue
		}
		out, b = utf8.AppendRune(out, utf8.RuneError), b[maximalSubpart(b):]
	}
	return out
}

// maximalSubpart is the length of the ill-formed sequence at the start of
// b that the Encoding standard replaces with a single U+FFFD: a lead byte
// and the continuation bytes that fit it, up to the first that does not.
func maximalSubpart(b []byte) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c >= 0xE0 && c <= 0xEF:
		need = 2
		if c == 0xE0 {
			lo = 0xA0 // no overlong forms
		} else if c == 0xED {
			hi = 0x9F // no surrogates
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 3
		if c == 0xF0 {
			lo = 0x90 // no overlong forms
		} else if c == 0xF4 {
			hi = 0x8F // nothing above U+10FFFF
		}
	default: // a continuation byte or a byte that never starts one
		return 1
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}
