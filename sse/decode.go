package sse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// decoder is a client's side of the stream: it parses text/event-stream as
// the WHATWG HTML standard's EventSource does ("Interpreting an event
// stream"), decoding it as UTF-8 the way a browser does (see browserUTF8). The demo's clients read the broker through it, and the fuzz test
// checks Encode against it.
type decoder struct {
	r       *bufio.Reader
	skipLF  bool // the last line ended in CR: an LF right after it belongs to it
	started bool // a line was read: a BOM is only skipped before the first

	lastID   string // persists across events, as in EventSource
	typ      strings.Builder
	data     strings.Builder
	comments int // comment lines seen (keep-alives)
}

func newDecoder(r io.Reader, size int) *decoder {
	return &decoder{r: bufio.NewReaderSize(r, size)}
}

// next returns the next dispatched event. At the end of the stream it
// returns io.EOF (or the read error); an event cut off before its blank line
// is discarded, as EventSource does.
func (d *decoder) next() (Event, error) {
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
func (d *decoder) field(line []byte) {
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
func (d *decoder) line() ([]byte, error) {
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
