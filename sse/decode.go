package sse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// decoder is a client's side of the stream: it parses text/event-stream as
// the WHATWG HTML standard's EventSource does ("Interpreting an event
// stream"). The demo's clients read the broker through it, and the fuzz test
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
