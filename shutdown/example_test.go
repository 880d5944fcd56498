package shutdown_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// The client gives up; the server cancels r.Context(), and the job stops.
func ExampleCancelOnDisconnect() {
	stopped := make(chan error, 1)
	job := func(ctx context.Context) error {
		<-ctx.Done() // a job far longer than the client's patience
		stopped <- ctx.Err()
		return ctx.Err()
	}
	srv := httptest.NewServer(shutdown.CancelOnDisconnect(job))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/clusters", nil)
	_, err := client.Do(req)
	fmt.Println("client gave up:", errors.Is(err, context.DeadlineExceeded))
	fmt.Println("job stopped with:", <-stopped)
	// Output:
	// client gave up: true
	// job stopped with: context canceled
}

func ExampleClusterCreation() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	job := shutdown.ClusterCreation(5, func(ctx context.Context, i int) error {
		fmt.Println("API call", i+1)
		if i == 2 {
			cancel() // the client leaves during call 3
		}
		return nil
	})
	fmt.Println(job(ctx))
	// Output:
	// API call 1
	// API call 2
	// API call 3
	// create cluster: stopped before API call 4 of 5: context canceled
}

// A signal (here: cancel) while a request is in flight: the server stops
// accepting, the request completes, Serve returns nil.
func ExampleServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(50 * time.Millisecond) // work in flight at the signal
		fmt.Fprint(w, "finished")
	})}
	signal, send := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- shutdown.Serve(signal, srv, ln, 5*time.Second) }()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	answer := make(chan string, 1)
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String())
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- string(body)
	}()
	<-started
	send()
	fmt.Println("request:", <-answer)
	fmt.Println("Serve:", <-served)
	// Output:
	// request: finished
	// Serve: <nil>
}

// A main function that serves until Ctrl-C or SIGTERM, then drains for at
// most 10 seconds; a second Ctrl-C ends it at once.
func ExampleServeUntilSignal() {
	ln, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.DefaultServeMux, ReadHeaderTimeout: 5 * time.Second}
	if err := shutdown.ServeUntilSignal(srv, ln, 10*time.Second); err != nil {
		log.Fatal(err)
	}
}

type userKey struct{}

// The user closed the browser, but the deployment goes on, as the same
// user, for at most a minute.
func ExampleDetach() {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), userKey{}, "alice"))
	cancel() // the request's context: the client has gone

	work, done := shutdown.Detach(ctx, time.Minute)
	defer done()
	_, hasDeadline := work.Deadline()
	fmt.Println("request:", ctx.Err())
	fmt.Println("deployment:", work.Err(), work.Value(userKey{}), hasDeadline)
	// Output:
	// request: context canceled
	// deployment: <nil> alice true
}

func ExampleDetached() {
	// life would be what ends when the server's drain gives up.
	deploy := shutdown.Detached(context.Background(), time.Minute, func(ctx context.Context) error {
		fmt.Println("deploying, cancelled:", ctx.Err() != nil)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the user closed the browser before the handler even ran
	deploy.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/deploy", nil))
	// Output:
	// deploying, cancelled: false
}

// The job takes two renewals; when RunWithLease returns, its loop has
// ended: no renewal comes after.
func ExampleRunWithLease() {
	renewed := make(chan struct{}) // unbuffered: a renewal waits for the job
	renew := func(ctx context.Context) {
		select {
		case renewed <- struct{}{}:
		case <-ctx.Done():
		}
	}
	job := func(ctx context.Context) error {
		<-renewed
		<-renewed
		return nil
	}
	err := shutdown.RunWithLease(context.Background(), time.Millisecond, renew, job)
	fmt.Println("job:", err)
	select {
	case <-renewed:
		fmt.Println("renewed after the job: leaked")
	case <-time.After(20 * time.Millisecond):
		fmt.Println("no renewal after the job")
	}
	// Output:
	// job: <nil>
	// no renewal after the job
}

// A renewal that panics stops the job it renews for: the job's context is
// cancelled with the panic as its cause, and RunWithLease returns it, with
// the stack kept for the crash reporter.
func ExampleRunWithLease_renewPanics() {
	renew := func(ctx context.Context) {
		var holders []string // a bug: the lease's holders were never loaded
		_ = holders[len(holders)]
	}
	job := func(ctx context.Context) error {
		<-ctx.Done() // a long job, stopped by its lost lease
		return context.Cause(ctx)
	}
	err := shutdown.RunWithLease(context.Background(), time.Millisecond, renew, job)
	var pe *workerpool.PanicError
	fmt.Println(errors.As(err, &pe), err)
	fmt.Println("stack names the caller's code:", strings.Contains(string(pe.Stack), "ExampleRunWithLease_renewPanics"))
	// Output:
	// true panic: runtime error: index out of range [0] with length 0
	// stack names the caller's code: true
}

// A stream (SSE, a watch) holds a drain until its timeout unless it is
// told to end: RegisterOnShutdown tells it, and the drain finishes at once.
func ExampleDrain() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	stop := make(chan struct{}) // closed when the drain begins
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "data: deployment started\n\n")
		http.NewResponseController(w).Flush()
		select {
		case <-stop: // the server is stopping: end the stream
		case <-r.Context().Done():
		}
	})}
	srv.RegisterOnShutdown(func() { close(stop) })
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://" + ln.Addr().String() + "/events")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	event, _ := bufio.NewReader(resp.Body).ReadString('\n')
	fmt.Print("client: ", event)

	start := time.Now()
	fmt.Println("drain:", shutdown.Drain(srv, time.Minute), time.Since(start) < time.Minute)
	fmt.Println("serve:", <-served)
	// Output:
	// client: data: deployment started
	// drain: <nil> true
	// serve: http: Server closed
}
