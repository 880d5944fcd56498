package sse

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
)

// Past MaxClients a subscriber is refused with ErrFull, and a stream with
// 503 and Retry-After; a place freed by Close is taken again.
func TestMaxClients(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{MaxClients: 2})
		defer b.Shutdown()
		first, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		second, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		if _, err := b.Subscribe(t.Context(), ""); !errors.Is(err, ErrFull) {
			t.Errorf("a third subscriber: %v, want ErrFull", err)
		}
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/events", nil))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != retryAfter {
			t.Errorf("a third stream: %d, Retry-After %q; want 503 and %s", rec.Code, rec.Header().Get("Retry-After"), retryAfter)
		}
		if s := b.Stats(); s.Clients != 2 || s.Refused != 2 {
			t.Errorf("Stats = %+v, want 2 clients and 2 refused", s)
		}
		first.Close()
		again, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatalf("after a Close: %v, want a place", err)
		}
		again.Close()
	})
}

// With an Epoch, ids name the broker's run, and an id of another run (a
// broker before a restart) or a bare number starts from now instead of
// replaying this run's events after the same number.
func TestEpoch(t *testing.T) {
	tests := []struct {
		last string
		want []string
	}{
		{"e7-1", []string{"e7-2", "e7-3"}},
		{"e7-3", nil},
		{"e6-1", nil}, // the broker before the restart
		{"1", nil},
		{"e7-", nil},
		{"e7-x", nil},
	}
	for _, tt := range tests {
		synctest.Test(t, func(t *testing.T) {
			b := NewBroker(Config{Epoch: "e7"})
			defer b.Shutdown()
			publishN(t, b, 3)
			sub, err := b.Subscribe(t.Context(), tt.last)
			if err != nil {
				t.Fatal(err)
			}
			publishN(t, b, 1)
			sub.Close()
			if got, want := collect(sub), append(tt.want, "e7-4"); !slices.Equal(got, want) {
				t.Errorf("Last-Event-ID %q: got %v, want %v", tt.last, got, want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("NewBroker took an Epoch with a line break")
		}
	}()
	NewBroker(Config{Epoch: "e\nid: 9"})
}

// A Last-Event-ID is parsed, never kept: 200 subscribers that each sent
// a megabyte of it cost the broker nothing once Subscribe has returned.
// (The broker kept the string for as long as the stream lasted: 1,000
// such streams took a server from 10 MB to 2.2 GB.)
func TestSubscribeKeepsNoLastEventID(t *testing.T) {
	const subscribers, size = 200, 1 << 20
	b := NewBroker(Config{})
	defer b.Shutdown()
	before := heapAfterGC()
	subs := make([]*Subscription, 0, subscribers)
	for i := range subscribers {
		huge := fmt.Sprint(i) + strings.Repeat("0", size) // each its own megabyte
		sub, err := b.Subscribe(t.Context(), huge)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	grew := int64(heapAfterGC()) - int64(before)
	for _, sub := range subs {
		sub.Close()
	}
	if limit := int64(subscribers * 4 << 10); grew > limit {
		t.Errorf("the heap grew by %d KiB with %d subscribers of a 1 MiB Last-Event-ID, want under %d KiB",
			grew>>10, subscribers, limit>>10)
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
