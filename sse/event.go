package sse

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// Event is one Server-Sent Event: what a browser's EventSource hands to its
// listeners as lastEventId, type and data.
type Event struct {
	// ID is sent as the id: field; the client sends it back as
	// Last-Event-ID when it reconnects. It must be UTF-8 without CR, LF or
	// NUL (a NUL makes browsers ignore the field). Empty means no id: field.
	ID string
	// Type is sent as the event: field; empty means the default type
	// "message". It must be UTF-8 without CR or LF.
	Type string
	// Data is any text. Each of its line breaks (CRLF, CR or LF) starts a
	// new data: line, and the client joins them with LF, so a client gets
	// Data back exactly, except that CRLF and CR arrive as LF (the format
	// cannot carry a bare CR), and that the stream is always decoded as
	// UTF-8: a browser replaces bytes that are not UTF-8 with U+FFFD.
	// Send binary data encoded, in base64 say.
	Data string
}

// Errors of an event that cannot be encoded without changing its meaning.
var (
	ErrInvalidID   = errors.New("sse: event id contains CR, LF or NUL, or is not UTF-8")
	ErrInvalidType = errors.New("sse: event type contains CR or LF, or is not UTF-8")
)

// Validate reports whether e can be sent as it is. The only fields a line
// break could inject into are id and event: Data is safe whatever it holds,
// since every line of it is sent behind its own "data: " prefix. An id or
// type that is not UTF-8 would arrive changed (see Event.Data): the id sent
// back on a reconnect would not be the one sent, and the type would match
// no listener.
func (e Event) Validate() error {
	if strings.ContainsAny(e.ID, "\r\n\x00") || !utf8.ValidString(e.ID) {
		return ErrInvalidID
	}
	if strings.ContainsAny(e.Type, "\r\n") || !utf8.ValidString(e.Type) {
		return ErrInvalidType
	}
	return nil
}

// Encode writes e to w in the text/event-stream format, ending with the blank
// line that makes the client dispatch it. An invalid e (see Validate) is
// rejected and nothing is written: escaping an id would change the id the
// client sends back.
func Encode(w io.Writer, e Event) error {
	b, err := appendEvent(nil, e)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// appendEvent appends e's encoding to dst.
func appendEvent(dst []byte, e Event) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return dst, err
	}
	if e.ID != "" {
		dst = append(dst, "id: "...)
		dst = append(dst, e.ID...)
		dst = append(dst, '\n')
	}
	if e.Type != "" {
		dst = append(dst, "event: "...)
		dst = append(dst, e.Type...)
		dst = append(dst, '\n')
	}
	// At least one data: line, even for empty Data: a client dispatches
	// nothing for an event without one.
	data := e.Data
	for {
		i := strings.IndexAny(data, "\r\n")
		if i < 0 {
			break
		}
		dst = append(dst, "data: "...)
		dst = append(dst, data[:i]...)
		dst = append(dst, '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++ // CRLF is one line break
		}
		data = data[i+1:]
	}
	dst = append(dst, "data: "...)
	dst = append(dst, data...)
	return append(dst, '\n', '\n'), nil
}

// keepAliveComment is a comment line: clients ignore it, but it keeps proxies and
// load balancers from closing an idle stream, and it makes a dead client's
// connection fail a write, so its stream ends.
const keepAliveComment = ": keep-alive\n"
