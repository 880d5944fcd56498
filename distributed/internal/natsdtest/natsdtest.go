// Package natsdtest runs a package's tests against one embedded NATS
// server, the way the autotrigger and scenario tests share theirs.
package natsdtest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
)

// Main is a TestMain: it starts an embedded server, stores it in *srv,
// runs the tests, shuts the server down and then, if the tests passed,
// checks with goleak that none of their goroutines is left. It exits the
// process with the tests' status, or 1 if the server fails or something
// leaked.
func Main(m *testing.M, srv **natsd.Server) {
	os.Exit(run(m, srv))
}

func run(m *testing.M, srv **natsd.Server) int {
	s, err := natsd.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := keepStreamsFolder(s.URL()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		s.Shutdown()
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	return code
}

// keepStreamsFolder creates a stream that lives as long as the server, so
// the tests' deletions never delete the account's last stream: nats-server
// then removes the account's streams folder in the background, racing the
// next test's stream creation ("could not create storage directory").
func keepStreamsFolder(url string) error {
	nc, err := nats.Connect(url)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	_, err = js.CreateStream(context.Background(), jetstream.StreamConfig{Name: "KEEP", Subjects: []string{"keep"}})
	return err
}
