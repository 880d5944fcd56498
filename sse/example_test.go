package sse_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// A subscriber that does not keep up is evicted (slide 17) while the others
// get every event, and the publisher never waits for it.
func ExampleBroker() {
	ctx := context.Background()
	b := sse.NewBroker(sse.Config{Buffer: 2})
	defer b.Shutdown()
	fast, _ := b.Subscribe(ctx, "")
	defer fast.Close()
	slow, _ := b.Subscribe(ctx, "") // never reads until the end
	defer slow.Close()

	for _, status := range []string{"Starting", "Progressing", "Healthy"} {
		_ = b.Publish(ctx, "deployment", "payments-api -> prod: "+status)
		ev := <-fast.Events()
		fmt.Println("fast got", ev.ID, ev.Data)
	}
	for ev := range slow.Events() { // closed by the broker when it evicted slow
		fmt.Println("slow got", ev.ID, ev.Data)
	}
	fmt.Println("slow:", slow.Err())
	// Output:
	// fast got 1 payments-api -> prod: Starting
	// fast got 2 payments-api -> prod: Progressing
	// fast got 3 payments-api -> prod: Healthy
	// slow got 1 payments-api -> prod: Starting
	// slow got 2 payments-api -> prod: Progressing
	// slow: sse: evicted: buffer full (client too slow)
}

// A browser that lost its connection reconnects with the id of the last
// event it saw as Last-Event-ID, and gets what it missed before the live
// events, with no gap and no repeat.
func ExampleBroker_Subscribe() {
	ctx := context.Background()
	b := sse.NewBroker(sse.Config{Replay: 8})
	defer b.Shutdown()
	for _, status := range []string{"Starting", "Progressing", "Healthy"} {
		_ = b.Publish(ctx, "deployment", "orders-worker -> prod: "+status)
	}

	sub, err := b.Subscribe(ctx, "1") // it saw event 1, then the network dropped
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sub.Close()
	_ = b.Publish(ctx, "deployment", "orders-worker -> prod: Scaled to 5")
	for range 3 {
		ev := <-sub.Events()
		fmt.Println(ev.ID, ev.Data)
	}
	// Output:
	// 2 orders-worker -> prod: Progressing
	// 3 orders-worker -> prod: Healthy
	// 4 orders-worker -> prod: Scaled to 5
}

// With an Epoch, a browser that reconnects to a restarted broker with the
// last id of the run before starts from now: it is not sent the new run's
// events after the same number, as if they were the ones it missed.
func ExampleConfig_epoch() {
	ctx := context.Background()
	before := sse.NewBroker(sse.Config{Epoch: "run1"})
	_ = before.Publish(ctx, "deployment", "payments-api -> prod: Progressing")
	_ = before.Publish(ctx, "deployment", "payments-api -> prod: Healthy")
	before.Shutdown() // the server restarts

	after := sse.NewBroker(sse.Config{Epoch: "run2"})
	defer after.Shutdown()
	for _, status := range []string{"Progressing", "Degraded", "Healthy"} {
		_ = after.Publish(ctx, "deployment", "orders-worker -> prod: "+status)
	}
	sub, err := after.Subscribe(ctx, "run1-1") // the last id the browser saw
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sub.Close()
	_ = after.Publish(ctx, "deployment", "checkout-web -> staging: Healthy")
	ev := <-sub.Events()
	fmt.Println(ev.ID, ev.Data)
	// Output:
	// run2-4 checkout-web -> staging: Healthy
}

// Multi-line data becomes several data: lines, so a line break in the data
// cannot start a new field.
func ExampleEncode() {
	_ = sse.Encode(os.Stdout, sse.Event{ID: "7", Type: "deployment", Data: "checkout-web -> staging: Degraded\nid: 99"})
	err := sse.Encode(os.Stdout, sse.Event{ID: "8\nevent: forged"})
	fmt.Println(err)
	// Output:
	// id: 7
	// event: deployment
	// data: checkout-web -> staging: Degraded
	// data: id: 99
	//
	// sse: event id contains CR, LF or NUL, or is not UTF-8
}

// A client reads back what Encode wrote, as a browser's EventSource would:
// multi-line data whole, comments (keep-alives) skipped, then io.EOF.
func ExampleDecoder() {
	var stream bytes.Buffer
	_ = sse.Encode(&stream, sse.Event{ID: "7", Type: "deployment", Data: "checkout-web -> staging: Degraded\n1/3 pods ready"})
	stream.WriteString(": keep-alive\n")
	_ = sse.Encode(&stream, sse.Event{ID: "8", Type: "deployment", Data: "checkout-web -> staging: Healthy"})

	d := sse.NewDecoder(&stream)
	for {
		ev, err := d.Next()
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Printf("%s %s %q\n", ev.ID, ev.Type, ev.Data)
	}
	// Output:
	// 7 deployment "checkout-web -> staging: Degraded\n1/3 pods ready"
	// 8 deployment "checkout-web -> staging: Healthy"
	// EOF
}

// The broker is the handler of the stream; registering its Shutdown with
// the server lets Server.Shutdown end open streams instead of waiting on
// them.
func ExampleBroker_ServeHTTP() {
	b := sse.NewBroker(sse.Config{})
	srv := httptest.NewUnstartedServer(b)
	srv.Config.RegisterOnShutdown(b.Shutdown)
	srv.Start()
	defer srv.Close()

	resp, err := http.Get(srv.URL) // headers in: subscribed
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Type"))
	_ = b.Publish(context.Background(), "deployment", "orders-worker -> prod: Healthy\n3/3 pods ready")

	_ = srv.Config.Shutdown(context.Background()) // ends the stream: the loop below ends
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		fmt.Printf("%q\n", lines.Text())
	}
	// Output:
	// text/event-stream
	// "id: 1"
	// "event: deployment"
	// "data: orders-worker -> prod: Healthy"
	// "data: 3/3 pods ready"
	// ""
}
